# Another correct method: the weighted joint by exact enumeration of the 8 combinations
# (each combination's probability from the trace of the fully conditioned model) instead of
# reading it off random draws, and resampling with numpy instead of torch.

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

# %% [resample_answer]
def resample(joint, num_samples, seed):
    rng = np.random.default_rng(seed)
    keys = np.array(list(joint))
    probs = np.array([joint[tuple(k)] for k in keys.tolist()], dtype=float)
    return keys[rng.choice(len(keys), size=num_samples, replace=True, p=probs / probs.sum())]
