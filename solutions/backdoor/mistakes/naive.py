# Known mistake (content brief §2): Simpson's paradox. Conditions on the promotion
# alone and compares renewal rates, so happiness is never adjusted for.

# %% [model_answer]
def promotion_model(cpts):
    p_x = torch.tensor(cpts["p_x_given_z"])
    p_y = torch.tensor(cpts["p_y_given_xz"])
    z = pyro.sample("Z", dist.Bernoulli(torch.tensor(float(cpts["p_z1"]))))
    x = pyro.sample("X", dist.Bernoulli(p_x[z.long(), 1]))
    return pyro.sample("Y", dist.Bernoulli(p_y[x.long(), z.long()]))


def conditional_rate(cpts, x, num_samples):
    observed = pyro.condition(promotion_model, data={"X": torch.tensor(float(x))})
    posterior = Importance(observed, num_samples=num_samples).run(cpts)
    return EmpiricalMarginal(posterior, "Y").mean.item()


def backdoor_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    return conditional_rate(cpts, 0, num_samples) - conditional_rate(cpts, 1, num_samples)

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    return backdoor_ace(cpts, num_samples, seed)
