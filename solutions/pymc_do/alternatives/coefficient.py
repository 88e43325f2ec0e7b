# Another correct method: in this linear model E[C | do(D=1)] - E[C | do(D=0)] is the
# coefficient beta_dc, so its posterior draws are the ATE draws (no predictive noise).
# The intervened models are still built with pm.do to show the two agree.

# %% [estimate_answer]
def estimate_ate(data, seed):
    observed = {key: np.asarray(data[key]) for key in ("H", "D", "C")}
    n = len(observed["C"])
    fitted = pm.observe(causal_model(n), observed)
    with fitted:
        idata = pm.sample(draws=1000, tune=1000, chains=4, random_seed=seed, progressbar=False)
    return idata.posterior["beta_dc"].values
