"""Hidden checks for the cfope kit, milestone 2: two policies, their exact values by
dynamic programming, and logs of episodes (course spec §10.1). Never released.

Truths come from autograder/studies/cfope.py (the transition table derived from the
map, backward induction over gymnasium's 100-step horizon).
- test_policies (exact): the team's production policy gives every action some
  probability (importance sampling in milestone 3 needs it), its evaluation policy is
  deterministic and worth at least MIN_GAP more.
- test_values (exact, float tolerance): policy_value on two policies drawn per
  submission (a stochastic one, and a careful deterministic one on which the horizon,
  an off-by-one horizon and value iteration all change the value), and the team's
  reported values of its own two policies.
- test_logs: generate_logs on a policy drawn per submission whose rows are permutations
  of RANK_PROBS; the logs must obey the lake (exact), the slip slot of every step is
  uniform on three (frequencies), and the rank of every action in its row has the law
  RANK_PROBS whatever the state (frequencies).
- test_own_logs: the team's logs of its production policy obey the lake and the
  policy's support (exact), their slip slots are uniform (frequencies), and the first
  action of every episode, drawn in state 0, has the production policy's law there
  (frequencies; independent draws, one per episode).
"""
from __future__ import annotations

import math

import numpy as np

from autograder.checks import (Threshold, close_to, draw_probe, failed, frequencies,
                               frequencies_required_n, passed, repeated, twice)
from autograder.homework import Homework
from autograder.studies import cfope

hw = Homework()
T = cfope.transition_table()
LIVE = ~cfope.TERMINAL
MIN_GAP = 0.2          # evaluation policy's value above the production policy's
MIN_PROB = 0.05        # production policy: every action at least this likely
VALUE_TOL = 1e-6       # float64 backward induction agrees to ~1e-15; float32 to ~1e-7
FRESH_EPISODES = 100   # second call of generate_logs: a right one repeats the first call's
                       # episodes with chance < (5/9) ** 100 < 1e-25 (first steps alone: the
                       # largest sum of squared next-state probabilities at the start is 5/9)
UNIFORM3 = {0: 1 / 3, 1: 1 / 3, 2: 1 / 3}
RANKS = dict(enumerate(cfope.RANK_PROBS))


# ------------------------------------------------------------------- the design
def swap_lambda_floor() -> np.ndarray:
    """The production row at the start state that logs of a deterministic policy are
    hardest to tell from: MIN_PROB on three actions, the rest on the fourth, which the
    deterministic policy takes ((1 - p) / p of Pearson noncentrality per episode)."""
    return np.array([1 - 3 * MIN_PROB] + [MIN_PROB] * 3)


@hw.design
def design(budget: float) -> dict[str, int]:
    """num_episodes: per call of generate_logs and in the team's own logs. The largest
    of: the episodes at which logs of the evaluation policy (the policies swapped) fail
    the first-action test on the hardest production row the rules allow; the steps at
    which uniformly random actions fail the rank test (every episode has a step); and
    five expected draws in the rarest rank. Rounded up to a hundred."""
    alpha = budget / hw.total_checks
    row = swap_lambda_floor()
    need = [frequencies_required_n(row, np.eye(4)[0], alpha),
            frequencies_required_n(np.array(cfope.RANK_PROBS), np.full(4, 0.25), alpha),
            5 / min(cfope.RANK_PROBS)]
    return {"num_episodes": int(math.ceil(max(need) / 100) * 100)}


# ------------------------------------------------------------------ probe policies
def _careful(rng) -> np.ndarray:
    actions = cfope.optimal_policy().argmax(1)
    for s in rng.choice(np.flatnonzero(LIVE), size=2, replace=False):
        actions[s] = rng.integers(4)
    return cfope.one_hot(actions)


def _differs(value: float, others) -> bool:
    return all(abs(value - w) > 100 * VALUE_TOL for w in others)


