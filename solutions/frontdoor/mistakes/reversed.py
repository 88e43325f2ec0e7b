# Known slip: the contrast taken the wrong way round, P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)).
# Every probability is right, the conclusion ("social media lowers purchases") is not.

# %% [frontdoor_answer]
def frontdoor_ace(cpts, num_samples, seed):
    p_x = [1 - cpts["p_x1"], cpts["p_x1"]]
    p_z1 = cpts["p_z1_given_x"]
    inner = [sum(cpts["p_y1_given_xz"][xp][z] * p_x[xp] for xp in (0, 1)) for z in (0, 1)]
    p_do = [(1 - p_z1[x]) * inner[0] + p_z1[x] * inner[1] for x in (0, 1)]
    return p_do[1] - p_do[0]

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
    p_do = [pyro.do(latent_model, data={"X": torch.full((num_samples,), float(x))})(
        cpts, num_samples).mean().item() for x in (0, 1)]
    return p_do[1] - p_do[0]
