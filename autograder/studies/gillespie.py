"""Facts of the Gillespie project kit (course brief, section 10.2), shared by its three
milestones: the linear chain 0 -> A -> B -> C -> 0 and its exact stationary law, the
law of its jump chain (what weighting states by events gives), the chain with B
clamped, the conditional-equilibrium SCM and its interventions, the signalling
cascade's equilibrium, a fast numpy simulator for the known wrong answers, and the
families the grader draws its probe rates from. Pure functions of plain data; each
milestone's checks.py decides which sizes and bands to use.

The chain. Reactions 0 -> A (rate k1), A -> B (k2 A), B -> C (k3 B), C -> 0 (k4 C).
Its stationary law is the product of Poissons with means k1/k2, k1/k3, k1/k4
(first-order networks, Jahnke and Huisinga 2007). Three facts used below follow
from that product form:

- The mean total propensity at stationarity is a0 = k1 + k2 k1/k2 + k3 k1/k3 + k4 k1/k4
  = 4 k1: every reaction carries the same flux k1.
- The states a trajectory visits at its events (the jump chain) follow
  pi_jump(x) = pi(x) a0(x) / (4 k1): a state is left at rate a0(x), so it is visited
  a0(x) times as often per unit of time spent in it. Each species' mean is then
  lambda + Cov(X, a0) / (4 k1) = lambda + k lambda / (4 k1) = lambda + 1/4, whatever
  the rates.
- Each species' count has the autocorrelation exp(-k t) of an immigration-death
  process with its own exit rate k (k2 for A, k3 for B, k4 for C): the stationary
  covariance is exp(J t) diag(lambda) with J lower triangular.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

SPECIES = ("A", "B", "C")
# One row per reaction: the change in (A, B, C) when it fires.
STOICHIOMETRY = np.array([[1, 0, 0], [-1, 1, 0], [0, -1, 1], [0, 0, -1]], dtype=np.int64)
REACTIONS = ("0 -> A", "A -> B", "B -> C", "C -> 0")


# ----------------------------------------------------------------- the chain
def as_rates(rates) -> tuple[float, float, float, float]:
    k = tuple(float(r) for r in rates)
    if len(k) != 4 or not all(r > 0 and math.isfinite(r) for r in k):
        raise ValueError(f"rates must be four positive numbers (k1, k2, k3, k4), got {rates!r}")
    return k


def propensities(states, rates) -> np.ndarray:
    """a_j(x) for each reaction j, for one state (3,) or many (n, 3): shape (..., 4)."""
    k1, k2, k3, k4 = as_rates(rates)
    x = np.asarray(states, dtype=np.float64)
    return np.stack([np.full(x.shape[:-1], k1), k2 * x[..., 0], k3 * x[..., 1], k4 * x[..., 2]],
                    axis=-1)


def total_propensity(states, rates) -> np.ndarray:
    return propensities(states, rates).sum(axis=-1)


def stationary_means(rates) -> np.ndarray:
    """(k1/k2, k1/k3, k1/k4): the means of the product-of-Poissons stationary law."""
    k1, k2, k3, k4 = as_rates(rates)
    return np.array([k1 / k2, k1 / k3, k1 / k4])


def exit_rates(rates) -> np.ndarray:
    """(k2, k3, k4): each species' count decorrelates as exp(-k t) (module doc)."""
    return np.array(as_rates(rates)[1:])


# ------------------------------------------------- laws on a grid of states
def state_grid(means, tail: float = 1e-10) -> np.ndarray:
    """Every state (a, b, c) with each count up to its Poisson's `tail` quantile: (n, 3)."""
    tops = [int(stats.poisson(m).isf(tail)) + 1 if m > 0 else 0 for m in means]
    axes = np.meshgrid(*[np.arange(t + 1) for t in tops], indexing="ij")
    return np.stack([a.ravel() for a in axes], axis=1)


def product_poisson(grid: np.ndarray, means) -> np.ndarray:
    """P(x) of the product of Poissons on the grid's states (a mean of 0 is a point mass)."""
    p = np.ones(len(grid))
    for j, m in enumerate(means):
        p = p * (stats.poisson(m).pmf(grid[:, j]) if m > 0 else (grid[:, j] == 0))
    return p


def jump_chain_law(grid: np.ndarray, rates) -> np.ndarray:
    """pi_jump(x) = pi(x) a0(x) / (4 k1) on the grid: states counted once per event
    instead of by the time spent in them (module doc)."""
    k1 = as_rates(rates)[0]
    return product_poisson(grid, stationary_means(rates)) * total_propensity(grid, rates) / (4 * k1)


