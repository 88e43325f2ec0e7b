# A common slip: the adjustment is right but the contrast is taken the other way round,
# P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)), in a numpy simulation stratum by stratum.

# %% [model_answer]
def promotion_model(cpts):
    p_x = torch.tensor(cpts["p_x_given_z"])
    p_y = torch.tensor(cpts["p_y_given_xz"])
    z = pyro.sample("Z", dist.Bernoulli(torch.tensor(float(cpts["p_z1"]))))
    x = pyro.sample("X", dist.Bernoulli(p_x[z.long(), 1]))
    return pyro.sample("Y", dist.Bernoulli(p_y[x.long(), z.long()]))


def renewal_rate(model, cpts, num_samples):
    posterior = Importance(model, num_samples=num_samples).run(cpts)
    return EmpiricalMarginal(posterior, "Y").mean.item()


def backdoor_ace(cpts, num_samples, seed):
    rng = np.random.default_rng(seed)
    p_y = np.asarray(cpts["p_y_given_xz"])
    weights = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
    adjusted = [sum(weights[z] * rng.binomial(num_samples, p_y[x][z]) / num_samples
                    for z in (0, 1)) for x in (0, 1)]
    return adjusted[1] - adjusted[0]
