"""Facts of the counterfactual off-policy evaluation kit (cfope, course spec §10.1):
FrozenLake 4x4 slippery as a transition table derived from the map and the slip rule,
policy values by dynamic programming, the Gumbel-max SCM with its top-down posterior
and exact counterfactual distribution, logs, counterfactual replays and weighted
importance sampling.

Pure functions of plain data (arrays, lists, numpy generators); the two readers of
answers (as_episodes, as_policy) raise the checks' AnswerError. The milestones'
checks.py decide sizes and bands; the grader's simulations of known wrong answers
use the same code with one step changed. Conventions, stated in the notebooks too:
- states 0..15 row by row, actions LEFT=0, DOWN=1, RIGHT=2, UP=3;
- T[s, a, s'] = P(s' | s, a); holes and the goal are absorbing (T[s, a, s] = 1);
- an episode is a list of (state, action, reward, next_state) tuples from state 0,
  ending when it enters a hole or the goal, or after HORIZON steps; reward 1 on
  entering the goal, else 0;
- a policy is a (16, 4) table of action probabilities (rows of terminal states are
  never used);
- the Gumbel-max SCM: next = argmax_j (log T[s, a, j] + g_j), g a vector of 16
  independent Gumbel(0, 1) noises, one per possible next state (log 0 = -inf).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from autograder.checks import AnswerError, as_array

LAKE = ("SFFF", "FHFH", "FFFH", "HFFG")     # gymnasium's 4x4 map
N_STATES, N_ACTIONS = 16, 4
LEFT, DOWN, RIGHT, UP = range(4)
ACTION_NAMES = ("LEFT", "DOWN", "RIGHT", "UP")
START = 0
HORIZON = 100   # gymnasium's time limit for FrozenLake-v1
MOVES = {LEFT: (0, -1), DOWN: (1, 0), RIGHT: (0, 1), UP: (-1, 0)}
TERMINAL = np.array([c in "HG" for c in "".join(LAKE)])
GOAL = "".join(LAKE).index("G")


# --------------------------------------------------------------- the environment
def _move(state: int, direction: int) -> int:
    row, col = divmod(state, 4)
    dr, dc = MOVES[direction]
    return min(max(row + dr, 0), 3) * 4 + min(max(col + dc, 0), 3)


def slip_slots(state: int, action: int) -> list[int]:
    """The three next states of a slippery move, in gymnasium's order: the direction
    90 degrees clockwise of the intended one, the intended one, 90 degrees
    counter-clockwise ((a - 1) % 4, a, (a + 1) % 4); each has probability 1/3."""
    return [_move(state, d) for d in ((action - 1) % 4, action, (action + 1) % 4)]


def _build_table(add: bool) -> np.ndarray:
    """T from the slip rule; add=False writes a state reached by two slip directions
    once instead of adding its two thirds (a slip reading env.unwrapped.P)."""
    T = np.zeros((N_STATES, N_ACTIONS, N_STATES))
    for s in range(N_STATES):
        for a in range(N_ACTIONS):
            if TERMINAL[s]:
                T[s, a, s] = 1.0
                continue
            for nxt in slip_slots(s, a):
                T[s, a, nxt] = T[s, a, nxt] * add + 1.0 / 3.0
    return T


@lru_cache(maxsize=1)
def _table() -> np.ndarray:
    T = _build_table(add=True)
    T.setflags(write=False)
    return T


def transition_table() -> np.ndarray:
    """T[s, a, s'] from the brief: the intended move or either perpendicular one,
    1/3 each, a move off the grid staying put (read-only; tests compare it with
    gymnasium's env.unwrapped.P)."""
    return _table()


def log_table() -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(transition_table())


def reward(next_state: int) -> float:
    return 1.0 if next_state == GOAL else 0.0


# --------------------------------------------------------------------- values
def policy_values(policy, horizon: int = HORIZON) -> np.ndarray:
    """V[s]: the probability of entering the goal within `horizon` steps from s under
    `policy` (undiscounted, reward 1 at the goal), by backward induction:
    V_{k+1} = r + P V_k with P[s, s'] = sum_a policy[s, a] T[s, a, s'] between live
    states and r[s] the chance of entering the goal in one step. The `horizon` steps are
    one matrix power of [[P, r], [0, 1]] (log2(horizon) products: the grader evaluates
    thousands of steps for the no-horizon mistake)."""
    pi = np.asarray(policy, dtype=np.float64)
    live = ~TERMINAL
    move = np.einsum("sa,sat->st", pi, transition_table())
    step = np.zeros((N_STATES + 1, N_STATES + 1))
    step[:N_STATES, :N_STATES] = np.where(live[:, None] & live[None, :], move, 0.0)
    step[:N_STATES, N_STATES] = np.where(live, move[:, GOAL], 0.0)
    step[N_STATES, N_STATES] = 1.0
    return np.linalg.matrix_power(step, int(horizon))[:N_STATES, N_STATES].copy()


def policy_value(policy, horizon: int = HORIZON) -> float:
    """V(start): what the milestones call a policy's value."""
    return float(policy_values(policy, horizon)[START])


@lru_cache(maxsize=1)
def _optimal() -> np.ndarray:
    T = transition_table()
    live = ~TERMINAL
    v = np.zeros(N_STATES)
    for _ in range(10_000):
        q = T @ (np.where(live, v, 0.0) + (np.arange(N_STATES) == GOAL))
        new = np.where(live, q.max(1), 0.0)
        if np.max(np.abs(new - v)) < 1e-13:
            break
        v = new
    out = one_hot(q.argmax(1))
    out.setflags(write=False)
    return out


def optimal_policy() -> np.ndarray:
    """A deterministic policy that is optimal for the infinite-horizon problem
    (value iteration to convergence; ties to the lowest action), as a one-hot table
    (a copy)."""
    return _optimal().copy()


def optimal_value(horizon: int = HORIZON) -> float:
    """The best value from START within `horizon` steps (finite-horizon value
    iteration: a max over actions at every step)."""
    T = transition_table()
    live = ~TERMINAL
    v = np.zeros(N_STATES)
    for _ in range(horizon):
        q = T @ (np.where(live, v, 0.0) + (np.arange(N_STATES) == GOAL))
        v = np.where(live, q.max(1), 0.0)
    return float(v[START])


def one_hot(actions) -> np.ndarray:
    return np.eye(N_ACTIONS)[np.asarray(actions, dtype=int)]


def epsilon_greedy(actions, epsilon: float) -> np.ndarray:
    return (1 - epsilon) * one_hot(actions) + epsilon / N_ACTIONS


# ----------------------------------------------------------- the Gumbel-max SCM
def gumbel_max(log_p: np.ndarray, noise: np.ndarray) -> int:
    return int(np.argmax(log_p + noise))


def top_down_noise(log_p: np.ndarray, observed, rng, size: int | None = None) -> np.ndarray:
    """Draws of the Gumbel noise given argmax_j (log_p[j] + g[j]) = observed: (size, 16)
    for one row log_p (16,) and one observed state, or one draw per row for log_p of
    shape (m, 16) and observed of shape (m,).

    The perturbed maximum is Gumbel(logsumexp(log_p)); every other possible outcome's
    perturbed value is its Gumbel(log_p[j]) truncated below that maximum; outcomes with
    probability 0 keep their prior noise."""
    log_p = np.asarray(log_p, dtype=np.float64)
    rows = log_p.shape[0] if log_p.ndim == 2 else size
    top = np.logaddexp.reduce(log_p, axis=-1) + rng.gumbel(size=rows)
    return noise_below_top(log_p, observed, top, rng)


def noise_below_top(log_p: np.ndarray, observed, top: np.ndarray, rng) -> np.ndarray:
    """Noise whose perturbed maximum is `top` (one per draw), attained at `observed`:
    each other possible outcome's Gumbel(log_p[j]) truncated below it, drawn as
    -log(exp(-top) + exp(-G)) with G ~ Gumbel(log_p[j]). log_p and observed are one
    row and one state for every draw, or one per draw."""
    top = np.asarray(top, dtype=np.float64).ravel()
    rows = np.arange(top.size)
    log_p = np.broadcast_to(np.asarray(log_p, dtype=np.float64), (top.size, N_STATES))
    observed = np.broadcast_to(np.asarray(observed, dtype=int), (top.size,))
    g = rng.gumbel(size=(top.size, N_STATES))
    others = np.isfinite(log_p)
    others[rows, observed] = False
    lp = np.where(others, log_p, 0.0)
    truncated = -np.logaddexp(-top[:, None], -(lp + g))
    g = np.where(others, truncated - lp, g)
    g[rows, observed] = top - log_p[rows, observed]
    return g


def posterior_pits(log_p: np.ndarray, observed: int, noise: np.ndarray):
    """Probability integral transforms of posterior noise draws (n, 16), each U(0, 1)
    under the correct posterior: (the observed outcome's perturbed maximum,
    the other possible outcomes given that maximum, the impossible outcomes).
    Call only on draws whose argmax is `observed` (consistent draws)."""
    log_p = np.asarray(log_p, dtype=np.float64)
    g = np.asarray(noise, dtype=np.float64)
    support = np.isfinite(log_p)
    others = support.copy()
    others[observed] = False
    top = log_p[observed] + g[:, observed]
    top -= np.logaddexp.reduce(log_p[support])
    u_top = np.exp(-np.exp(-top))
    p = np.exp(np.where(others, log_p, -np.inf))
    u_others = np.exp(-(np.exp(-g) - p * np.exp(-top)[:, None]))[:, others]
    u_off = np.exp(-np.exp(-g[:, ~support]))
    return u_top, u_others.ravel(), u_off.ravel()


def is_stable(p: np.ndarray, q: np.ndarray, observed: int) -> bool:
    """Counterfactual stability (Oberst and Sontag 2019): having seen `observed` under
    p, the counterfactual under q is `observed` again for sure when q(i)/p(i) >=
    q(j)/p(j) for every j (an outcome impossible under p but possible under q has
    ratio infinity)."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    if q[observed] <= 0:
        return False
    ratio = np.where(p > 0, q / np.where(p > 0, p, 1.0), np.where(q > 0, np.inf, 0.0))
    return bool(np.all(ratio <= ratio[observed] * (1 + 1e-12)))


def counterfactual_distribution(p, q, observed: int) -> np.ndarray:
    """P(counterfactual next state = k), k = 0..15, in closed form: having seen
    `observed` (i) under the outcome distribution p, the Gumbel-max outcome under q
    with the same noise.

    P(CF = i | i) = 1 / (p_i + sum_{j != i} max(p_j, p_i q_j / q_i)). For k != i,
    integrating the Gumbel densities of g_i and g_k in closed form leaves
    P(CF = k | i) = (1 / p_i) * integral over w from p_k / p_i to q_k / q_i of
    dw / K(w)^2, with K(w) = 1 + w + sum_{j != i, k} max(p_j / p_i, w q_j / q_k)
    piecewise linear in w (w = exp(g_i - g_k)), so each piece integrates exactly.
    An empty range (q_k / q_i <= p_k / p_i) is counterfactual stability."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    i, n = int(observed), p.size
    out = np.zeros(n)
    if q[i] > 0:
        out[i] = 1.0 / (p[i] + sum(max(p[j], p[i] * q[j] / q[i]) for j in range(n) if j != i))
    for k in range(n):
        if k == i or q[k] <= 0:
            continue
        lo = p[k] / p[i]
        hi = q[k] / q[i] if q[i] > 0 else math.inf
        if lo >= hi:
            continue
        rest = [j for j in range(n) if j not in (i, k) and (p[j] > 0 or q[j] > 0)]
        # where the j-th term switches from p_j / p_i to w q_j / q_k
        cuts = sorted({p[j] / p[i] * q[k] / q[j] for j in rest if q[j] > 0} | {lo, hi})
        cuts = [c for c in cuts if lo <= c <= hi]
        total = 0.0
        for w1, w2 in zip(cuts[:-1], cuts[1:]):
            mid = w1 + 1.0 if math.isinf(w2) else (w1 + w2) / 2
            q_side = [j for j in rest if q[j] > 0 and mid * q[j] / q[k] > p[j] / p[i]]
            alpha = 1.0 + sum(p[j] / p[i] for j in rest if j not in q_side)
            beta = 1.0 + sum(q[j] / q[k] for j in q_side)
            upper = 0.0 if math.isinf(w2) else 1.0 / (alpha + beta * w2)
            total += (1.0 / (alpha + beta * w1) - upper) / beta
        out[k] = total / p[i]
    return out


# ---------------------------------------------------------------- logs and replays
INTENDED = np.array([[slip_slots(s, a)[1] for a in range(N_ACTIONS)] for s in range(N_STATES)])


def sample_action(policy, state: int, rng) -> int:
    row = np.asarray(policy, float)[state]
    return int(rng.choice(N_ACTIONS, p=row / row.sum()))


def simulate_episodes(policy, num_episodes: int, rng, noises=None, limits=None,
                      slippery: bool = True, horizon: int = HORIZON) -> list[list[tuple]]:
    """Episodes [(s, a, r, s'), ...] from START under `policy`, all in parallel: actions
    drawn from the policy's rows, next states by Gumbel-max with noises[e, t] where given
    (an array (num_episodes, horizon, 16)), else prior noise; an episode ends in a hole,
    at the goal, after `horizon` steps or after limits[e] steps. slippery=False: the
    intended move (a slip of the environment, for the known wrong answers)."""
    n = int(num_episodes)
    cum = np.cumsum(np.asarray(policy, float), axis=1)
    logT = log_table()
    limits = np.full(n, horizon) if limits is None else np.minimum(limits, horizon)
    state, alive = np.full(n, START), np.ones(n, dtype=bool) & (limits > 0)
    steps = []
    for t in range(horizon):
        if not alive.any():
            break
        # the first action whose cumulative probability exceeds u (zero rows never win)
        total = cum[state, -1:]
        action = (cum[state] <= rng.random(n)[:, None] * total).sum(1)
        if not slippery:
            nxt = INTENDED[state, action]
        else:
            g = noises[:, t] if noises is not None else rng.gumbel(size=(n, N_STATES))
            nxt = np.argmax(logT[state, action] + g, axis=1)
        steps.append((state, action, nxt, alive))
        alive = alive & ~TERMINAL[nxt] & (t + 1 < limits)
        state = nxt
    if not steps:
        return [[] for _ in range(n)]
    # alive is a prefix of each episode's steps: episode e is its first lengths[e] steps
    s, a, x = (np.stack(v, axis=1).tolist() for v in list(zip(*steps))[:3])
    lengths = np.stack([st[3] for st in steps], axis=1).sum(1).tolist()
    return [[(si, ai, 1.0 if xi == GOAL else 0.0, xi)
             for si, ai, xi in zip(s[e][:k], a[e][:k], x[e][:k])]
            for e, k in enumerate(lengths)]


def run_episode(policy, rng, horizon: int = HORIZON) -> list[tuple]:
    return simulate_episodes(policy, 1, rng, horizon=horizon)[0]


def generate_logs(policy, num_episodes: int, rng) -> list[list[tuple]]:
    return simulate_episodes(policy, num_episodes, rng)


def episode_states(episode) -> list[int]:
    return [int(episode[0][0])] + [int(step[3]) for step in episode] if episode else [START]


def episode_return(episode) -> float:
    return float(sum(step[2] for step in episode))


def counterfactual_paths(logs, policy, rng, noise: str = "posterior", beyond_log: bool = True,
                         horizon: int = HORIZON) -> list[list[int]]:
    """The states of every logged episode replayed under `policy` (Oberst and Sontag's
    counterfactual replay): step t of a replay uses the posterior noise of logged step t
    (top-down Gumbel), and prior noise once its log has ended. The known wrong answers
    swap one piece: noise="prior" (every step's noise from the prior, the classic
    mistake), noise="none" (argmax of the log-probabilities, no noise), beyond_log=False
    (each replay stops where its log stops)."""
    n = len(logs)
    lengths = np.array([len(ep) for ep in logs])
    noises = np.zeros((n, horizon, N_STATES)) if noise == "none" else \
        rng.gumbel(size=(n, horizon, N_STATES))
    if noise == "posterior" and lengths.sum():
        steps = np.array([(e, t, int(s), int(a), int(x)) for e, ep in enumerate(logs)
                          for t, (s, a, _, x) in enumerate(ep)])
        e, t, s, a, x = steps.T
        noises[e, t] = top_down_noise(log_table()[s, a], x, rng)
    replays = simulate_episodes(policy, n, rng, noises, None if beyond_log else lengths,
                                horizon=horizon)
    return [episode_states(ep) for ep in replays]


def counterfactual_states(episode, policy, rng, **how) -> list[int]:
    """One episode's replay (counterfactual_paths)."""
    return counterfactual_paths([episode], policy, rng, **how)[0]


def reached_goal(states) -> bool:
    return bool(len(states) and int(states[-1]) == GOAL)


def stability_violations(episode, cf_states, policy) -> int:
    """Steps at which a counterfactual replay of `episode` under a deterministic
    `policy` breaks counterfactual stability: the replay is in the logged state at the
    logged time, and either takes the logged action or an action whose outcome
    distribution makes the logged next state stable, yet moves elsewhere."""
    T = transition_table()
    pi = np.asarray(policy, float)
    bad = 0
    for t, (s, a, _, nxt) in enumerate(episode):
        if t + 1 >= len(cf_states) or int(cf_states[t]) != s:
            continue
        a_cf = int(np.argmax(pi[s]))
        if is_stable(T[s, a], T[s, a_cf], nxt) and int(cf_states[t + 1]) != nxt:
            bad += 1
    return bad


def wis(logs, behaviour, target) -> float:
    """Weighted (self-normalised) importance sampling of the target policy's value
    from logs of the behaviour policy, with one weight per episode (the product of
    the action-probability ratios); nan when every weight is 0."""
    b, e = np.asarray(behaviour, float), np.asarray(target, float)
    weights, returns = [], []
    for ep in logs:
        w = 1.0
        for s, a, _, _ in ep:
            w *= e[int(s), int(a)] / b[int(s), int(a)]
        weights.append(w)
        returns.append(episode_return(ep))
    weights = np.asarray(weights)
    return float(weights @ np.asarray(returns) / weights.sum()) if weights.sum() > 0 else math.nan


# ------------------------------------------------------ discrete tests of logs
def action_rank(policy, state: int, action: int) -> int:
    """The action's place in its row of `policy`, most probable first (ties by action
    index)."""
    row = np.asarray(policy, float)[state]
    order = sorted(range(N_ACTIONS), key=lambda b: (-row[b], b))
    return order.index(int(action))


# ------------------------------------- an SCM as a submission would implement it
# The grader's simulations of a submission: the correct SCM, and the known wrong
# answers of the brief with one piece swapped (calibration and feedback use them).
def gumbel_prior(rng, size: int) -> np.ndarray:
    return rng.gumbel(size=(size, N_STATES))


def exponential_prior(rng, size: int) -> np.ndarray:
    """A slip: -log(U) (an Exponential) where -log(-log(U)) (a Gumbel) belongs."""
    return -np.log(rng.random((size, N_STATES)))


def argmax_step(log_p: np.ndarray, noise: np.ndarray) -> np.ndarray:
    return np.argmax(log_p + noise, axis=-1)


def argmax_without_noise(log_p: np.ndarray, noise: np.ndarray) -> np.ndarray:
    return np.full(np.shape(noise)[:-1], int(np.argmax(log_p)))


def probabilities_as_logits(log_p: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Gumbel noise added to the probabilities themselves: argmax(p + g), which can pick
    an impossible next state and, on the possible ones, samples softmax(p), not p."""
    return np.argmax(np.exp(log_p) + noise, axis=-1)


def prior_as_posterior(log_p, observed, rng, size):
    """The classic mistake: the noise drawn again from its prior, ignoring what was seen."""
    return rng.gumbel(size=(size, np.size(log_p)))


def top_at_observed(log_p, observed, rng, size):
    """A top-down slip: the observed outcome's perturbed value drawn as Gumbel(log p_i)
    (its prior) instead of Gumbel(logsumexp log p), the others truncated below it."""
    log_p = np.asarray(log_p, dtype=np.float64)
    return noise_below_top(log_p, observed, log_p[observed] + rng.gumbel(size=size), rng)


def clipped_below_top(log_p, observed, rng, size):
    """A top-down slip: the other outcomes' perturbed values drawn from their prior and
    clipped to just below the maximum, instead of drawn from the truncated law."""
    log_p = np.asarray(log_p, dtype=np.float64)
    g = top_down_noise(log_p, observed, rng, size)
    top = log_p[observed] + g[:, observed]
    others = np.isfinite(log_p)
    others[observed] = False
    free = rng.gumbel(size=(size, log_p.size))
    clipped = np.minimum(np.where(others, log_p, 0.0) + free, top[:, None] - 1e-9)
    g[:, others] = (clipped - np.where(others, log_p, 0.0))[:, others]
    return g


def top_down(log_p, observed, rng, size):
    return top_down_noise(log_p, observed, rng, size)


def overwritten_table() -> np.ndarray:
    """A slip building T from env.unwrapped.P: T[s, a, s'] = p for each listed outcome,
    so two listed moves that both stay put count once (rows at walls sum to 2/3)."""
    return _build_table(add=False)


class SimulatedSCM:
    """What a submission's step_scm, posterior_noise and counterfactual_step return,
    given its table (T), its prior noise, its argmax step and its posterior."""

    def __init__(self, table=None, prior=gumbel_prior, step=argmax_step, posterior=top_down):
        self.table = transition_table() if table is None else np.asarray(table, float)
        with np.errstate(divide="ignore"):
            self.log_table = np.log(self.table)
        self.prior, self.step_rule, self.posterior = prior, step, posterior

    def step(self, state: int, action: int, noise) -> int:
        return int(self.step_rule(self.log_table[state, action], np.asarray(noise, float)))

    def next_states(self, state: int, action: int, size: int, rng) -> np.ndarray:
        return self.step_rule(self.log_table[state, action], self.prior(rng, size))

    def noise(self, state: int, action: int, observed: int, size: int, rng) -> np.ndarray:
        return self.posterior(self.log_table[state, action], observed, rng, size)

    def counterfactuals(self, state, action, observed, cf_action, size, rng) -> np.ndarray:
        g = self.noise(state, action, observed, size, rng)
        return self.step_rule(self.log_table[state, cf_action], g)


# --------------------------------------------------------------- checking logs
def as_episodes(logs, name: str = "logs", n: int | None = None) -> list[np.ndarray]:
    """Logs as a list of (steps, 4) float arrays; AnswerError (a student-facing sentence
    about `name`) when they are not a list of episodes of (state, action, reward,
    next_state) steps, or not n of them."""
    if isinstance(logs, (str, bytes, dict)) or not hasattr(logs, "__len__"):
        raise AnswerError(f"`{name}` should be a list of episodes.")
    out = []
    for k, ep in enumerate(logs):
        try:
            arr = np.asarray(ep, dtype=float)
        except (TypeError, ValueError):
            raise AnswerError(f"`{name}`: episode {k} is not a list of (state, action, reward, "
                              "next_state) tuples of numbers.") from None
        if arr.ndim != 2 or arr.shape[1] != 4 or arr.shape[0] == 0:
            raise AnswerError(f"`{name}`: episode {k} should be a non-empty list of (state, "
                              f"action, reward, next_state) tuples, but has shape {arr.shape}.")
        if not np.all(np.isfinite(arr)):
            raise AnswerError(f"`{name}`: episode {k} holds values that are not finite numbers.")
        out.append(arr)
    if n is not None and len(out) != n:
        raise AnswerError(f"`{name}` should hold {n} episodes but holds {len(out)}.")
    return out


def as_policy(value, name: str) -> np.ndarray:
    """A (16, 4) table of action probabilities (rows summing to 1); AnswerError otherwise."""
    pi = as_array(value, name, shape=(N_STATES, N_ACTIONS))
    if np.any(pi < 0) or np.any(np.abs(pi.sum(1) - 1) > 1e-6):
        raise AnswerError(f"`{name}` should hold action probabilities: non-negative, each row "
                          "summing to 1.")
    return pi


def _logs_obey_the_lake(episodes: list[np.ndarray], pi, horizon: int) -> bool:
    """first_log_problem's rules on all steps at once (the common case: nothing wrong)."""
    if not episodes:
        return True
    steps = np.concatenate(episodes)
    cols = steps[:, [0, 1, 3]]
    if np.any(cols != np.round(cols)) or np.any(cols < 0) or np.any(cols[:, [0, 2]] > 15) \
            or np.any(cols[:, 1] > 3):
        return False
    s, a, nxt = (cols[:, j].astype(int) for j in range(3))
    r = steps[:, 2]
    lengths = np.array([len(ep) for ep in episodes])
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    last = first + lengths - 1
    inner = np.ones(len(s), dtype=bool)
    inner[first] = False
    return bool(np.all(s[first] == START) and np.all(s[inner] == nxt[np.flatnonzero(inner) - 1])
                and not np.any(TERMINAL[s]) and np.all(lengths <= horizon)
                and np.all((lengths == horizon) | TERMINAL[nxt[last]])
                and np.all(transition_table()[s, a, nxt] > 0) and np.all(r == (nxt == GOAL))
                and (pi is None or np.all(pi[s, a] > 0)))


def first_log_problem(episodes: list[np.ndarray], policy=None,
                      horizon: int = HORIZON) -> str | None:
    """The first way `episodes` break the rules of FrozenLake (and, if given, of the
    policy's support), as a sentence, or None. Exact: no chance involved."""
    T = transition_table()
    pi = None if policy is None else np.asarray(policy, float)
    if _logs_obey_the_lake(episodes, pi, horizon):
        return None
    for k, ep in enumerate(episodes):
        s, a, r, nxt = (ep[:, j] for j in range(4))
        where = f"episode {k}"
        if np.any(ep[:, [0, 1, 3]] != np.round(ep[:, [0, 1, 3]])) \
                or np.any((s < 0) | (s > 15) | (nxt < 0) | (nxt > 15) | (a < 0) | (a > 3)):
            return f"{where} holds a state outside 0..15 or an action outside 0..3"
        s, a, nxt = s.astype(int), a.astype(int), nxt.astype(int)
        if s[0] != START:
            return f"{where} starts in state {s[0]}, not in the start state {START}"
        if np.any(s[1:] != nxt[:-1]):
            t = int(np.flatnonzero(s[1:] != nxt[:-1])[0])
            return (f"{where}: step {t + 1} starts in state {s[t + 1]}, but step {t} ended in "
                    f"state {nxt[t]}; each step's state is the previous step's next_state")
        if np.any(TERMINAL[s]):
            t = int(np.flatnonzero(TERMINAL[s])[0])
            return (f"{where} goes on after entering state {s[t]} (a hole or the goal) at step "
                    f"{t}; an episode ends there")
        if len(ep) > horizon:
            return f"{where} has {len(ep)} steps; episodes stop after {horizon}"
        if len(ep) < horizon and not TERMINAL[nxt[-1]]:
            return (f"{where} stops after {len(ep)} steps in state {nxt[-1]}, which is neither a "
                    f"hole nor the goal; episodes run until one of those or {horizon} steps")
        bad = np.flatnonzero(T[s, a, nxt] <= 0)
        if bad.size:
            t = int(bad[0])
            return (f"{where}: step {t} moves from state {s[t]} with action {a[t]} to state "
                    f"{nxt[t]}, which that move cannot reach")
        if np.any(r != (nxt == GOAL)):
            t = int(np.flatnonzero(r != (nxt == GOAL))[0])
            return (f"{where}: step {t} has reward {r[t]:g}; the reward is 1 on entering the goal "
                    "and 0 otherwise")
        if pi is not None and np.any(pi[s, a] <= 0):
            t = int(np.flatnonzero(pi[s, a] <= 0)[0])
            return (f"{where}: step {t} takes action {a[t]} in state {s[t]}, which the policy "
                    "never takes there")
    return None


SLOTS = np.array([[slip_slots(s, a) for a in range(N_ACTIONS)] for s in range(N_STATES)])


def _steps(episodes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    steps = np.concatenate(episodes).astype(int) if episodes else np.zeros((0, 4), int)
    return steps[:, 0], steps[:, 1], steps[:, 3]


def slots_of(episodes: list[np.ndarray], rng) -> np.ndarray:
    """Which of the three slip directions (0, 1, 2 in slip_slots' order) every logged step
    took. Where two directions lead to the same state one of them is picked at random,
    so under the environment the slot is uniform on {0, 1, 2} at every step. Call on logs
    without a problem (first_log_problem), where every step has a slot."""
    s, a, nxt = _steps(episodes)
    match = SLOTS[s, a] == nxt[:, None]                     # (steps, 3)
    pick = np.floor(rng.random(s.size) * match.sum(1)).astype(int)   # which of the matches
    return (np.cumsum(match, axis=1) > pick[:, None]).argmax(1)


def ranks_of(episodes: list[np.ndarray], policy) -> np.ndarray:
    """The rank (action_rank) of every logged action in its row of `policy`."""
    s, a, _ = _steps(episodes)
    table = np.array([[action_rank(policy, st, ac) for ac in range(N_ACTIONS)]
                      for st in range(N_STATES)])
    return table[s, a]


def action_pits(episodes: list[np.ndarray], policy, rng) -> np.ndarray:
    """Randomised PIT of every logged action under `policy` (actions in index order):
    F(a-) + V pi(a | s), V ~ U(0, 1); independent U(0, 1) when the actions are drawn from
    the policy, whatever the states."""
    pi = np.asarray(policy, float)
    s = np.concatenate([ep[:, 0] for ep in episodes]).astype(int)
    a = np.concatenate([ep[:, 1] for ep in episodes]).astype(int)
    below = np.cumsum(pi, axis=1) - pi
    return below[s, a] + rng.random(s.size) * pi[s, a]


# Rows of the grader's logging policies are permutations of these probabilities, so the
# rank of a logged action has this law in every state: one discrete test for all states.
RANK_PROBS = (0.55, 0.25, 0.15, 0.05)


def ranked_policy(rng) -> np.ndarray:
    return np.array([np.asarray(RANK_PROBS)[np.argsort(rng.permutation(N_ACTIONS))]
                     for _ in range(N_STATES)])
