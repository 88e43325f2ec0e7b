# Reference solution for assignments/frontdoor/frontdoor.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [cpts_answer]
table = counts.set_index(["social_media", "saw_ad"])
n_x = counts.groupby("social_media")["total"].sum()
cpts = {
    "p_x1": float(n_x[1] / n_x.sum()),
    "p_z1_given_x": [float(table.loc[(x, 1), "total"] / n_x[x]) for x in (0, 1)],
    "p_y1_given_xz": [[float(table.loc[(x, z), "purchased"] / table.loc[(x, z), "total"])
                       for z in (0, 1)] for x in (0, 1)],
}
cpts

# %% [naive_answer]
by_group = counts.groupby("social_media")[["purchased", "total"]].sum()
rates = by_group["purchased"] / by_group["total"]
naive_difference = rates[0] - rates[1]
naive_difference

# %% [frontdoor_answer]
def observed_model(cpts, num_draws):
    """X, then Z given X, then Y given X and Z; num_draws independent subjects at once."""
    p_z = torch.tensor(cpts["p_z1_given_x"])
    p_y = torch.tensor(cpts["p_y1_given_xz"])
    with pyro.plate("subjects", num_draws):
        x = pyro.sample("X", dist.Bernoulli(torch.tensor(float(cpts["p_x1"])))).long()
        z = pyro.sample("Z", dist.Bernoulli(p_z[x])).long()
        return pyro.sample("Y", dist.Bernoulli(p_y[x, z]))


def conditional_rate(cpts, evidence, site, num_samples):
    """P(site=1 | evidence) by self-normalised importance sampling with the prior as the
    proposal: num_samples draws of the conditioned model, weighted by the likelihood of
    the conditioned sites."""
    data = {name: torch.full((num_samples,), float(value)) for name, value in evidence.items()}
    conditioned = pyro.condition(observed_model, data=data)
    trace = pyro.poutine.trace(conditioned).get_trace(cpts, num_samples)
    trace.compute_log_prob()
    log_w = sum(trace.nodes[name]["log_prob"] for name in evidence)
    weights = torch.softmax(log_w, dim=0)
    return float((weights * trace.nodes[site]["value"]).sum())


def frontdoor_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_x = [1 - cpts["p_x1"], cpts["p_x1"]]
    p_z1 = [conditional_rate(cpts, {"X": x}, "Z", num_samples) for x in (0, 1)]
    # inner sum: sum_x' P(Y=1 | x', z) P(x'), one value per z
    inner = [sum(conditional_rate(cpts, {"X": xp, "Z": z}, "Y", num_samples) * p_x[xp]
                 for xp in (0, 1)) for z in (0, 1)]
    p_do = [(1 - p_z1[x]) * inner[0] + p_z1[x] * inner[1] for x in (0, 1)]
    return p_do[0] - p_do[1]


frontdoor_ace(cpts, 3000, seed=1)

# %% [latent_y_answer]
def latent_y(cpts):
    p_u = np.array([1 - P_U1, P_U1])
    p_x1_u = np.array(P_X1_GIVEN_U)
    # Bayes: q[x] = P(U=1 | X=x)
    q = np.array([p_u[1] * (1 - p_x1_u[1]) / (p_u @ (1 - p_x1_u)),
                  p_u[1] * p_x1_u[1] / (p_u @ p_x1_u)])
    system = np.column_stack([1 - q, q])            # row x: (1 - q_x) a_z0 + q_x a_z1
    p_y = np.array(cpts["p_y1_given_xz"], dtype=float)
    return np.array([np.linalg.solve(system, p_y[:, z]) for z in (0, 1)])


latent_y(cpts)

# %% [do_answer]
def latent_model(cpts, num_draws):
    p_x = torch.tensor(P_X1_GIVEN_U)
    p_z = torch.tensor(cpts["p_z1_given_x"])
    p_y = torch.tensor(latent_y(cpts), dtype=torch.float32)
    with pyro.plate("subjects", num_draws):
        u = pyro.sample("U", dist.Bernoulli(torch.tensor(float(P_U1)))).long()
        x = pyro.sample("X", dist.Bernoulli(p_x[u])).long()
        z = pyro.sample("Z", dist.Bernoulli(p_z[x])).long()
        return pyro.sample("Y", dist.Bernoulli(p_y[z, u]))


def do_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_do = []
    for x in (0, 1):
        intervened = pyro.do(latent_model, data={"X": torch.full((num_samples,), float(x))})
        p_do.append(intervened(cpts, num_samples).mean().item())
    return p_do[0] - p_do[1]


do_ace(cpts, 3000, seed=2)

# %% [explain_frontdoor] markdown
# **Model answer.** (a) Both the front-door estimate and the intervention on the latent model
# give P(Y=1 | do(X=0)) ≈ 0.50 and P(Y=1 | do(X=1)) ≈ 0.55, so the ACE is about −0.045:
# social media use *raises* the purchase probability by about 4.5 points. (b) Analyst A
# compares 14.75% with 90.25%, but the two groups differ in demographics U, which drive both
# social media use and buying; the open back-door path X ← U → Y makes the raw contrast
# (+0.755) meaningless as an effect. The colleague's model deletes that path: with U gone and
# Y depending on Z only, P(Y | Z) absorbs the confounding (people who saw the ad are mostly
# social media users, who for demographic reasons rarely buy), so P(Y=1 | Z=1) = 0.19 looks far
# worse than P(Y=1 | Z=0) = 0.86 and pyro.do pushes that spurious gap through X → Z, giving
# about +0.60. Analyst B's reading is the right one. (c) The front-door formula needs Z to
# intercept every directed path from X to Y, no unblocked back-door path from X to Z (there is
# none: U does not touch Z), and every back-door path from Z to Y blocked by X (Z ← X ← U → Y).
# Then P(z | do(x)) = P(z | x) and P(y | do(z)) = Σ_x' P(y | x', z) P(x') — the inner sum
# uses the marginal P(x'), which is exactly what the latent-free model gets wrong.
#
# **Rubric (3 points, TA only).** 1 point: correct direction and size (ACE ≈ −0.045, social
# media raises purchases), consistent with the autograded answers. 1 point: explains that the
# naive contrast is confounded by U and that the Z-only model wrongly treats P(Y | Z) as causal,
# i.e. ignores the back-door path Z ← X ← U → Y. 1 point: names the front-door conditions
# (Z mediates all of X's effect; no confounding of X→Z; X blocks the back-door paths from Z to
# Y). Half a point off for confusing the order of the contrast.
