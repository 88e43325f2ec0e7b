# Known wrong answer: the new rate written into B's assignment (its outflow) but not into
# C's (its inflow), which keeps the old k3.

# %% [effect_answer]
def rate_change_effect(rates, factor, t_burn, t_total, num_samples, seed):
    k1, k2, k3, k4 = (float(r) for r in rates)
    dynamic = time_average_c((k1, k2, k3 * factor, k4), t_burn, t_total, seed)
    scm_do = scm_mean_c((k1, k2, k3, k4), {"B": k1 / (factor * k3)}, num_samples, seed + 1)

    def changed_b_only(num):
        with pyro.plate("draws", num):
            a = pyro.sample("A", dist.Poisson(torch.tensor(k1 / k2)))
            b = pyro.sample("B", dist.Poisson(k2 * a / (k3 * factor)))
            return pyro.sample("C", dist.Poisson(k3 * b / k4))

    pyro.set_rng_seed(seed + 2)
    scm_rates = float(changed_b_only(num_samples).mean())
    return {"dynamic": dynamic, "scm_do": scm_do, "scm_rates": scm_rates,
            "disagreement": dynamic - scm_do}
