# Known wrong answer: do(B = b) computed by conditioning. The SCM is sampled without
# intervention and only the draws that happen to have B = b are kept, which tilts A
# towards the values that make B = b likely.

# %% [scm_answer]
def chain_scm(rates, num_samples):
    k1, k2, k3, k4 = (float(r) for r in rates)
    with pyro.plate("draws", num_samples):
        a = pyro.sample("A", dist.Poisson(torch.tensor(k1 / k2)))
        b = pyro.sample("B", dist.Poisson(k2 * a / k3))
        c = pyro.sample("C", dist.Poisson(k3 * b / k4))
    return a, b, c


def sample_scm(rates, intervention, num_samples, seed):
    pyro.set_rng_seed(seed)
    keep = {"A": [], "B": [], "C": []}
    while len(keep["A"]) < num_samples:
        a, b, c = chain_scm(rates, 10 * num_samples)
        mask = torch.ones_like(a, dtype=torch.bool)
        for name, value in intervention.items():
            mask &= {"A": a, "B": b, "C": c}[name] == value
        for name, v in zip("ABC", (a, b, c)):
            keep[name].extend(v[mask].int().tolist())
    return {name: np.array(v[:num_samples]) for name, v in keep.items()}
