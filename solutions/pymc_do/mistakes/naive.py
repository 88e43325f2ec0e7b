# Known mistake (content brief §7): the naive contrast. estimate_ate compares the posterior
# predictive coating rate of the units that *were* diluted with that of the units that were
# not (conditioning on D), so humidity still confounds the comparison.

# %% [estimate_answer]
def estimate_ate(data, seed):
    observed = {key: np.asarray(data[key]) for key in ("H", "D", "C")}
    n = len(observed["C"])
    fitted = pm.observe(causal_model(n), observed)
    with fitted:
        idata = pm.sample(draws=1000, tune=1000, chains=4, random_seed=seed, progressbar=False)
        pred = pm.sample_posterior_predictive(idata, var_names=["C"], random_seed=seed + 1,
                                              progressbar=False)
    c = pred.posterior_predictive["C"].values          # (chains, draws, units)
    diluted = observed["D"] == 1
    return c[..., diluted].mean(axis=-1) - c[..., ~diluted].mean(axis=-1)
