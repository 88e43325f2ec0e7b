# Known wrong answer: "clamping" B by a rate change. k3 is set to k1 / b, so that B's
# equilibrium mean is b, and B is left free to fluctuate around it.

# %% [clamped_answer]
def gillespie_model(x0, rates, t_max):
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
        times.append(t)
        states.append(x.copy())
        i += 1
    return np.array(times), np.array(states)


def clamped_states(rates, b, t_burn, spacing, num_states, seed):
    pyro.set_rng_seed(seed)
    k1, k2, k3, k4 = rates
    t_obs = t_burn + spacing * np.arange(num_states)
    times, states = gillespie_model((0, b, 0), (k1, k2, k1 / b, k4), t_obs[-1])
    return states[np.searchsorted(times, t_obs, side="right") - 1]