def _horizon_matters(policy) -> bool:
    """On this policy 99, 100, 101 steps and no limit all give values far apart, and
    the optimal value is another number again."""
    v = {h: cfope.policy_value(policy, h) for h in (99, 100, 101, 5000)}
    return _differs(v[100], [v[99], v[101], v[5000], cfope.optimal_value()])


def _stochastic(rng) -> np.ndarray:
    return rng.dirichlet(np.ones(4), size=cfope.N_STATES)


def _averaging_matters(policy) -> bool:
    """On this stochastic policy its value differs from the optimal value and from the
    value of its most likely actions."""
    greedy = cfope.one_hot(np.argmax(policy, 1))
    return _differs(cfope.policy_value(policy), [cfope.optimal_value(), cfope.policy_value(greedy)])


@hw.probe
def value_probes(ctx) -> dict[str, np.ndarray]:
    """The two policies policy_value is called on, drawn per submission."""
    seed = ctx.seed_for("values")
    return {"stochastic": draw_probe(seed, _stochastic, _averaging_matters),
            "careful": draw_probe(seed + 1, _careful, _horizon_matters)}


@hw.probe
def logging_policy(ctx) -> np.ndarray:
    """The policy generate_logs is called with: its rows are permutations of RANK_PROBS."""
    return cfope.ranked_policy(np.random.default_rng(ctx.seed_for("logging policy")))


def values_calls(ctx):
    return {label: ("policy_value", {"policy": p.tolist()})
            for label, p in value_probes(ctx).items()}


logs_calls = twice("generate_logs", lambda ctx: {"policy": logging_policy(ctx).tolist(),
                                                  "num_episodes": ctx.sizes["num_episodes"]},
                   ("logs", "logs:again"), keys=("logs", "again"),
                   again={"num_episodes": FRESH_EPISODES})


# ------------------------------------------------------------------------ helpers
def _structure(eps, policy, name: str):
    problem = cfope.first_log_problem(eps, policy)
    if problem:
        return failed(f"`{name}` does not follow FrozenLake: {problem}.")
    return passed(f"Every step of `{name}` is a move FrozenLake can make, with the right "
                  "rewards and ends of episodes.")


def _slots(eps, ctx, name: str):
    rng = np.random.default_rng(ctx.seed_for(f"slots:{name}"))
    return frequencies(cfope.slots_of(eps, rng), UNIFORM3, ctx.alpha,
                       name=f"the slip directions in {name}",
                       hint="On slippery ice the robot goes the intended way or either "
                            "perpendicular way, 1/3 each: make the environment with "
                            "is_slippery=True, and record each step's own state, action and "
                            "next state.")


# ---------------------------------------------------------------------- questions
def _value_result(got, truth, name, ctx, hint):
    """An exact value (se 0), within the float tolerance VALUE_TOL."""
    return close_to(got, truth, 0.0, ctx.alpha, delta=VALUE_TOL, name=name, hint=hint)


VALUE_HINT = ("The value is the probability of entering the goal within 100 steps from state 0 "
              "when every action is drawn from the policy given: backward induction over exactly "
              "100 steps, averaging over the policy's actions (not maximising), no discount, "
              "and holes and the goal worth 0 once entered.")


@hw.question("test_policies", answers=["production_policy", "evaluation_policy",
                                        "production_value", "evaluation_value"], n_checks=0)
