# Known mistake: the comparison the wrong way round, P(voc > bach) for men.

# %% [p_bach_answer]
post_b = idata_b.posterior
men_log_odds = post_b["alpha_e"].values + post_b["beta_e"].values
p_bach_beats_voc = float(np.mean(men_log_odds[..., 3] > men_log_odds[..., 4]))
p_bach_beats_voc
