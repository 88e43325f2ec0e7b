# Another correct method: one trace per draw (a Python loop using log_prob_sum, no plate
# vectorisation), the weighted joint by exact enumeration of the 8 combinations, and the
# ACE by resampling a pool of weighted traces (sampling importance resampling) instead of
# resampling from the 8-cell table.

# %% [traces_answer]
def draw_traces(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    rows = []
    for _ in range(num_samples):
        trace = poutine.trace(promotion_model).get_trace(cpts, 1)
        z, x, y = (trace.nodes[s]["value"].item() for s in ("Z", "X", "Y"))
        rows.append([z, x, y, trace.log_prob_sum().exp().item()])
    return np.array(rows)

# %% [weighted_joint_answer]
def weighted_joint(cpts, num_samples, seed):
    weights = {}
    for z in (0, 1):
        for x in (0, 1):
            for y in (0, 1):
                data = {"Z": torch.tensor([float(z)]), "X": torch.tensor([float(x)]),
                        "Y": torch.tensor([float(y)])}
                trace = poutine.trace(pyro.condition(promotion_model, data=data)).get_trace(cpts, 1)
                weights[(z, x, y)] = trace.log_prob_sum().exp().item() / propensity(x, z, cpts)
    total = sum(weights.values())
    return {key: w / total for key, w in weights.items()}

# %% [ipw_ace_answer]
def ipw_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    trace = poutine.trace(promotion_model).get_trace(cpts, num_samples)  # a pool of draws
    z, x, y = (trace.nodes[s]["value"] for s in ("Z", "X", "Y"))
    w = torch.tensor([1.0 / propensity(int(a), int(b), cpts) for a, b in zip(x, z)])
    picks = torch.multinomial(w, num_samples, replacement=True)
    x, y = x[picks], y[picks]
    return (y[x == 0].mean() - y[x == 1].mean()).item()
