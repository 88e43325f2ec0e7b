# Known wrong answer: the clamped protein only starts at its level; its equation is left
# as it was, so it relaxes back to its own equilibrium and the clamp is forgotten.

# %% [ode_answer]
def cascade_ode(rates, E1, T, intervention, t_end):
    (a3, i3), (a2, i2), (a1, i1) = rates["K3"], rates["K2"], rates["K1"]

    def two_site(activator, one, two, act, inh):
        zero = T - one - two
        return (act * activator * zero - act * activator * one - inh * one + inh * two,
                act * activator * one - inh * two)

    def rhs(t, y):
        k3, m1, m2, e1p, e2p = y
        return [a3 * E1 * (T - k3) - i3 * k3, *two_site(k3, m1, m2, a2, i2),
                *two_site(m2, e1p, e2p, a1, i1)]

    y0 = [0.0] * 5
    for name, index in (("K3", 0), ("K2", 2), ("K1", 4)):
        if name in intervention:
            y0[index] = float(intervention[name])
    sol = solve_ivp(rhs, (0.0, t_end), y0, method="LSODA", rtol=1e-8, atol=1e-8)
    k3, _, k2, _, k1 = sol.y[:, -1]
    return {"K3": float(k3), "K2": float(k2), "K1": float(k1)}
