# Known wrong answer: k3 divided by the factor instead of multiplied by it.

# %% [effect_answer]
def rate_change_effect(rates, factor, t_burn, t_total, num_samples, seed):
    k1, k2, k3, k4 = (float(r) for r in rates)
    changed = (k1, k2, k3 / factor, k4)
    dynamic = time_average_c(changed, t_burn, t_total, seed)
    scm_do = scm_mean_c((k1, k2, k3, k4), {"B": k1 / (k3 / factor)}, num_samples, seed + 1)
    scm_rates = scm_mean_c(changed, {}, num_samples, seed + 2)
    return {"dynamic": dynamic, "scm_do": scm_do, "scm_rates": scm_rates,
            "disagreement": dynamic - scm_do}
