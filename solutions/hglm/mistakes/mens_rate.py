# Known mistake: the men's doctorate rate (alpha_e + beta_e) used for the women.

# %% [predictive_answer]
rng = np.random.default_rng(seed + 3)
post_b = idata_b.posterior
p_doctorate = expit(post_b["alpha_e"].values[..., 6] + post_b["beta_e"].values[..., 6])
female_doctorate_draws = rng.binomial(86, p_doctorate)
plt.hist(female_doctorate_draws.ravel(), bins=30)
plt.show()