def state_label(state) -> str:
    """A state as a cell name, "a,b,c" (strings: the discrete test treats them as
    unordered outcomes and pools the rarest cells together)."""
    return ",".join(str(int(v)) for v in state)


OTHER = "beyond the grid"


def cell_table(grid: np.ndarray, probs: np.ndarray) -> dict:
    """{"a,b,c": p} over the grid plus one cell (OTHER) for every state beyond it."""
    table = {state_label(s): float(p) for s, p in zip(grid, probs)}
    table[OTHER] = max(0.0, 1.0 - float(np.sum(probs)))
    return table


def cell_labels(states: np.ndarray, table: dict) -> list[str]:
    """Each state's cell of `table`: its label, or OTHER for a state beyond the grid
    (negative counts are not states at all; the checks refuse them first)."""
    labels = [state_label(s) for s in np.asarray(states)]
    return [lab if lab in table else OTHER for lab in labels]


# ------------------------------------------------------- a numpy simulator
def simulate(x0, rates, t_max: float, rng, *, propensity=None, holding=None, after=None,
             max_events: int = 5_000_000) -> tuple[np.ndarray, np.ndarray]:
    """One Gillespie trajectory on [0, t_max] (direct method), in plain Python floats.

    Returns (times, states): times[0] = 0 and states[0] = x0, then the time of each
    event and the state right after it. `propensity(x, rates) -> 4 floats` and
    `holding(rng, a, a0, r) -> float` replace the correct ones to simulate a known
    wrong answer (the grader's copies of the mistakes; `r` is the reaction fired);
    `after(x) -> x` edits the state after each reaction (a clamp that restores a count).
    """
    k = as_rates(rates)
    prop = propensity or (lambda x, kk: (kk[0], kk[1] * x[0], kk[2] * x[1], kk[3] * x[2]))
    hold = holding or (lambda g, a, a0, r: g.exponential(1.0 / a0))
    x = [int(v) for v in x0]
    t, times, states = 0.0, [0.0], [tuple(x)]
    stoich = STOICHIOMETRY.tolist()
    while len(times) <= max_events:
        a = prop(x, k)
        a0 = sum(a)
        if a0 <= 0:
            break
        u = rng.random() * a0
        r, acc = 0, a[0]
        while acc <= u and r < 3:
            r += 1
            acc += a[r]
        t += hold(rng, a, a0, r)
        if t > t_max:
            break
        x = [xi + d for xi, d in zip(x, stoich[r])]
        if after is not None:
            x = list(after(x))
        times.append(t)
        states.append(tuple(x))
    return np.array(times), np.array(states, dtype=np.int64)


def states_at(times: np.ndarray, states: np.ndarray, t_obs) -> np.ndarray:
    """The state of a piecewise-constant trajectory at each observation time: the one
    entered at the last event at or before it (time-weighted sampling)."""
    idx = np.searchsorted(np.asarray(times), np.asarray(t_obs, dtype=np.float64), side="right") - 1
    return np.asarray(states)[np.maximum(idx, 0)]


def observation_times(t_burn: float, spacing: float, num_states: int) -> np.ndarray:
    return t_burn + spacing * np.arange(num_states)


# --------------------------------------------- the known wrong simulators
# Each replaces one piece of the direct method (simulate's `propensity` or `holding`).
def holding_scale_for_rate(rng, a, a0, r):
    """numpy's exponential(scale) handed the rate: waiting times with mean a0, not 1/a0."""
    return rng.exponential(a0)


def holding_of_chosen_reaction(rng, a, a0, r):
    """The waiting time drawn at the fired reaction's propensity a_r instead of the total
    (the first-reaction method half-done)."""
    return rng.exponential(1.0 / a[r])


def propensity_without_counts(x, k):
    """Every reaction at its rate constant, whatever the counts (counts go negative)."""
    return tuple(k)


def events_weighted(times: np.ndarray, states: np.ndarray, t_burn: float,
                    num_states: int) -> np.ndarray:
    """num_states states taken at evenly spaced events after t_burn: each visited state
    counts once per event instead of by the time spent in it (jump_chain_law)."""
    first = int(np.searchsorted(times, t_burn, side="right")) - 1
    idx = np.linspace(max(first, 0), len(states) - 1, num_states).round().astype(int)
    return np.asarray(states)[idx]


