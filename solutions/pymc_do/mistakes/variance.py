# Known mistake: sigma_c read as a variance. The simulation sets the noise sd to sqrt(0.2),
# so nature's data are too noisy; everything downstream is still done right.

# %% [model_answer]
def causal_model(n):
    with pm.Model(coords={"unit": np.arange(n)}) as model:
        beta_d0 = pm.Normal("beta_d0", 0, 1)
        beta_hd = pm.Normal("beta_hd", 0, 1)
        beta_c0 = pm.Normal("beta_c0", 0, 1)
        beta_dc = pm.Normal("beta_dc", 0, 1)
        beta_hc = pm.Normal("beta_hc", 0, 1)
        sigma_c = pm.HalfNormal("sigma_c", 1)
        H = pm.Normal("H", 0, 1, dims="unit")
        D = pm.Bernoulli("D", logit_p=beta_d0 + beta_hd * H, dims="unit")
        pm.Normal("C", mu=beta_c0 + beta_dc * D + beta_hc * H, sigma=sigma_c, dims="unit")
    return model


def simulate(seed, n):
    values = {**TRUE_VALUES, "sigma_c": np.sqrt(TRUE_VALUES["sigma_c"])}   # variance, not sd
    truth = pm.do(causal_model(n), values)
    h, d, c = pm.draw([truth["H"], truth["D"], truth["C"]], random_seed=seed)
    return {"H": h, "D": d, "C": c}


data = simulate(seed, N_UNITS)
