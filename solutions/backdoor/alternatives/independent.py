# Alternative correct answers, written independently of the reference solution (another
# author, another style: numpy arrays instead of pandas lookups, Predictive instead of
# Importance). The similarity report (`course similarity`) must not flag this against the
# reference: two correct solutions of the same homework are not a copied pair.

# %% [cpts_answer]
subscribers = np.zeros((2, 2))   # [promotion][happiness]
renewals = np.zeros((2, 2))
for rec in counts.itertuples(index=False):
    subscribers[rec.promotion, rec.happiness] = rec.total
    renewals[rec.promotion, rec.happiness] = rec.renewed
per_level = subscribers.sum(axis=0)          # subscribers at each happiness level
cpts = dict(
    p_z1=float(per_level[1] / subscribers.sum()),
    p_x_given_z=(subscribers / per_level).T.tolist(),   # rows: happiness
    p_y_given_xz=(renewals / subscribers).tolist(),     # rows: promotion
)

# %% [model_answer]
from pyro.infer import Predictive


def network(tables):
    offer_one = torch.tensor([row[1] for row in tables["p_x_given_z"]], dtype=torch.float32)
    renew = torch.tensor(np.asarray(tables["p_y_given_xz"], dtype=float), dtype=torch.float32)
    happy = pyro.sample("Z", dist.Bernoulli(torch.tensor(float(tables["p_z1"]))))
    offer = pyro.sample("X", dist.Bernoulli(offer_one[int(happy)]))
    return pyro.sample("Y", dist.Bernoulli(renew[int(offer), int(happy)]))


def share_of_renewals(program, tables, draws):
    """Monte Carlo P(Y=1) from `draws` runs of a conditioned or intervened program."""
    ys = Predictive(program, num_samples=draws, return_sites=["Y"])(tables)["Y"]
    return ys.float().mean().item()


def backdoor_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    weight = np.array([1.0 - cpts["p_z1"], cpts["p_z1"]])
    adjusted = np.zeros(2)
    for x in range(2):
        within = [share_of_renewals(pyro.condition(network, data={"X": torch.tensor(float(x)),
                                                                  "Z": torch.tensor(float(z))}),
                                    cpts, num_samples)
                  for z in range(2)]
        adjusted[x] = weight @ np.array(within)
    return float(adjusted[0] - adjusted[1])

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    under = {x: share_of_renewals(pyro.do(network, data={"X": torch.tensor(float(x))}),
                                  cpts, num_samples)
             for x in (0, 1)}
    return under[0] - under[1]

# %% [naive_answer]
pooled = counts.pivot_table(index="promotion", values=["renewed", "total"], aggfunc="sum")
naive_difference = float((pooled.renewed / pooled.total).diff(-1).iloc[0])
