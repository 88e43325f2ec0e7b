# Known mistake: dilution independent of humidity (H -> D forgotten). The simulated D does
# not depend on H; the fit still adjusts for H in the coating equation.

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
        D = pm.Bernoulli("D", logit_p=beta_d0, dims="unit")          # no H here
        pm.Normal("C", mu=beta_c0 + beta_dc * D + beta_hc * H, sigma=sigma_c, dims="unit")
    return model


def simulate(seed, n):
    truth = pm.do(causal_model(n), TRUE_VALUES)
    h, d, c = pm.draw([truth["H"], truth["D"], truth["C"]], random_seed=seed)
    return {"H": h, "D": d, "C": c}


data = simulate(seed, N_UNITS)
