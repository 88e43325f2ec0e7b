# Another correct method: Gillespie's first-reaction method. Every reaction gets its own
# exponential clock at its propensity; the first to ring fires. The minimum of independent
# exponentials is exponential at the sum of their rates, and clock j rings first with
# probability a_j / a0, so the law of the run is the direct method's. The state at each
# observation time is found by walking along the run once.

# %% [gillespie_answer]
def gillespie_model(x0, rates, t_max):
    k = torch.tensor([float(r) for r in rates])
    x = torch.tensor([int(v) for v in x0])
    stoichiometry = torch.as_tensor(STOICHIOMETRY)
    clock, i = 0.0, 0
    times, states = [0.0], [x.clone()]
    while True:
        a = k * torch.cat([torch.ones(1), x.float()])
        live = a > 0                                   # a reaction without reactant never rings
        clocks = pyro.sample(f"clocks_{i}", dist.Exponential(a[live]).to_event(1))
        first = int(torch.nonzero(live)[int(torch.argmin(clocks))])
        dt = pyro.deterministic(f"dt_{i}", clocks.min())
        reaction = pyro.deterministic(f"reaction_{i}", torch.tensor(first))
        if clock + float(dt) > t_max:
            break
        clock += float(dt)
        x = x + stoichiometry[int(reaction)]
        times.append(clock)
        states.append(x.clone())
        i += 1
    return np.array(times), torch.stack(states).numpy()


def gillespie(x0, rates, t_max, seed):
    pyro.set_rng_seed(seed)
    return gillespie_model(x0, rates, t_max)

# %% [stationary_answer]
def stationary_states(rates, t_burn, spacing, num_states, seed):
    times, states = gillespie((0, 0, 0), rates, t_burn + spacing * (num_states - 1), seed)
    out, e = [], 0
    for j in range(num_states):
        t = t_burn + spacing * j
        while e + 1 < len(times) and times[e + 1] <= t:   # the last reaction at or before t
            e += 1
        out.append(states[e])
    return np.array(out, dtype=int)
