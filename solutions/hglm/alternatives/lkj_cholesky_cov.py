# Another correct Part B: the covariance prior written with PyMC's own pm.LKJCholeskyCov
# instead of the (sigmas, rho) helper. The prior is the same (LKJ(2) on the correlation,
# HalfCauchy(2) on both sds), so the posterior of alpha_e, beta_e and b is the same too.

# %% [part_b_answer]
coords = {"edu": range(7), "effect": ["alpha", "beta"]}


def varying_slopes(centred):
    with pm.Model(coords=coords) as model:
        a = pm.Normal("a", 0, 10)
        b = pm.Normal("b", 0, 1)
        chol, corr, stds = pm.LKJCholeskyCov("chol", n=2, eta=2,
                                             sd_dist=pm.HalfCauchy.dist(2), compute_corr=True)
        pm.Deterministic("sigmas", stds, dims="effect")
        pm.Deterministic("rho", corr[0, 1])
        mu = pm.math.stack([a, b])
        if centred:
            effects = pm.MvNormal("effects", mu=mu, chol=chol, dims=("edu", "effect"))
        else:
            z = pm.Normal("z", 0, 1, dims=("edu", "effect"))
            effects = pm.Deterministic("effects", mu + z @ chol.T, dims=("edu", "effect"))
        alpha_e = pm.Deterministic("alpha_e", effects[:, 0], dims="edu")
        beta_e = pm.Deterministic("beta_e", effects[:, 1], dims="edu")
        pm.Binomial("over_50k", n=total, logit_p=alpha_e[edu] + beta_e[edu] * sex,
                    observed=over_50k)
    return model


model_b_centred = varying_slopes(centred=True)
model_b = varying_slopes(centred=False)
settings = dict(draws=1000, tune=1000, chains=4, target_accept=0.95, nuts_sampler="nutpie",
                progressbar=False)
with model_b_centred:
    idata_b_centred = pm.sample(random_seed=seed + 1, **settings)
with model_b:
    idata_b = pm.sample(random_seed=seed + 2, **settings)

divergences = {"centred": int(idata_b_centred.sample_stats["diverging"].sum()),
               "non_centred": int(idata_b.sample_stats["diverging"].sum())}
print(divergences)
print(az.summary(idata_b, var_names=["a", "b", "sigmas", "rho"]))
posterior_b = {name: idata_b.posterior[name].values for name in ["b", "alpha_e", "beta_e"]}
