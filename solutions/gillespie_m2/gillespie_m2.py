# Reference solution for assignments/gillespie_m2/gillespie_m2.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [clamped_answer]
def gillespie_model(x0, rates, t_max, clamp_b=None):
    """Milestone 1's direct method; with clamp_b, B is held at clamp_b: A -> B still uses
    up an A (the new B is removed at once) and B -> C still makes a C at rate k3 clamp_b
    (the used B is replaced at once), so B's column of the stoichiometry is zero."""
    k = np.asarray(rates, dtype=np.float64)
    stoichiometry = STOICHIOMETRY.copy()
    x = np.array(x0, dtype=np.int64)
    if clamp_b is not None:
        stoichiometry[:, 1] = 0
        x[1] = clamp_b
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
        x = x + stoichiometry[j]
        times.append(t)
        states.append(x.copy())
        i += 1
    return np.array(times), np.array(states)


def clamped_states(rates, b, t_burn, spacing, num_states, seed):
    pyro.set_rng_seed(seed)
    t_obs = t_burn + spacing * np.arange(num_states)
    times, states = gillespie_model((0, b, 0), rates, t_obs[-1], clamp_b=b)
    return states[np.searchsorted(times, t_obs, side="right") - 1]

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
    data = {name: torch.tensor(float(value)) for name, value in intervention.items()}
    a, b, c = pyro.do(chain_scm, data=data)(rates, num_samples)
    # an intervened site hands its (scalar) value downstream: broadcast it to every draw
    return {name: torch.broadcast_to(v, (num_samples,)).numpy().astype(int)
            for name, v in zip("ABC", (a, b, c))}

# %% [cascade_answer]
def cascade_scm(rates, E1, T):
    def g1(u):
        return u / (1 + u)

    def g2(u):
        return u ** 2 / (1 + u + u ** 2)

    w = {name: torch.tensor(act / inh, dtype=torch.float64) for name, (act, inh) in rates.items()}
    k3 = pyro.deterministic("K3", T * g1(w["K3"] * E1))
    k2 = pyro.deterministic("K2", T * g2(w["K2"] * k3))
    k1 = pyro.deterministic("K1", T * g2(w["K1"] * k2))
    return {"K3": k3, "K2": k2, "K1": k1}


def cascade_equilibrium(rates, E1, T, intervention):
    data = {name: torch.tensor(float(v), dtype=torch.float64) for name, v in intervention.items()}
    levels = pyro.do(cascade_scm, data=data)(rates, E1, T)
    # the intervened site's own value in the model is its assignment; its level is the clamp
    return {name: float(data.get(name, levels[name])) for name in ("K3", "K2", "K1")}

# %% [ode_answer]
def cascade_ode(rates, E1, T, intervention, t_end):
    """Mass-action ODE of the cascade from the all-inactive state. Raf: K3. Mek and Erk:
    one- and two-site forms (M1, M2) and (E1p, E2p), with K2 = M2 and K1 = E2p. A clamped
    species starts at its level and its derivative is held at zero."""
    (a3, i3), (a2, i2), (a1, i1) = rates["K3"], rates["K2"], rates["K1"]

    def two_site(activator, one, two, act, inh):
        zero = T - one - two
        d_one = act * activator * zero - act * activator * one - inh * one + inh * two
        d_two = act * activator * one - inh * two
        return d_one, d_two

    def rhs(t, y):
        k3, m1, m2, e1p, e2p = y
        d = [a3 * E1 * (T - k3) - i3 * k3, *two_site(k3, m1, m2, a2, i2),
             *two_site(m2, e1p, e2p, a1, i1)]
        for name, index in (("K3", 0), ("K2", 2), ("K1", 4)):
            if name in intervention:
                d[index] = 0.0
        return d

    y0 = [0.0] * 5
    for name, index in (("K3", 0), ("K2", 2), ("K1", 4)):
        if name in intervention:
            y0[index] = float(intervention[name])
    sol = solve_ivp(rhs, (0.0, t_end), y0, method="LSODA", rtol=1e-8, atol=1e-8)
    k3, _, k2, _, k1 = sol.y[:, -1]
    return {"K3": float(k3), "K2": float(k2), "K1": float(k1)}
