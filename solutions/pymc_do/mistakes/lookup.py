# A stored data set (the simulator's version of a lookup table): simulate() draws once,
# with a fixed seed, at each size it is asked for, and returns that same data set
# whatever seed the grader passes. The data follow the model, so only the second call
# with another seed catches this; everything downstream is done right.

# %% [model_answer]
def causal_model(n):
    """H -> D, H -> C, D -> C for n units, with the priors of the question."""
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


STORED = {}


def simulate(seed, n):
    if n not in STORED:
        truth = pm.do(causal_model(n), TRUE_VALUES)
        h, d, c = pm.draw([truth["H"], truth["D"], truth["C"]], random_seed=12345)
        STORED[n] = {"H": h, "D": d, "C": c}
    return STORED[n]


data = simulate(seed, N_UNITS)
