# Known wrong answer: the one-site saturation g1(u) = u / (1 + u) used for every protein,
# although Mek and Erk need both of their sites phosphorylated (g2).

# %% [cascade_answer]
def cascade_scm(rates, E1, T):
    def g1(u):
        return u / (1 + u)

    w = {name: torch.tensor(act / inh, dtype=torch.float64) for name, (act, inh) in rates.items()}
    k3 = pyro.deterministic("K3", T * g1(w["K3"] * E1))
    k2 = pyro.deterministic("K2", T * g1(w["K2"] * k3))
    k1 = pyro.deterministic("K1", T * g1(w["K1"] * k2))
    return {"K3": k3, "K2": k2, "K1": k1}


def cascade_equilibrium(rates, E1, T, intervention):
    data = {name: torch.tensor(float(v), dtype=torch.float64) for name, v in intervention.items()}
    levels = pyro.do(cascade_scm, data=data)(rates, E1, T)
    return {name: float(data.get(name, levels[name])) for name in ("K3", "K2", "K1")}
