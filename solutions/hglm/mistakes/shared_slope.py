# Known mistake: "varying slopes" that do not vary. Part B keeps one sex coefficient for all
# education levels (the Part A structure with the covariance prior bolted on), so beta_e is
# the same number at every level and the intercepts absorb the rest.

# %% [part_b_answer]
coords = {"edu": range(7), "effect": ["alpha", "beta"]}
with pm.Model(coords=coords) as model_b:
    a = pm.Normal("a", 0, 10)
    b = pm.Normal("b", 0, 1)
    sigmas = pm.HalfCauchy("sigmas", 2, dims="effect")
    rho = pm.Deterministic("rho", 2 * pm.Beta("rho_half", 2, 2) - 1)
    chol = cholesky_2x2(sigmas, rho)
    z = pm.Normal("z", 0, 1, dims=("edu", "effect"))
    effects = pm.Deterministic("effects", pm.math.stack([a, b]) + z @ chol.T,
                               dims=("edu", "effect"))
    alpha_e = pm.Deterministic("alpha_e", effects[:, 0], dims="edu")
    beta_e = pm.Deterministic("beta_e", b + 0 * effects[:, 1], dims="edu")   # one slope
    pm.Binomial("over_50k", n=total, logit_p=alpha_e[edu] + beta_e[edu] * sex,
                observed=over_50k)
    idata_b = pm.sample(draws=1000, tune=1000, chains=4, target_accept=0.95,
                        nuts_sampler="nutpie", random_seed=seed + 2, progressbar=False)
idata_b_centred = idata_b
divergences = {"centred": 0, "non_centred": int(idata_b.sample_stats["diverging"].sum())}
posterior_b = {name: idata_b.posterior[name].values for name in ["b", "alpha_e", "beta_e"]}