def check_policies(values, ctx):
    prod = cfope.as_policy(values["production_policy"], "production_policy")
    evl = cfope.as_policy(values["evaluation_policy"], "evaluation_policy")
    results = []
    explores = Threshold(bool(prod[LIVE].min() >= MIN_PROB - 1e-9), prod[LIVE].min(), MIN_PROB)
    if explores.passed:
        results.append(passed("`production_policy` gives every action some probability in "
                              "every state an episode can be in.", evidence=explores))
    else:
        results.append(failed(f"`production_policy` must give every action probability at least "
                              f"{MIN_PROB} in every state that is not a hole or the goal: "
                              "importance sampling in milestone 3 can only reweight actions the "
                              "production policy sometimes takes.", evidence=explores))
    if np.all(np.isclose(evl[LIVE].max(1), 1.0, atol=1e-9)):
        results.append(passed("`evaluation_policy` is deterministic."))
    else:
        results.append(failed("`evaluation_policy` must be deterministic: probability 1 on one "
                              "action in every state that is not a hole or the goal."))
    gap = cfope.policy_value(evl) - cfope.policy_value(prod)
    better = Threshold(gap >= MIN_GAP, gap, MIN_GAP)
    if better.passed:
        results.append(passed("`evaluation_policy` is worth evaluating: it does clearly better "
                              "than `production_policy`.", evidence=better))
    else:
        results.append(failed(f"`evaluation_policy` should reach the goal within "
                              f"{cfope.HORIZON} steps with a probability at least {MIN_GAP} "
                              "higher than `production_policy` does. Improve it (value "
                              "iteration gives the best policy) or make production more "
                              "exploratory.", evidence=better, gap=gap))
    for which, pi in (("production", prod), ("evaluation", evl)):
        results.append(_value_result(values[f"{which}_value"], cfope.policy_value(pi),
                                     f"{which}_value", ctx,
                                     f"Report policy_value({which}_policy)."))
    return results


@hw.question("test_values", calls=values_calls, n_checks=0)
def check_values(values, ctx):
    return [_value_result(values[label], cfope.policy_value(p),
                          f"policy_value(the grader's {label} policy)", ctx, VALUE_HINT)
            for label, p in value_probes(ctx).items()]


@hw.question("test_logs", calls=logs_calls, n_checks=2)
def check_logs(values, ctx):
    n = ctx.sizes["num_episodes"]
    policy = logging_policy(ctx)
    name = f"generate_logs(policy, {n}, seed)"
    eps = cfope.as_episodes(values["logs"], name, n)
    again = cfope.as_episodes(values["again"], f"{name} called again", FRESH_EPISODES)
    reused = repeated(eps, again, name)
    if reused:
        return reused
    structure = _structure(eps, policy, name)
    if not structure.passed:
        return [structure]
    ranks = cfope.ranks_of(eps, policy)
    return [_slots(eps, ctx, name),
            frequencies(ranks, RANKS, ctx.alpha, name=f"the actions in {name}",
                        hint="Draw each action from the row of the `policy` argument for the "
                             "current state (not from a policy of your own, and not its most "
                             "likely action).")]


@hw.question("test_own_logs", answers=["logs", "production_policy"], n_checks=2)
def check_own_logs(values, ctx):
    n = ctx.sizes["num_episodes"]
    prod = cfope.as_policy(values["production_policy"], "production_policy")
    eps = cfope.as_episodes(values["logs"], "logs", n)
    structure = _structure(eps, prod, "logs")
    if not structure.passed:
        return [structure]
    first = np.array([int(ep[0, 1]) for ep in eps])
    return [_slots(eps, ctx, "logs"),
            frequencies(first, {a: float(prod[cfope.START, a]) for a in range(4)
                                if prod[cfope.START, a] > 0}, ctx.alpha,
                        name="the first action of each episode in `logs`",
                        hint="`logs` must come from `production_policy` (not from the "
                             "evaluation policy).")]


# --------------------------------------------------- known wrong answers (brief §10.1)
def _logs(policy, n, rng, slippery=True, greedy=False, shift=False):
    """Episodes as a submission with one slip would log them."""
    pi = cfope.one_hot(np.argmax(policy, 1)) if greedy else policy
    eps = cfope.simulate_episodes(pi, n, rng, slippery=slippery)
    if shift:   # the state after the move logged as the step's state
        eps = [[(nxt, a, r, nxt) for _, a, r, nxt in ep] for ep in eps]
    return eps


