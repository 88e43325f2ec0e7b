# Known mistake: humidity left out of the coating equation (H -> C forgotten). The model
# simulates C from D alone and, fitted with pm.observe, cannot adjust for H: its ATE is the
# naive contrast of the data it is given. Written with a dict of priors.

# %% [model_answer]
def causal_model(n):
    with pm.Model(coords={"unit": np.arange(n)}) as model:
        beta = {name: pm.Normal(name, 0, 1)
                for name in ("beta_d0", "beta_hd", "beta_c0", "beta_dc", "beta_hc")}
        sigma_c = pm.HalfNormal("sigma_c", 1)
        H = pm.Normal("H", 0, 1, dims="unit")
        D = pm.Bernoulli("D", logit_p=beta["beta_d0"] + beta["beta_hd"] * H, dims="unit")
        pm.Normal("C", mu=beta["beta_c0"] + beta["beta_dc"] * D, sigma=sigma_c, dims="unit")
    return model


def simulate(seed, n):
    world = pm.do(causal_model(n), TRUE_VALUES)
    draws = pm.draw([world["H"], world["D"], world["C"]], random_seed=seed)
    return dict(zip(("H", "D", "C"), draws))


data = simulate(seed, N_UNITS)
