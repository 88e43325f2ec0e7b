# Known mistake: a different Z per arm. Each intervention draws its own latent value
# instead of sharing one: unit_contrasts uses the given z for T=1 but a fresh draw of Z
# from the prior for T=0, and vi_ate runs the guide separately for each arm. The ATE is
# still about right; the per-player contrasts are not.

# %% [vi_answer]
def arm_outcomes(model, G, z, t):
    fixed = pyro.condition(pyro.do(model, data={"T": torch.full_like(G, float(t))}),
                           data={"Z": z})
    return fixed(G)


def unit_contrasts(model, df, z, num_samples, seed):
    pyro.set_rng_seed(seed)
    with torch.no_grad():
        G = tensors(df)["G"].repeat(num_samples)
        z1 = torch.as_tensor(np.asarray(z), dtype=torch.float32).repeat(num_samples)
        z0 = torch.randn(len(df)).repeat(num_samples)       # a new Z for the other arm
        diff = arm_outcomes(model, G, z1, 1) - arm_outcomes(model, G, z0, 0)
        return diff.reshape(num_samples, len(df)).mean(0).numpy()


def vi_ate(model, guide, df, num_samples, seed):
    pyro.set_rng_seed(seed)
    data = tensors(df)
    with torch.no_grad():
        reps = {k: v.repeat(num_samples) for k, v in data.items()}
        z1 = pyro.poutine.trace(guide).get_trace(**reps).nodes["Z"]["value"]
        z0 = pyro.poutine.trace(guide).get_trace(**reps).nodes["Z"]["value"]
        diff = arm_outcomes(model, reps["G"], z1, 1) - arm_outcomes(model, reps["G"], z0, 0)
    return float(diff.mean())


vi_estimate = vi_ate(model, guide, df, num_samples=NUM_Z_SAMPLES, seed=0)
