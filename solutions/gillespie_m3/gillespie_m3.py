# Reference solution for assignments/gillespie_m3/gillespie_m3.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

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
    end = t_burn + t_total
    times, states = gillespie_model((0, 0, 0), rates, end)
    # each state lasts from its reaction to the next one (the last one to the end);
    # clipping to the window keeps only the time spent inside it
    starts = np.clip(times, t_burn, end)
    stops = np.clip(np.append(times[1:], end), t_burn, end)
    return float(np.sum(states[:, 2] * (stops - starts)) / t_total)

# %% [scm_answer]
def chain_scm(rates, num_samples):
    k1, k2, k3, k4 = (float(r) for r in rates)
    with pyro.plate("draws", num_samples):
        a = pyro.sample("A", dist.Poisson(torch.tensor(k1 / k2)))
        b = pyro.sample("B", dist.Poisson(k2 * a / k3))
        c = pyro.sample("C", dist.Poisson(k3 * b / k4))
    return a, b, c


def scm_mean_c(rates, intervention, num_samples, seed):
    pyro.set_rng_seed(seed)
    data = {name: torch.tensor(float(v)) for name, v in intervention.items()}
    _, _, c = pyro.do(chain_scm, data=data)(rates, num_samples)
    return float(c.mean())

# %% [effect_answer]
def rate_change_effect(rates, factor, t_burn, t_total, num_samples, seed):
    k1, k2, k3, k4 = (float(r) for r in rates)
    changed = (k1, k2, k3 * factor, k4)
    dynamic = time_average_c(changed, t_burn, t_total, seed)
    scm_do = scm_mean_c((k1, k2, k3, k4), {"B": k1 / (factor * k3)}, num_samples, seed + 1)
    scm_rates = scm_mean_c(changed, {}, num_samples, seed + 2)
    return {"dynamic": dynamic, "scm_do": scm_do, "scm_rates": scm_rates,
            "disagreement": dynamic - scm_do}

# %% [explain_match] markdown
# **Model answer.**
#
# 1. C is made by B -> C and degraded by C -> 0, so at stationarity its mean is (flux through
# B -> C) / k4. At stationarity every reaction of the chain carries the same flux, the inflow
# k1: speeding up B -> C lowers B's level to k1 / (f k3) but the flux k3' B stays k1, so E[C]
# stays k1/k4. do(B = k1/(f k3)) keeps C's mechanism with the *old* k3 and so predicts
# k3 (k1 / (f k3)) / k4 = k1 / (f k4): off by k1/k4 (1 - 1/f), too low for f > 1 and too high
# for f < 1. The rate k3 enters two assignments (B's outflow and C's inflow); a rate change is a
# change of both mechanisms (a soft, fat-hand intervention), and the SCM with k3 replaced in both
# gives k1/k4 again. do() on a level represents ideal interventions (clamps) only; an
# intervention on a parameter must be written on every mechanism that parameter enters.
#
# 2. Mek is a catalyst: it activates Erk without being used up, so Erk's equation depends on
# Mek's active level K2 alone, not on the rates that produced it. Any intervention that leaves
# Erk's mechanism alone and moves K2 to k has the effect of do(K2 = k). In the chain, C is
# made *from* B: the rate k3 is shared by B's and C's mechanisms, so changing it changes C's
# mechanism too.
#
# 3. The means agree (k1/k2, k1/k3, k1/k4) and so does A's whole distribution. The rest does
# not: in the SCM, B and C are Poisson mixtures (over-dispersed, Var(B) = lambda_B +
# lambda_B^2 / lambda_A) and correlated with their parents, while the stationary snapshot is a
# product of *independent* Poissons. The equilibrium SCM describes each species' equilibrium
# with its parent held fixed; in the running system B responds to A's past, not to A's current
# value, and the dependence between simultaneous counts cancels exactly (an unfaithful
# distribution): the SCM gets the interventions right and the observational joint law wrong.
#
# 4. (a) Feedback: if C inhibited A's production, the variables form a cycle; the equilibrium
# of the clamped system need not be unique or stable, and an acyclic equilibrium SCM cannot
# write one assignment per variable from its parents. (b) Small counts with nonlinear rates
# (the cascade's g2 at a few molecules): the stochastic mean of Erk is E[T g2(w K2)], which
# differs from T g2(w E[K2]) by Jensen's inequality and from the fluctuations of K2 in time,
# so the deterministic equilibrium SCM mispredicts the stochastic system's mean. (c) An
# intervention that does not let the system equilibrate (a short pulse), or a system without a
# unique equilibrium (bistability), breaks the premise of any equilibrium model.
#
# **Rubric (4 points, TA only).** 1 point: the flux argument for question 1 (C's mean set by
# the flux k1, unchanged by k3) and the size/sign of do's error, with the fix (k3 changed in both
# assignments). 1 point: question 2, the catalyst (not consumed) argument. 1 point: question 3,
# means and A agree; B, C over-dispersed and correlated in the SCM versus independent Poissons,
# with a reason. 1 point: question 4, two valid situations with a correct reason each (half a
# point each).
