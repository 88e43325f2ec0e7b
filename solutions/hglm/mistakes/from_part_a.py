# Known slip: both posterior quantities computed from the Part A run (idata_a), whose sex
# slope is shared by every education level, instead of the varying-slopes run idata_b. The
# probability lands within Monte Carlo error of the right one; only the draws it should come
# from show the difference.

# %% [p_bach_answer]
alpha = idata_a.posterior["alpha_ed"]
bm_draws = idata_a.posterior["bm"]
men = alpha + bm_draws                                   # men's log-odds, (chain, draw, edu)
p_bach_beats_voc = float((men.sel(edu=4) > men.sel(edu=3)).mean())
p_bach_beats_voc

# %% [predictive_answer]
rng = np.random.default_rng(seed + 3)
women_doctorate = expit(idata_a.posterior["alpha_ed"].values[..., 6])
female_doctorate_draws = rng.binomial(86, women_doctorate)
plt.hist(female_doctorate_draws.ravel(), bins=30)
plt.show()
