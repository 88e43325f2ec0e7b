# Known wrong answer: propensities without the molecule counts. Each reaction fires at its
# rate constant whatever the state, so A -> B fires even when there is no A.

# %% [gillespie_answer]
def gillespie_model(x0, rates, t_max):
    a = np.asarray(rates, dtype=np.float64)          # k_j, not k_j times the reactant count
    a0 = a.sum()
    x = np.array(x0, dtype=np.int64)
    t, i = 0.0, 0
    times, states = [0.0], [x.copy()]
    while True:
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


def gillespie(x0, rates, t_max, seed):
    pyro.set_rng_seed(seed)
    return gillespie_model(x0, rates, t_max)
