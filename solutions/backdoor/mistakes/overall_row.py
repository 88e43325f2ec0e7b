# Known mistake (content brief §2, Simpson's paradox), written from the brief's table:
# a model of X -> Y alone whose renewal rates are typed in from the Overall row, then
# pyro.do on X. Happiness is never in the model, so the intervention changes nothing and
# the answer is the brief's naive contrast on every table.

# %% [do_answer]
OVERALL = {0: (27272, 35000), 1: (28902, 35000)}   # renewed, total per promotion


def overall_model():
    x = pyro.sample("X", dist.Bernoulli(torch.tensor(0.5)))
    rate = torch.tensor([OVERALL[0][0] / OVERALL[0][1], OVERALL[1][0] / OVERALL[1][1]])
    return pyro.sample("Y", dist.Bernoulli(rate[x.long()]))


def do_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    rates = []
    for x in (0.0, 1.0):
        intervened = pyro.do(overall_model, data={"X": torch.tensor(x)})
        posterior = Importance(intervened, num_samples=num_samples).run()
        rates.append(EmpiricalMarginal(posterior, "Y").mean.item())
    return rates[0] - rates[1]