def _with_logs(values, ctx, questions, **slip):
    rng, n = ctx.noise(), ctx.sizes["num_episodes"]
    out = dict(values)
    if "test_logs" in questions:
        policy = logging_policy(ctx)
        out["test_logs"] = {"logs": _logs(policy, n, rng, **slip),
                            "again": _logs(policy, FRESH_EPISODES, rng, **slip)}
    if "test_own_logs" in questions:
        prod = values["test_own_logs"]["production_policy"]
        out["test_own_logs"] = {**values["test_own_logs"], "logs": _logs(prod, n, rng, **slip)}
    return out


@hw.wrong_answer("non-slippery environment (is_slippery=False)",
                 says="when the robot always moves where it is told (an environment made "
                      "with is_slippery=False)")
def wrong_not_slippery(values, ctx):
    return _with_logs(values, ctx, ("test_logs", "test_own_logs"), slippery=False)


@hw.wrong_answer("most likely action instead of a draw from the policy",
                 says="when every action is the policy's most likely one instead of a draw "
                      "from the policy")
def wrong_greedy(values, ctx):
    return _with_logs(values, ctx, ("test_logs",), greedy=True)


@hw.wrong_answer("next state logged as the step's state",
                 says="when each step records the state after the move instead of before it")
def wrong_shifted(values, ctx):
    return _with_logs(values, ctx, ("test_logs", "test_own_logs"), shift=True)


@hw.wrong_answer("policies swapped: logs of the evaluation policy",
                 says="when the logs come from the evaluation policy instead of the production "
                      "policy")
def wrong_swapped_logs(values, ctx):
    evl = values["test_policies"]["evaluation_policy"]
    rng, n = ctx.noise(), ctx.sizes["num_episodes"]
    return {**values, "test_own_logs": {**values["test_own_logs"], "logs": _logs(evl, n, rng)}}


def _with_value(values, ctx, value_of):
    """Every value a submission reports when its policy_value is `value_of`."""
    own = values["test_policies"]
    probes = value_probes(ctx)
    return {**values,
            "test_values": {label: value_of(p) for label, p in probes.items()},
            "test_policies": {**own, "production_value": value_of(own["production_policy"]),
                              "evaluation_value": value_of(own["evaluation_policy"])}}


@hw.wrong_answer("value iteration: the optimal value instead of the policy's",
                 says="when the backward induction maximises over actions instead of averaging "
                      "over the policy's actions")
def wrong_optimal_value(values, ctx):
    best = cfope.optimal_value()
    return _with_value(values, ctx, lambda p: best)


@hw.wrong_answer("no horizon: evaluated until convergence",
                 says="when the policy is evaluated without the 100-step limit")
def wrong_no_horizon(values, ctx):
    return _with_value(values, ctx, lambda p: cfope.policy_value(p, 5000))


@hw.wrong_answer("horizon off by one (99 steps)",
                 says="when the backward induction runs 99 steps instead of 100")
def wrong_off_by_one(values, ctx):
    return _with_value(values, ctx, lambda p: cfope.policy_value(p, cfope.HORIZON - 1))


# The manifest: what each file of solutions/cfope_m2/{mistakes,alternatives}/ scores
# (autograder/homework.py; tests/test_homeworks.py grades the entries with a seed).
hw.variant("alternatives/forward.py", seed=5)
hw.variant(("mistakes/value_iteration.py", "mistakes/swapped.py"), seed=6,
           loses=["test_values"], partly=["test_policies", "test_own_logs"],
           told={"test_values": "maximises over actions",
                 "test_own_logs": "not from the evaluation policy"})
# the grader's stochastic policy falls into a hole long before 100 steps, so only its
# careful policy (and the team's own values) show the missing horizon
hw.variant(("mistakes/no_horizon.py", "mistakes/not_slippery.py"), seed=7,
           partly=["test_values", "test_policies", "test_logs", "test_own_logs"],
           told={"test_values": "without the 100-step limit",
                 "test_logs": "is_slippery=True", "test_own_logs": "is_slippery=True"})
