# Alternative correct method: exact inference instead of sampling. With every
# parent of Y fixed (by pyro.condition or pyro.do), one trace of the model
# exposes P(Y=1 | parents) exactly; summing over Z by hand finishes the job.
# No Monte Carlo error, so every seed gives the same answer.

# %% [model_answer]
def promotion_model(cpts):
    p_x = torch.tensor(cpts["p_x_given_z"])
    p_y = torch.tensor(cpts["p_y_given_xz"])
    z = pyro.sample("Z", dist.Bernoulli(torch.tensor(float(cpts["p_z1"]))))
    x = pyro.sample("X", dist.Bernoulli(p_x[z.long(), 1]))
    return pyro.sample("Y", dist.Bernoulli(p_y[x.long(), z.long()]))


def p_renew(model, cpts):
    """Exact P(Y=1) when Y's parents are fixed: read it off Y's distribution."""
    trace = pyro.poutine.trace(model).get_trace(cpts)
    return trace.nodes["Y"]["fn"].probs.item()


def fixed(z, x=None):
    data = {"Z": torch.tensor(float(z))}
    return data if x is None else {**data, "X": torch.tensor(float(x))}


def backdoor_ace(cpts, num_samples, seed):
    p_z = [1 - cpts["p_z1"], cpts["p_z1"]]
    p_do = [sum(p_renew(pyro.condition(promotion_model, data=fixed(z, x)), cpts) * p_z[z]
                for z in (0, 1)) for x in (0, 1)]
    return p_do[0] - p_do[1]

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    p_z = [1 - cpts["p_z1"], cpts["p_z1"]]
    p_do = [sum(p_renew(pyro.condition(pyro.do(promotion_model, data={"X": torch.tensor(float(x))}),
                                       data=fixed(z)), cpts) * p_z[z]
                for z in (0, 1)) for x in (0, 1)]
    return p_do[0] - p_do[1]
