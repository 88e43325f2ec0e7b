# Known wrong answer: the stationary law of milestone 1 taken as the SCM. A, B and C are
# independent Poissons with the stationary means, so the model has no arrows and do(B = b)
# changes nothing downstream.

# %% [scm_answer]
def chain_scm(rates, num_samples):
    k1, k2, k3, k4 = (float(r) for r in rates)
    with pyro.plate("draws", num_samples):
        a = pyro.sample("A", dist.Poisson(torch.tensor(k1 / k2)))
        b = pyro.sample("B", dist.Poisson(torch.tensor(k1 / k3)))
        c = pyro.sample("C", dist.Poisson(torch.tensor(k1 / k4)))
    return a, b, c


def sample_scm(rates, intervention, num_samples, seed):
    pyro.set_rng_seed(seed)
    data = {name: torch.tensor(float(value)) for name, value in intervention.items()}
    a, b, c = pyro.do(chain_scm, data=data)(rates, num_samples)
    return {name: torch.broadcast_to(v, (num_samples,)).numpy().astype(int)
            for name, v in zip("ABC", (a, b, c))}