# ------------------------------------- waiting times under the wrong simulators
def unit_waiting_cdf(u, grid: np.ndarray, rates, mistake: str) -> np.ndarray:
    """CDF of a0(x) * dt under a wrong simulator, at the states a run visits at its
    events (the jump chain's law; neither mistake changes which reaction fires).

    "scale_for_rate": dt ~ Exp(mean a0), so a0 dt = a0^2 E with E ~ Exp(1).
    "chosen_reaction": dt ~ Exp(a_r) with r fired w.p. p_r = a_r / a0, so a0 dt ~ Exp(p_r).
    A correct simulator gives Exp(1) exactly.
    """
    u = np.asarray(u, dtype=np.float64)[:, None]
    w = jump_chain_law(grid, rates)
    w = w / w.sum()
    a = propensities(grid, rates)
    a0 = a.sum(axis=1)
    if mistake == "scale_for_rate":
        return (1 - np.exp(-u / a0 ** 2)) @ w
    if mistake == "chosen_reaction":
        p = a / a0[:, None]
        return np.einsum("s,sr,usr->u", w, p, 1 - np.exp(-u[:, :, None] * p[None]))
    raise ValueError(f"unknown mistake {mistake!r}")


def waiting_ks_distance(rates, mistake: str) -> float:
    """sup_u |G(u) - (1 - exp(-u))| between a wrong simulator's a0 dt and Exp(1)."""
    grid = state_grid(stationary_means(rates), tail=1e-8)
    u = np.geomspace(1e-5, 1e4, 4000)
    return float(np.max(np.abs(unit_waiting_cdf(u, grid, rates, mistake) - (1 - np.exp(-u)))))


# ------------------------------------------------ observing the stationary law
BURN_RELAXATIONS = 10.0     # t_burn = 10 / k_min: from (0, 0, 0) the means are then
                            # within ~(k t)^2 e^{-k t} / 2 = 2e-3 of their limit
SPACING_RELAXATIONS = 1.0   # spacing = 1 / k_min: consecutive states correlate by e^-1
# Thinned states may keep this lag correlation (checks.thin_to_independence). A species'
# count is an AR(1) sequence at regular times (module doc), so thinning each to 0.005
# leaves cross-lag correlations of at most k L e^{-k L} ~ 0.027 (L the kept lag): a
# chi-square statistic's variance then grows by at most that share in one direction.
RHO_MAX = 0.005


def observation_plan(rates) -> tuple[float, float]:
    """(t_burn, spacing) the grader asks stationary_states for."""
    k_min = float(exit_rates(rates).min())
    return BURN_RELAXATIONS / k_min, SPACING_RELAXATIONS / k_min


def lag_correlations(rates, spacing: float) -> np.ndarray:
    """Each species' correlation between states `spacing` apart: exp(-k spacing)."""
    return np.exp(-exit_rates(rates) * spacing)


def integrated_autocorrelation(rates, spacing: float) -> np.ndarray:
    """Each species' integrated autocorrelation time, in rows of states `spacing` apart:
    the correlation at lag m rows is rho^m with rho = exp(-k spacing), so
    tau = 1 + 2 sum_m rho^m = (1 + rho) / (1 - rho) exactly."""
    rho = lag_correlations(rates, spacing)
    return (1 + rho) / (1 - rho)


def expected_thinning(rates, rho_max: float = RHO_MAX) -> int:
    """The step thin_to_independence takes on a correct run (exact tau of the slowest
    species), and one more: the ESS is estimated, and the design must hold at the
    larger step too."""
    from autograder.checks import ar1_step
    _, spacing = observation_plan(rates)
    rho = float(lag_correlations(rates, spacing).max())
    return ar1_step((1 + rho) / (1 - rho), rho_max) + 1


def stationary_tables(rates, tail: float = 1e-6) -> tuple[dict, dict]:
    """The cell tables (states on a grid plus one cell beyond it) of the stationary law
    and of the events-weighted law, for `frequencies` and its power."""
    grid = state_grid(stationary_means(rates), tail)
    return (cell_table(grid, product_poisson(grid, stationary_means(rates))),
            cell_table(grid, jump_chain_law(grid, rates)))


# ------------------------------------------------------------- probe rates
MEANS_RANGE = (0.6, 1.2)    # stationary means of the probe chains (small: power per event)
K1_RANGE = (0.5, 2.0)       # the time scale


def random_rates(rng) -> list[float]:
    """A candidate probe chain: k1 and three stationary means drawn uniformly, rounded
    to 3 decimals (the kernel gets plain floats)."""
    k1 = round(float(rng.uniform(*K1_RANGE)), 3)
    means = rng.uniform(*MEANS_RANGE, size=3)
    return [k1] + [round(float(k1 / m), 3) for m in means]


