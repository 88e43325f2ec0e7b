# Alternative correct method for (c): no Monte Carlo over M and Y. With Z and T fixed,
# one trace of the model exposes P(M=1 | T) and the mean of Y given (M, G, Z), so
# E[Y | do(T=t), Z=z, G] = sum_m P(m | t) E[Y | m, G, z] is exact. unit_contrasts then
# ignores num_samples and seed (its answer has no noise); vi_ate still draws Z from the
# guide num_samples times per player.

# %% [vi_answer]
def arm_mean(model, G, z, t):
    intervened = pyro.do(model, data={"T": torch.full_like(G, float(t))})
    total = torch.zeros_like(G)
    for m in (0.0, 1.0):
        fixed = pyro.condition(intervened, data={"Z": z, "M": torch.full_like(G, m)})
        nodes = pyro.poutine.trace(fixed).get_trace(G).nodes
        p_m1 = nodes["M"]["fn"].probs
        total = total + (p_m1 if m else 1 - p_m1) * nodes["Y"]["fn"].mean
    return total


def unit_contrasts(model, df, z, num_samples, seed):
    with torch.no_grad():
        G = tensors(df)["G"]
        z = torch.as_tensor(np.asarray(z), dtype=torch.float32)
        return (arm_mean(model, G, z, 1) - arm_mean(model, G, z, 0)).numpy()


def vi_ate(model, guide, df, num_samples, seed):
    pyro.set_rng_seed(seed)
    with torch.no_grad():
        reps = {k: v.repeat(num_samples) for k, v in tensors(df).items()}
        z = pyro.poutine.trace(guide).get_trace(**reps).nodes["Z"]["value"]
        return float((arm_mean(model, reps["G"], z, 1) - arm_mean(model, reps["G"], z, 0)).mean())


vi_estimate = vi_ate(model, guide, df, num_samples=NUM_Z_SAMPLES, seed=0)
