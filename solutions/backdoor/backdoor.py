# Reference solution for assignments/backdoor/backdoor.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [cpts_answer]
n_z = counts.groupby("happiness")["total"].sum()
n = n_z.sum()
table = counts.set_index(["promotion", "happiness"])
p_y_given_xz = [[table.loc[(x, z), "renewed"] / table.loc[(x, z), "total"] for z in (0, 1)]
                for x in (0, 1)]
p_x_given_z = [[table.loc[(x, z), "total"] / n_z[z] for x in (0, 1)] for z in (0, 1)]
cpts = {"p_z1": n_z[1] / n, "p_x_given_z": p_x_given_z, "p_y_given_xz": p_y_given_xz}
cpts

# %% [model_answer]
def promotion_model(cpts):
    p_x = torch.tensor(cpts["p_x_given_z"])
    p_y = torch.tensor(cpts["p_y_given_xz"])
    z = pyro.sample("Z", dist.Bernoulli(torch.tensor(float(cpts["p_z1"]))))
    x = pyro.sample("X", dist.Bernoulli(p_x[z.long(), 1]))
    y = pyro.sample("Y", dist.Bernoulli(p_y[x.long(), z.long()]))
    return y


def renewal_rate(model, cpts, num_samples):
    """Importance-sampling estimate of P(Y=1) under `model` (already conditioned or intervened)."""
    posterior = Importance(model, num_samples=num_samples).run(cpts)
    return EmpiricalMarginal(posterior, "Y").mean.item()


def backdoor_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_z = {0: 1 - cpts["p_z1"], 1: cpts["p_z1"]}
    p_do = {}
    for x in (0, 1):
        p_do[x] = 0.0
        for z in (0, 1):
            observed = pyro.condition(promotion_model, data={"Z": torch.tensor(float(z)),
                                                             "X": torch.tensor(float(x))})
            p_do[x] += renewal_rate(observed, cpts, num_samples) * p_z[z]
    return p_do[0] - p_do[1]


backdoor_ace(cpts, 2000, seed=1)

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_do = [renewal_rate(pyro.do(promotion_model, data={"X": torch.tensor(float(x))}),
                         cpts, num_samples)
            for x in (0, 1)]
    return p_do[0] - p_do[1]


do_ace(cpts, 2000, seed=2)

# %% [naive_answer]
overall = counts.groupby("promotion")[["renewed", "total"]].sum()
rates = overall["renewed"] / overall["total"]
naive_difference = rates[0] - rates[1]
naive_difference

# %% [explain_simpson] markdown
# **Model answer.** Recommend promotion 0. Within each happiness level it renews more
# subscribers than promotion 1 (unhappy: 93.2% vs 86.9%; happy: 73.3% vs 68.7%), and the
# back-door adjusted effect P(Y=1|do(X=0)) − P(Y=1|do(X=1)) is positive, about 5.5 points.
# The raw comparison points the other way because happiness is a confounder: most happy
# subscribers were given promotion 0 and happy subscribers renew less often, so promotion 0's
# overall rate is dragged down by *who* received it, not by what it does. This reversal is
# Simpson's paradox; adjusting for Z blocks the back-door path X ← Z → Y.
#
# **Rubric (2 points, TA only).** 1 point: recommends promotion 0 and cites the adjusted
# (not the raw) comparison. 1 point: names happiness as a confounder that affects both which
# promotion was offered and renewal, i.e. explains the reversal via the open back-door path.
# No credit for "sample sizes differ" alone.