def worst_rates() -> list[float]:
    """The family's hardest chain for the stationary test (every mean at its largest:
    the events-weighted law's noncentrality per draw, sum_i (1/lambda_i) / 16, is
    smallest there)."""
    return [1.0] + [round(1.0 / MEANS_RANGE[1], 3)] * 3


# ====================================================== milestone 2: the clamp
# Clamping B at b (a birth whenever one dies, a death whenever one is born) turns the
# chain into two independent immigration-death processes: A made at k1 and leaving at
# k2 A (A -> B still removes an A), C made at k3 b and degraded at k4 C. So A and C are
# independent Poissons with means k1/k2 and k3 b/k4, and each keeps its exit rate.
def clamped_means(rates, b: float) -> np.ndarray:
    """(k1/k2, k3 b/k4): A unchanged, C ~ Poisson(k3 b / k4) under the clamp B = b."""
    k1, k2, k3, k4 = as_rates(rates)
    return np.array([k1 / k2, k3 * b / k4])


def clamp_b(b: int):
    """The clamp as simulate's `after`: B restored to b after every reaction."""
    return lambda x: (x[0], b, x[2])


def clamped_exit_rates(rates) -> np.ndarray:
    """(k2, k4): the exit rates of A and C; B does not move."""
    k = as_rates(rates)
    return np.array([k[1], k[3]])


def clamped_observation_plan(rates) -> tuple[float, float]:
    """(t_burn, spacing) for the clamped run, from the slower of A and C."""
    k_min = float(clamped_exit_rates(rates).min())
    return BURN_RELAXATIONS / k_min, SPACING_RELAXATIONS / k_min


def clamped_taus(rates, spacing: float) -> np.ndarray:
    """Integrated autocorrelation times of (A, B, C) rows under the clamp (B: NaN)."""
    rho = np.exp(-clamped_exit_rates(rates) * spacing)
    tau = (1 + rho) / (1 - rho)
    return np.array([tau[0], math.nan, tau[1]])


def clamped_thinning(rates, rho_max: float = RHO_MAX) -> int:
    """The step that leaves rho_max between kept rows of the slower of A and C, plus one
    (as expected_thinning)."""
    from autograder.checks import ar1_step
    _, spacing = clamped_observation_plan(rates)
    rho = float(np.exp(-clamped_exit_rates(rates) * spacing).max())
    return ar1_step((1 + rho) / (1 - rho), rho_max) + 1


def clamped_tables(rates, b: int, tail: float = 1e-4) -> tuple[dict, dict]:
    """Cell tables over (A, C) under the clamp B = b, and under the clamp one molecule
    higher (C ~ Poisson(k3 (b + 1) / k4)): the smallest error in the clamp's effect the
    question must see."""
    means, higher = clamped_means(rates, b), clamped_means(rates, b + 1)
    grid = state_grid(higher, tail)
    return cell_table(grid, product_poisson(grid, means)), cell_table(grid, product_poisson(grid, higher))


# ============================================ milestone 2: the equilibrium SCM
# The conditional-equilibrium SCM: each species' assignment is its stationary law with
# its parent held fixed, A := Poisson(k1/k2), B := Poisson(k2 A / k3), C := Poisson(k3 B / k4).
# do(B = b) gives A ~ Poisson(k1/k2) and C ~ Poisson(k3 b / k4), independent: what the
# clamped chain gives. Its observational law has the chain's means but not its
# distribution: B and C are Poisson mixtures (over-dispersed) and correlated with their
# parents, where the chain's snapshot is a product of independent Poissons.
def scm_grid(rates, tail: float = 1e-4) -> np.ndarray:
    """States (a, b, c) covering the SCM's observational law up to about `tail` each."""
    k1, k2, k3, k4 = as_rates(rates)
    a_top = int(stats.poisson(k1 / k2).isf(tail)) + 1
    b_top = int(stats.poisson(k2 * a_top / k3).isf(tail)) + 1
    c_top = int(stats.poisson(k3 * b_top / k4).isf(tail)) + 1
    axes = np.meshgrid(np.arange(a_top + 1), np.arange(b_top + 1), np.arange(c_top + 1),
                       indexing="ij")
    return np.stack([x.ravel() for x in axes], axis=1)


