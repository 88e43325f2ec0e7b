# Another correct method for the two posterior quantities: compare the men's probabilities
# (not log-odds; expit is monotone, so the event is the same) and draw the predictive counts
# with PyMC's own posterior predictive machinery on a one-cell model of the new sample.

# %% [p_bach_answer]
post = idata_b.posterior
p_men = expit(post["alpha_e"] + post["beta_e"])          # (chain, draw, edu)
p_bach_beats_voc = float((p_men.sel(edu=4) > p_men.sel(edu=3)).mean())
p_bach_beats_voc

# %% [predictive_answer]
with pm.Model(coords={"edu": range(7)}) as new_sample:
    alpha_e = pm.Flat("alpha_e", dims="edu")
    pm.Binomial("new_women_doctorates", n=86, p=pm.math.invlogit(alpha_e[6]))
    pred = pm.sample_posterior_predictive(idata_b, var_names=["new_women_doctorates"],
                                          random_seed=seed + 3, progressbar=False)
female_doctorate_draws = pred.posterior_predictive["new_women_doctorates"].values
