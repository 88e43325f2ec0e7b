# A slip a TA expects (issue 24, an effect from a subset of the units): both functions
# estimate the effect among happy subscribers only (Z=1), the stratum the student thought
# "matters", instead of averaging both strata's effects over P(Z). On the study's table
# that effect (0.046) lies close to the adjusted one (0.055); the grader's second table
# is drawn so that the two separate.

# %% [model_answer]
def backdoor_ace(cpts, num_samples, seed):
    torch.manual_seed(seed)
    p_renew = torch.tensor(cpts["p_y_given_xz"], dtype=torch.float64)
    happy = 1
    rates = [dist.Bernoulli(p_renew[x, happy]).sample((num_samples,)).mean() for x in (0, 1)]
    return float(rates[0] - rates[1])

# %% [do_answer]
def plated_model(cpts, n):
    p_x = torch.tensor(cpts["p_x_given_z"])
    p_y = torch.tensor(cpts["p_y_given_xz"])
    with pyro.plate("subscribers", n):
        z = pyro.sample("Z", dist.Bernoulli(torch.tensor(float(cpts["p_z1"]))))
        x = pyro.sample("X", dist.Bernoulli(p_x[z.long(), 1]))
        return pyro.sample("Y", dist.Bernoulli(p_y[x.long(), z.long()]))


def do_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    happy = torch.ones(num_samples)
    rates = []
    for x in (0.0, 1.0):
        treated = pyro.do(plated_model, data={"X": torch.full((num_samples,), x)})
        rates.append(pyro.condition(treated, data={"Z": happy})(cpts, num_samples).mean().item())
    return rates[0] - rates[1]
