# Known mistake (content brief §2): the CPTs are transposed, so P(X | Z) is
# indexed [x][z] and P(Y | X, Z) is read as [z][x] inside the model.

# %% [cpts_answer]
n_z = counts.groupby("happiness")["total"].sum()
table = counts.set_index(["promotion", "happiness"])
p_y_given_xz = [[table.loc[(x, z), "renewed"] / table.loc[(x, z), "total"] for x in (0, 1)]
                for z in (0, 1)]
p_x_given_z = [[table.loc[(x, z), "total"] / n_z[z] for z in (0, 1)] for x in (0, 1)]
cpts = {"p_z1": n_z[1] / n_z.sum(), "p_x_given_z": p_x_given_z, "p_y_given_xz": p_y_given_xz}

# %% [model_answer]
def promotion_model(cpts):
    p_x = torch.tensor(cpts["p_x_given_z"])
    p_y = torch.tensor(cpts["p_y_given_xz"])
    z = pyro.sample("Z", dist.Bernoulli(torch.tensor(float(cpts["p_z1"]))))
    x = pyro.sample("X", dist.Bernoulli(p_x[z.long(), 1]))
    return pyro.sample("Y", dist.Bernoulli(p_y[z.long(), x.long()]))


def renewal_rate(model, cpts, num_samples):
    posterior = Importance(model, num_samples=num_samples).run(cpts)
    return EmpiricalMarginal(posterior, "Y").mean.item()


def backdoor_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_z = {0: 1 - cpts["p_z1"], 1: cpts["p_z1"]}
    p_do = [sum(renewal_rate(pyro.condition(promotion_model, data={"Z": torch.tensor(float(z)),
                                                                     "X": torch.tensor(float(x))}),
                             cpts, num_samples) * p_z[z] for z in (0, 1))
            for x in (0, 1)]
    return p_do[0] - p_do[1]
