# A common slip: the simulation is right but the contrast is taken the other way round,
# purchase rate without the feature minus with it (the question asks X=1 minus X=0).

# %% [ace_11_answer]
def ace_11(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_y = torch.tensor(cpts["p_y1_given_xu"])
    with pyro.plate("users", num_samples):
        u = pyro.sample("U", dist.Bernoulli(torch.tensor(float(cpts["p_u1"])))).long()
        x = pyro.sample("X", dist.Bernoulli(torch.tensor(float(cpts["p_x1"])))).long()
        y = pyro.sample("Y", dist.Bernoulli(p_y[x, u]))
    without, with_feature = y[x == 0].mean(), y[x == 1].mean()
    return (without - with_feature).item()
