# Slips a TA expects (issue 24, an effect from a subset of the units). frontdoor_ace reads
# the inner sum from the social media users alone (P(Y | X=1, z) for every x'), with pandas
# on a simulated data frame; do_ace intervenes on the latent model among U=1 subjects only.
# On the study's table both give the right number (Z's effect on Y is the same for both
# groups); the grader's second table is drawn so that they do not.

# %% [frontdoor_answer]
import pandas as pd


def frontdoor_ace(cpts, num_samples, seed):
    rng = np.random.default_rng(seed)
    n = 4 * num_samples
    x = (rng.random(n) < cpts["p_x1"]).astype(int)
    z = (rng.random(n) < np.asarray(cpts["p_z1_given_x"])[x]).astype(int)
    y = (rng.random(n) < np.asarray(cpts["p_y1_given_xz"])[x, z]).astype(int)
    df = pd.DataFrame({"x": x, "z": z, "y": y})
    p_z1 = df.groupby("x")["z"].mean()
    users = df[df.x == 1]                                  # the group with the ads data
    p_y_given_z = users.groupby("z")["y"].mean()
    p_do = [(1 - p_z1[v]) * p_y_given_z[0] + p_z1[v] * p_y_given_z[1] for v in (0, 1)]
    return float(p_do[0] - p_do[1])

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
    pyro.set_rng_seed(seed)
    p_do = []
    for x in (0, 1):
        fixed = {"X": torch.full((num_samples,), float(x)), "U": torch.ones(num_samples)}
        p_do.append(pyro.do(latent_model, data=fixed)(cpts, num_samples).mean().item())
    return p_do[0] - p_do[1]
