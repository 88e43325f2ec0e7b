# Known mistake: dilution independent of humidity (H -> D forgotten). The simulated D does
# not depend on H; the fit still adjusts for H in the coating equation. Written with the
# priors in a loop and the draws keyed by name.

# %% [model_answer]
def causal_model(n):
    names = ["beta_d0", "beta_hd", "beta_c0", "beta_dc", "beta_hc"]
    with pm.Model(coords={"unit": np.arange(n)}) as model:
        b = dict(zip(names, (pm.Normal(name, 0, 1) for name in names)))
        noise = pm.HalfNormal("sigma_c", 1)
        humidity = pm.Normal("H", 0, 1, dims="unit")
        diluted = pm.Bernoulli("D", logit_p=b["beta_d0"], dims="unit")   # H left out here
        pm.Normal("C", b["beta_c0"] + b["beta_dc"] * diluted + b["beta_hc"] * humidity, noise,
                  dims="unit")
    return model


def simulate(seed, n):
    nature = pm.do(causal_model(n), TRUE_VALUES)
    names = ("H", "D", "C")
    return dict(zip(names, pm.draw([nature[v] for v in names], random_seed=seed)))


data = simulate(seed, N_UNITS)
