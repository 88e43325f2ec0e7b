# Known mistake (Part A without the sex term): the intercepts fit men and women lumped
# together, so every alpha_ed moves to the pooled log-odds; bm is kept in the dict as a draw
# from its prior so that the format is right. Written with an explicit non-pooled loop
# over cells.

# %% [part_a_answer]
with pm.Model(coords={"edu": range(7)}) as model_a:
    a = pm.Normal("a", 0, 10)
    bm = pm.Normal("bm", 0, 1)                 # declared, but never used in the likelihood
    sigma = pm.HalfCauchy("sigma", 2)
    alpha_ed = pm.Normal("alpha_ed", mu=a, sigma=sigma, dims="edu")
    pm.Binomial("over_50k", n=total, p=pm.math.invlogit(alpha_ed[edu]), observed=over_50k)
    idata_a = pm.sample(draws=1000, tune=1000, chains=4, random_seed=seed, progressbar=False,
                        idata_kwargs={"log_likelihood": True})

posterior_a = {key: idata_a.posterior[key].values for key in ("a", "bm", "sigma", "alpha_ed")}