def scm_law(grid: np.ndarray, rates) -> np.ndarray:
    """P(a, b, c) = Pois(a; k1/k2) Pois(b; k2 a / k3) Pois(c; k3 b / k4) on the grid."""
    k1, k2, k3, k4 = as_rates(rates)
    a, b, c = grid[:, 0], grid[:, 1], grid[:, 2]
    return (stats.poisson(k1 / k2).pmf(a) * _poisson_or_zero(b, k2 * a / k3)
            * _poisson_or_zero(c, k3 * b / k4))


def _poisson_or_zero(x, mean) -> np.ndarray:
    """Pois(x; mean), with a point mass at 0 where the mean is 0."""
    mean = np.asarray(mean, dtype=np.float64)
    safe = np.where(mean > 0, mean, 1.0)
    return np.where(mean > 0, stats.poisson(safe).pmf(x), (np.asarray(x) == 0).astype(float))


def scm_conditioned_a(rates, b: int, a_values: np.ndarray) -> np.ndarray:
    """P(A = a | B = b) in the SCM (Bayes' rule): what pyro.condition on B gives for A,
    where pyro.do leaves A at Poisson(k1/k2)."""
    k1, k2, k3, _ = as_rates(rates)
    w = stats.poisson(k1 / k2).pmf(a_values) * _poisson_or_zero(b, k2 * a_values / k3)
    return w / w.sum()


def ac_tables(rates, b: int, tail: float = 1e-4) -> dict:
    """Cell tables over (A, C) for an intervention B = b on the SCM: the truth (do), and
    the laws of two known wrong SCMs: conditioning on B = b (A's law tilts, C's is
    Poisson(k3 b / k4) as under do) and the product of Poissons taken as the SCM
    (no arrows: C keeps Poisson(k1/k4))."""
    k1, k2, k3, k4 = as_rates(rates)
    truth_means = clamped_means(rates, b)
    wide = [max(truth_means[0], k1 / k2) * 3 + 5, max(truth_means[1], k1 / k4)]
    grid = state_grid(wide, tail)
    pa_cond = scm_conditioned_a(rates, b, np.arange(grid[:, 0].max() + 1))[grid[:, 0]]
    pc_do = stats.poisson(truth_means[1]).pmf(grid[:, 1])
    return {"do": cell_table(grid, product_poisson(grid, truth_means)),
            "condition": cell_table(grid, pa_cond * pc_do),
            "independent": cell_table(grid, product_poisson(grid, [k1 / k2, k1 / k4]))}


def observational_tables(rates, tail: float = 1e-4) -> dict:
    """Cell tables over (A, B, C) of the SCM's observational law (the truth) and of the
    chain's stationary product of Poissons (the SCM written as independent Poissons)."""
    grid = scm_grid(rates, tail)
    p, q = scm_law(grid, rates), product_poisson(grid, stationary_means(rates))
    keep = (p > tail ** 2) | (q > tail ** 2)      # the rest joins the cell beyond the grid
    return {"scm": cell_table(grid[keep], p[keep]),
            "independent": cell_table(grid[keep], q[keep])}


CLAMP_LEVELS = (2, 3)


def random_clamp(rng, rates) -> int:
    """A clamp level for B away from its stationary mean (at least 1.6 times it for the
    family's means), so C's law under the clamp differs from its stationary law."""
    return int(rng.choice(CLAMP_LEVELS))


# ===================================================== the signalling cascade
# Raf (K3, one site) -> Mek (K2, two sites) -> Erk (K1, two sites), totals T. Each site of
# a protein is activated at v_act times its activator's level (E1 for Raf) and
# deactivated at v_inh. At equilibrium a one-site protein is active with odds u, a
# two-site one is in states 0, 1, 2 with weights 1 : u : u^2, where u = w x activator and
# w = v_act / v_inh; so K3 = T g1(w3 E1), K2 = T g2(w2 K3), K1 = T g2(w1 K2).
CASCADE = ("K3", "K2", "K1")                 # Raf, Mek, Erk, from the top
CASCADE_RATES = {"K3": (0.1, 0.1), "K2": (0.1, 2.0), "K1": (0.1, 1.0)}   # (v_act, v_inh)
CASCADE_E1, CASCADE_T = 1.0, 100.0


def g1(u):
    return u / (1 + u)


def g2(u):
    return u * u / (1 + u + u * u)


