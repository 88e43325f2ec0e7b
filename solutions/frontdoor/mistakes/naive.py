# Known mistake: the naive contrast. frontdoor_ace conditions on X and reads Y directly
# (no front-door formula); do_ace conditions the latent model on X with pyro.condition
# instead of intervening with pyro.do. Because the latent model reproduces the table,
# both give P(Y=1 | X=0) - P(Y=1 | X=1) = +0.755.

# %% [frontdoor_answer]
def observed_model(cpts):
    p_z = torch.tensor(cpts["p_z1_given_x"])
    p_y = torch.tensor(cpts["p_y1_given_xz"])
    x = pyro.sample("X", dist.Bernoulli(torch.tensor(float(cpts["p_x1"])))).long()
    z = pyro.sample("Z", dist.Bernoulli(p_z[x])).long()
    return pyro.sample("Y", dist.Bernoulli(p_y[x, z]))


def rate_given_x(cpts, x, num_samples):
    """P(Y=1 | X=x) with Pyro's (sequential) importance sampler."""
    conditioned = pyro.condition(observed_model, data={"X": torch.tensor(float(x))})
    posterior = Importance(conditioned, num_samples=num_samples).run(cpts)
    return EmpiricalMarginal(posterior, "Y").mean.item()


def frontdoor_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    return rate_given_x(cpts, 0, num_samples) - rate_given_x(cpts, 1, num_samples)

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
    """Conditions on X instead of intervening: U then follows X (likelihood weighting)."""
    pyro.set_rng_seed(seed)
    p_obs = []
    for x in (0, 1):
        data = {"X": torch.full((num_samples,), float(x))}
        trace = pyro.poutine.trace(pyro.condition(latent_model, data=data)).get_trace(
            cpts, num_samples)
        trace.compute_log_prob()
        weights = torch.softmax(trace.nodes["X"]["log_prob"], dim=0)
        p_obs.append(float((weights * trace.nodes["Y"]["value"]).sum()))
    return p_obs[0] - p_obs[1]
