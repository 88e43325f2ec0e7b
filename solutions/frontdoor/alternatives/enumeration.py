# Alternative correct method: exact inference instead of sampling. With the parents
# of a site fixed by pyro.condition (or pyro.do), one trace of the model exposes that
# site's Bernoulli probability exactly; the sums of the front-door formula and over U
# are then done by hand. No Monte Carlo error, so every seed gives the same answer.
# latent_y is solved in closed form (Cramer's rule) instead of np.linalg.solve.

# %% [frontdoor_answer]
def observed_model(cpts):
    p_z = torch.tensor(cpts["p_z1_given_x"])
    p_y = torch.tensor(cpts["p_y1_given_xz"])
    x = pyro.sample("X", dist.Bernoulli(torch.tensor(float(cpts["p_x1"])))).long()
    z = pyro.sample("Z", dist.Bernoulli(p_z[x])).long()
    return pyro.sample("Y", dist.Bernoulli(p_y[x, z]))


def exact_probability(model, args, site, data):
    """P(site=1 | its parents fixed by data): read off the site's distribution."""
    conditioned = pyro.condition(model, data={k: torch.tensor(float(v)) for k, v in data.items()})
    return pyro.poutine.trace(conditioned).get_trace(*args).nodes[site]["fn"].probs.item()


def frontdoor_ace(cpts, num_samples, seed):
    p_x = [1 - cpts["p_x1"], cpts["p_x1"]]
    p_z1 = [exact_probability(observed_model, (cpts,), "Z", {"X": x}) for x in (0, 1)]
    inner = [sum(exact_probability(observed_model, (cpts,), "Y", {"X": xp, "Z": z}) * p_x[xp]
                 for xp in (0, 1)) for z in (0, 1)]
    p_do = [(1 - p_z1[x]) * inner[0] + p_z1[x] * inner[1] for x in (0, 1)]
    return p_do[0] - p_do[1]

# %% [latent_y_answer]
def latent_y(cpts):
    p_x1 = P_U1 * P_X1_GIVEN_U[1] + (1 - P_U1) * P_X1_GIVEN_U[0]
    q = [P_U1 * (1 - P_X1_GIVEN_U[1]) / (1 - p_x1), P_U1 * P_X1_GIVEN_U[1] / p_x1]
    det = (1 - q[0]) * q[1] - q[0] * (1 - q[1])
    out = []
    for z in (0, 1):
        b0, b1 = cpts["p_y1_given_xz"][0][z], cpts["p_y1_given_xz"][1][z]
        out.append([(b0 * q[1] - q[0] * b1) / det, ((1 - q[0]) * b1 - (1 - q[1]) * b0) / det])
    return out

# %% [do_answer]
def latent_model(cpts):
    p_x = torch.tensor(P_X1_GIVEN_U)
    p_z = torch.tensor(cpts["p_z1_given_x"])
    p_y = torch.tensor(latent_y(cpts))
    u = pyro.sample("U", dist.Bernoulli(torch.tensor(float(P_U1)))).long()
    x = pyro.sample("X", dist.Bernoulli(p_x[u])).long()
    z = pyro.sample("Z", dist.Bernoulli(p_z[x])).long()
    return pyro.sample("Y", dist.Bernoulli(p_y[z, u]))


def do_ace(cpts, num_samples, seed):
    p_u = [1 - P_U1, P_U1]
    p_do = []
    for x in (0, 1):
        intervened = pyro.do(latent_model, data={"X": torch.tensor(float(x))})
        p_z1 = exact_probability(intervened, (cpts,), "Z", {})
        p_do.append(sum(p_u[u] * ((1 - p_z1) * exact_probability(intervened, (cpts,), "Y",
                                                                   {"U": u, "Z": 0})
                                  + p_z1 * exact_probability(intervened, (cpts,), "Y",
                                                             {"U": u, "Z": 1}))
                        for u in (0, 1)))
    return p_do[0] - p_do[1]
