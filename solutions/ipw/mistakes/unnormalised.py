# Known mistake (content brief, section 4): the IPW weights are never normalised, so the
# "distribution" sums to 2. Resampling with torch.multinomial normalises silently, so only
# the weighted joint itself is wrong; every other answer keeps its points.

# %% [weighted_joint_answer]
def weighted_joint(cpts, num_samples, seed):
    rows = draw_traces(cpts, num_samples, seed)
    weights = {}
    for z, x, y, p in rows:
        key = (int(z), int(x), int(y))
        weights[key] = float(p) / propensity(key[1], key[0], cpts)
    return weights

# %% [resample_answer]
def resample(joint, num_samples, seed):
    pyro.set_rng_seed(seed)
    keys = list(joint)
    weights = torch.tensor([float(joint[k]) for k in keys], dtype=torch.float64)
    picks = torch.multinomial(weights, num_samples, replacement=True)
    return np.array(keys)[picks.numpy()]
