# Known mistakes (content brief §6): point summaries where a probability and a
# distribution are asked for.
# - Question 7 reports exp(mean difference of log-odds), an odds ratio (it once gave
#   "105.7 %"), instead of the posterior probability that one rate beats the other.
# - Question 8 multiplies 86 by each posterior draw of the rate: the expected count, with no
#   binomial sampling noise and not a whole number.

# %% [p_bach_answer]
men_bach = idata_b.posterior["alpha_e"].values[..., 4] + idata_b.posterior["beta_e"].values[..., 4]
men_voc = idata_b.posterior["alpha_e"].values[..., 3] + idata_b.posterior["beta_e"].values[..., 3]
p_bach_beats_voc = float(np.exp(np.mean(men_bach - men_voc)))
p_bach_beats_voc

# %% [predictive_answer]
female_doctorate_draws = 86 * expit(idata_b.posterior["alpha_e"].values[..., 6])
