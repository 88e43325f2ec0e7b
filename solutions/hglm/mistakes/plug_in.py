# Known mistake: a plug-in binomial at the observed rate 50/86, with no posterior uncertainty.

# %% [predictive_answer]
rng = np.random.default_rng(seed + 3)
female_doctorate_draws = rng.binomial(86, 50 / 86, size=(4, 1000))
plt.hist(female_doctorate_draws.ravel(), bins=30)
plt.show()
