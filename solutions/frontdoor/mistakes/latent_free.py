# Known mistake (content brief §3): the latent-free model. U is dropped and Y depends on
# Z only, with P(Y | Z) taken from the table; pyro.do on X then pushes the confounded
# gap between P(Y=1 | Z=1) and P(Y=1 | Z=0) through X -> Z: ACE = +0.603 instead of
# -0.045. In the front-door formula the same slip is weighting the inner sum by
# P(x' | z) instead of P(x'), which gives the same number.

# %% [frontdoor_answer]
def observed_model(cpts, num_draws):
    p_z = torch.tensor(cpts["p_z1_given_x"])
    p_y = torch.tensor(cpts["p_y1_given_xz"])
    with pyro.plate("subjects", num_draws):
        x = pyro.sample("X", dist.Bernoulli(torch.tensor(float(cpts["p_x1"])))).long()
        z = pyro.sample("Z", dist.Bernoulli(p_z[x])).long()
        return pyro.sample("Y", dist.Bernoulli(p_y[x, z]))


def conditional_rate(cpts, evidence, site, num_samples):
    data = {name: torch.full((num_samples,), float(value)) for name, value in evidence.items()}
    trace = pyro.poutine.trace(pyro.condition(observed_model, data=data)).get_trace(cpts, num_samples)
    trace.compute_log_prob()
    weights = torch.softmax(sum(trace.nodes[name]["log_prob"] for name in evidence), dim=0)
    return float((weights * trace.nodes[site]["value"]).sum())


def frontdoor_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_z1 = [conditional_rate(cpts, {"X": x}, "Z", num_samples) for x in (0, 1)]
    # conditioning on Z alone: P(Y=1 | z) = sum_x' P(Y=1 | x', z) P(x' | z)
    p_y_given_z = [conditional_rate(cpts, {"Z": z}, "Y", num_samples) for z in (0, 1)]
    p_do = [(1 - p_z1[x]) * p_y_given_z[0] + p_z1[x] * p_y_given_z[1] for x in (0, 1)]
    return p_do[0] - p_do[1]

# %% [do_answer]
def chain_model(cpts, num_draws):
    """X -> Z -> Y with no U: P(Y=1 | Z=z) estimated from the table."""
    p_x = np.array([1 - cpts["p_x1"], cpts["p_x1"]])
    p_z1 = np.array(cpts["p_z1_given_x"])
    p_xz = np.column_stack([p_x * (1 - p_z1), p_x * p_z1])                # P(x, z)
    p_y_z = (p_xz * np.array(cpts["p_y1_given_xz"])).sum(0) / p_xz.sum(0)  # P(Y=1 | z)
    with pyro.plate("subjects", num_draws):
        x = pyro.sample("X", dist.Bernoulli(torch.tensor(float(cpts["p_x1"])))).long()
        z = pyro.sample("Z", dist.Bernoulli(torch.tensor(p_z1, dtype=torch.float32)[x])).long()
        return pyro.sample("Y", dist.Bernoulli(torch.tensor(p_y_z, dtype=torch.float32)[z]))


def do_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_do = [pyro.do(chain_model, data={"X": torch.full((num_samples,), float(x))})(
        cpts, num_samples).mean().item() for x in (0, 1)]
    return p_do[0] - p_do[1]
