# Reference solution for assignments/gillespie_m1/gillespie_m1.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [gillespie_answer]
def gillespie_model(x0, rates, t_max):
    """Gillespie's direct method: Pyro draws each waiting time and each reaction, numpy
    keeps the state and the clock."""
    k = np.asarray(rates, dtype=np.float64)
    x = np.array(x0, dtype=np.int64)
    t, i = 0.0, 0
    times, states = [0.0], [x.copy()]
    while True:
        a = k * np.array([1.0, x[0], x[1], x[2]])      # propensities in state x
        a0 = a.sum()
        dt = pyro.sample(f"dt_{i}", dist.Exponential(torch.tensor(a0)))   # rate a0
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

# %% [stationary_answer]
def stationary_states(rates, t_burn, spacing, num_states, seed):
    t_obs = t_burn + spacing * np.arange(num_states)
    times, states = gillespie((0, 0, 0), rates, t_obs[-1], seed)
    # the state at time t is the one entered at the last reaction at or before t
    last = np.searchsorted(times, t_obs, side="right") - 1
    return states[last]

# %% [explain_weighting] markdown
# **Model answer.** One count per reaction weighs each state by how often the run *leaves* it,
# not by how long it stays. The chain leaves state $x$ at rate $a_0(x)$, so per unit of time
# spent in $x$ it records $a_0(x)$ visits, and the histogram estimates the law of the jump chain
#
# $$\pi_{\text{jump}}(x) = \frac{\pi(x)\, a_0(x)}{E_\pi[a_0]} = \frac{\pi(x)\, a_0(x)}{4 k_1},$$
#
# since $E_\pi[a_0] = k_1 + k_2 \tfrac{k_1}{k_2} + k_3 \tfrac{k_1}{k_3} + k_4 \tfrac{k_1}{k_4} =
# 4k_1$ (each reaction carries the same flux $k_1$). It over-weights states with many molecules:
# they have a large total propensity, so the chain leaves them quickly and visits them often,
# while the time spent in each visit is short. For species A (the others alike),
# $E_{\text{jump}}[A] = E_\pi[A\, a_0] / (4k_1) = \big(\lambda_A\, 4k_1 + k_2 \operatorname{Var}_\pi(A)\big)/(4k_1)
# = \lambda_A + k_2 \lambda_A / (4 k_1) = \lambda_A + 1/4$, using the independence of the
# Poissons and $\operatorname{Var}(A) = \lambda_A = k_1/k_2$. Every mean moves up by exactly 1/4,
# whatever the rates. Weighting each state by its holding time (equivalently, reading the
# state at fixed times) undoes the factor $a_0(x)$ and recovers $\pi$.
#
# **Rubric (3 points, TA only).** 1 point: the histogram estimates $\pi(x) a_0(x) / E[a_0]$
# (the jump chain), with the reason (states are left at rate $a_0$; holding times are
# $1/a_0$ on average). 1 point: it over-weights high-count states (large $a_0$), in words.
# 1 point: the derivation that each mean rises by $k\lambda/(4k_1) = 1/4$ (or an equivalent
# computation showing a rate-free shift); half a point for the right direction without the
# size.
