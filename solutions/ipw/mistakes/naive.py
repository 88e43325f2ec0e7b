# Known mistake (content brief, sections 2 and 4): no propensity weighting. The "weighted"
# joint is the plain joint of the traces, so the resampled contrast is the naive,
# confounded difference of renewal rates (Simpson's paradox, about -0.043).

# %% [weighted_joint_answer]
def weighted_joint(cpts, num_samples, seed):
    rows = draw_traces(cpts, num_samples, seed)
    joint = {}
    for z, x, y, p in rows:
        joint[(int(z), int(x), int(y))] = float(p)
    total = sum(joint.values())
    return {key: p / total for key, p in joint.items()}