def cascade_equilibrium(rates: dict, e1: float, total: float, intervention: dict = None,
                        g=(g1, g2, g2), weight=None) -> dict:
    """The equilibrium SCM, evaluated top-down; `intervention` {name: level} replaces
    those assignments (do). `g` and `weight(v_act, v_inh)` replace the saturation
    functions and w = v_act / v_inh to evaluate the known wrong SCMs."""
    intervention = intervention or {}
    weight = weight or (lambda act, inh: act / inh)
    out, upstream = {}, float(e1)
    for name, g_k in zip(CASCADE, g):
        act, inh = rates[name]
        level = intervention.get(name)
        out[name] = float(level) if level is not None else total * g_k(weight(act, inh) * upstream)
        upstream = out[name]
    return out


def random_cascade(rng) -> dict:
    """A probe cascade: each of the brief's rates times a log-uniform factor in [1/2, 2],
    E1 in [0.5, 2], T = 100, and a level for Mek's do in [10, 90]; plain floats."""
    rates = {name: [round(float(v * 2 ** rng.uniform(-1, 1)), 4) for v in CASCADE_RATES[name]]
             for name in CASCADE}
    return {"rates": rates, "E1": round(float(rng.uniform(0.5, 2.0)), 3), "T": CASCADE_T,
            "K2": round(float(rng.uniform(10, 90)), 2)}


# ============================================ milestone 3: a rate change, not a clamp
# Multiplying k3 (B -> C) by a factor f is an intervention on a rate, not on a level. The
# chain's stationary law stays a product of Poissons, now with B's mean k1 / (f k3), and
# C's mean stays k1/k4: C is fed by the flux through B -> C, which equals k1 whatever k3
# is. The SCM of the original equilibrium answers "B moves to k1 / (f k3)" with
# do(B = k1 / (f k3)), predicting E[C] = k3 (k1 / (f k3)) / k4 = k1 / (f k4): wrong by
# k1/k4 (1 - 1/f). Changing the rate in every assignment it enters (B's and C's) keeps
# E[C] = k1/k4: the SCM is right when the intervention is written on its mechanisms.
def with_factor(rates, factor: float) -> tuple:
    """The chain with k3 multiplied by `factor`."""
    k1, k2, k3, k4 = as_rates(rates)
    return (k1, k2, k3 * factor, k4)


def rate_change_truth(rates, factor: float) -> dict:
    """The exact answers: the dynamic chain's mean of C under the rate change; the SCM's
    E[C] under do(B = B's new mean); the SCM with the rate changed in its assignments;
    and the disagreement (dynamic minus do)."""
    k1, k2, k3, k4 = as_rates(rates)
    dynamic, scm_do = k1 / k4, k3 * (k1 / (factor * k3)) / k4
    return {"dynamic": dynamic, "scm_do": scm_do, "scm_rates": k1 / k4,
            "disagreement": dynamic - scm_do}


def new_b_level(rates, factor: float) -> float:
    """B's stationary mean after the rate change, k1 / (f k3): the level do() is given."""
    k1, _, k3, _ = as_rates(rates)
    return k1 / (factor * k3)


def time_average_sd(mean: float, exit_rate: float, t_total: float) -> float:
    """Sd of (1/T) int_0^T X dt for a stationary count with variance `mean` (Poisson) and
    autocorrelation exp(-k t): Var = (2 mean / (k T)) (1 - (1 - e^{-kT}) / (kT))."""
    kt = exit_rate * t_total
    return math.sqrt(2 * mean / kt * (1 - (1 - math.exp(-kt)) / kt))


def scm_c_variance(rates, intervention: dict | None = None) -> float:
    """Var(C) in the SCM (a Poisson mixture): with B given, Var(C) = E[C] + (k3/k4)^2 Var(B),
    and Var(B) = E[B] + (k2/k3)^2 Var(A) when B is not intervened on."""
    k1, k2, k3, k4 = as_rates(rates)
    intervention = intervention or {}
    if "B" in intervention:
        return k3 * float(intervention["B"]) / k4
    mean_b = k1 / k3
    var_b = mean_b + (k2 / k3) ** 2 * (k1 / k2)
    return k1 / k4 + (k3 / k4) ** 2 * var_b


FACTORS = (1 / 3, 1 / 1.5, 1.5, 3.0)   # the range of probe factors: faster or slower B -> C


def random_factor(rng) -> float:
    """A factor for k3, log-uniform on [1.5, 3] or on [1/3, 1/1.5] (either direction, so the
    disagreement's sign varies), to 3 decimals."""
    f = 2 ** rng.uniform(math.log2(FACTORS[2]), math.log2(FACTORS[3]))
    return round(float(f if rng.random() < 0.5 else 1 / f), 3)
