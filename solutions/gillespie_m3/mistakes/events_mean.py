# Known wrong answer: the mean of C over the states the run visits in the window, one count
# per reaction, instead of weighing each count by the time spent at it.

# %% [dynamic_answer]
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


def time_average_c(rates, t_burn, t_total, seed):
    pyro.set_rng_seed(seed)
    times, states = gillespie_model((0, 0, 0), rates, t_burn + t_total)
    return float(states[times >= t_burn, 2].mean())
