# Reference solution for assignments/ipw/ipw.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [propensity_answer]
def propensity(x, z, cpts):
    """P(X=x | Z=z); the table is indexed [z][x]."""
    return float(cpts["p_x_given_z"][int(z)][int(x)])

# %% [traces_answer]
def draw_traces(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    trace = poutine.trace(promotion_model).get_trace(cpts, num_samples)
    trace.compute_log_prob()
    sites = ("Z", "X", "Y")
    log_p = sum(trace.nodes[s]["log_prob"] for s in sites)  # one entry per subscriber
    values = [trace.nodes[s]["value"] for s in sites]
    return torch.stack(values + [log_p.exp()], dim=1).numpy()


draw_traces(cpts, 5, seed=0)

# %% [weighted_joint_answer]
def weighted_joint(cpts, num_samples, seed):
    rows = draw_traces(cpts, num_samples, seed)
    weights = {}
    for z, x, y, p in rows:
        key = (int(z), int(x), int(y))
        weights[key] = float(p) / propensity(key[1], key[0], cpts)
    total = sum(weights.values())
    return {key: w / total for key, w in sorted(weights.items())}


weighted_joint(cpts, 2000, seed=0)

# %% [resample_answer]
def resample(joint, num_samples, seed):
    pyro.set_rng_seed(seed)
    keys = list(joint)
    probs = torch.tensor([float(joint[k]) for k in keys], dtype=torch.float64)
    picks = pyro.sample("omega", dist.Categorical(probs=probs).expand([num_samples]))
    return np.array(keys)[picks.numpy()]

# %% [ipw_ace_answer]
def ipw_ace(cpts, num_samples, seed):
    joint = weighted_joint(cpts, num_samples, seed)
    omega = resample(joint, num_samples, seed + 1)
    x, y = omega[:, 1], omega[:, 2]
    return float(y[x == 0].mean() - y[x == 1].mean())


ipw_ace(cpts, 8000, seed=0)

# %% [explain_ipw] markdown
# **Model answer.** Weighting divides P(z, x, y) = P(z) P(x|z) P(y|x,z) by the propensity
# P(x|z), which leaves P(z) P(y|x,z). Summed over all 8 cells this is
# sum_x sum_z P(z) sum_y P(y|x,z) = 2, so the normalised weighted joint is P(z) P(y|x,z) / 2.
# (a) In Ω, P(x, z) = P(z)/2 = P(z) P(x) with P(x) = 1/2: each happiness level receives each
# promotion half of the time, so X is independent of Z (the arrow Z → X is gone, as in a
# randomised trial). (b) Hence P^Ω(Y=1 | X=x) = sum_z P(z) P(Y=1|x,z) / 2 divided by 1/2
# = sum_z P(z) P(Y=1|x,z), which is the back-door formula for P(Y=1 | do(X=x)). The resampled
# contrast is therefore about +0.055 (promotion 0 is better), not the naive −0.043.
# A propensity near 0 gives a few subscribers huge weights: the estimate then rests on very
# few people and its variance explodes; at exactly 0 (no overlap/positivity) the effect is
# not identified at all.
#
# **Rubric (2 points, TA only).** 1 point: the derivation (the propensity cancels P(x|z),
# the total is 2 because of the two values of x) and the independence of X and Z in Ω.
# 1 point: links P^Ω(Y=1|X=x) to the adjustment formula / do(X=x), and names the variance
# (or positivity) problem of small propensities. Half a point off for only stating the result
# without showing why the sum is 2 or why independence follows.
