# Another correct answer in other styles: the time integral of C accumulated inside the
# simulation loop (each waiting time times the count it is spent at, clipped to the window),
# and the SCM's mean of C taken exactly from its assignments (the mean of a Poisson is its
# rate, and means pass linearly down the chain), with no sampling at all.

# %% [dynamic_answer]
def time_average_c(rates, t_burn, t_total, seed):
    pyro.set_rng_seed(seed)
    k = np.asarray(rates, dtype=np.float64)
    x = np.zeros(3, dtype=np.int64)
    t, area, i, end = 0.0, 0.0, 0, t_burn + t_total
    while t < end:
        a = k * np.array([1.0, x[0], x[1], x[2]])
        dt = float(pyro.sample(f"dt_{i}", dist.Exponential(torch.tensor(a.sum()))))
        inside = max(0.0, min(t + dt, end) - max(t, t_burn))
        area += x[2] * inside
        t += dt
        if t < end:
            j = int(pyro.sample(f"reaction_{i}", dist.Categorical(torch.tensor(a / a.sum()))))
            x = x + STOICHIOMETRY[j]
        i += 1
    return area / t_total

# %% [scm_answer]
def scm_mean_c(rates, intervention, num_samples, seed):
    k1, k2, k3, k4 = (float(r) for r in rates)
    mean_a = float(intervention.get("A", k1 / k2))
    mean_b = float(intervention.get("B", k2 * mean_a / k3))
    return float(intervention.get("C", k3 * mean_b / k4))
