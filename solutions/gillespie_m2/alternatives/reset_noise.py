# Another correct answer in other styles.
# - The clamp done literally: the chain runs as in milestone 1 and, after every reaction,
#   B is put back to b (a B used up is replaced, a B made is removed).
# - The SCM with its exogenous noise explicit: each species draws a uniform U and takes
#   the Poisson quantile of U at its parent's level (inverse-CDF sampling), so
#   A := F^-1(U_A; k1/k2), B := F^-1(U_B; k2 A/k3), C := F^-1(U_C; k3 B/k4).
# - The cascade in float32 with poutine.do (the same handler as pyro.do).

# %% [clamped_answer]
def gillespie_model(x0, rates, t_max, clamp_b=None):
    k = np.asarray(rates, dtype=np.float64)
    x = np.array(x0, dtype=np.int64)
    t, i = 0.0, 0
    times, states = [0.0], [x.copy()]
    while True:
        a = k * np.array([1.0, x[0], x[1], x[2]])
        a0 = a.sum()
        dt = pyro.sample(f"dt_{i}", dist.Exponential(torch.tensor(a0)))
        t += float(dt)
        if t > t_max:
            break
        j = int(pyro.sample(f"reaction_{i}", dist.Categorical(torch.tensor(a / a0))))
        x = x + STOICHIOMETRY[j]
        if clamp_b is not None:
            x[1] = clamp_b                      # a birth whenever one dies, and the reverse
        times.append(t)
        states.append(x.copy())
        i += 1
    return np.array(times), np.array(states)


def clamped_states(rates, b, t_burn, spacing, num_states, seed):
    pyro.set_rng_seed(seed)
    times, states = gillespie_model((0, b, 0), rates, t_burn + spacing * (num_states - 1),
                                    clamp_b=b)
    out, e = [], 0
    for j in range(num_states):
        while e + 1 < len(times) and times[e + 1] <= t_burn + spacing * j:
            e += 1
        out.append(states[e])
    return np.array(out)

# %% [scm_answer]
def chain_scm(rates, num_samples):
    k1, k2, k3, k4 = (float(r) for r in rates)

    def poisson_quantile(u, mean):
        return torch.as_tensor(stats.poisson.ppf(u.numpy(), np.broadcast_to(mean, u.shape)),
                               dtype=torch.float64)

    with pyro.plate("draws", num_samples):
        u_a = pyro.sample("U_A", dist.Uniform(0.0, 1.0))
        u_b = pyro.sample("U_B", dist.Uniform(0.0, 1.0))
        u_c = pyro.sample("U_C", dist.Uniform(0.0, 1.0))
        a = pyro.deterministic("A", poisson_quantile(u_a, k1 / k2))
        b = pyro.deterministic("B", poisson_quantile(u_b, k2 * a.numpy() / k3))
        c = pyro.deterministic("C", poisson_quantile(u_c, k3 * np.broadcast_to(b.numpy(), (num_samples,)) / k4))
    return a, b, c


def sample_scm(rates, intervention, num_samples, seed):
    pyro.set_rng_seed(seed)
    data = {k: torch.tensor(float(v), dtype=torch.float64) for k, v in intervention.items()}
    a, b, c = poutine.do(chain_scm, data=data)(rates, num_samples)
    return {k: np.broadcast_to(v.numpy(), (num_samples,)).astype(int)
            for k, v in zip("ABC", (a, b, c))}

# %% [cascade_answer]
def cascade_scm(rates, E1, T):
    w = {k: torch.tensor(act / inh) for k, (act, inh) in rates.items()}   # float32
    u3 = w["K3"] * E1
    k3 = pyro.deterministic("K3", T * u3 / (1 + u3))
    u2 = w["K2"] * k3
    k2 = pyro.deterministic("K2", T * u2 * u2 / (1 + u2 + u2 * u2))
    u1 = w["K1"] * k2
    k1 = pyro.deterministic("K1", T * u1 * u1 / (1 + u1 + u1 * u1))
    return k3, k2, k1


def cascade_equilibrium(rates, E1, T, intervention):
    data = {k: torch.tensor(float(v)) for k, v in intervention.items()}
    levels = poutine.do(cascade_scm, data=data)(rates, E1, T)
    return {k: float(intervention.get(k, v)) for k, v in zip(("K3", "K2", "K1"), levels)}
