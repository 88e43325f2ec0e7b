"""Hidden checks for the cfope kit, milestone 3: counterfactual off-policy evaluation
from logs, with weighted importance sampling beside it (course spec §10.1). Never
released to students.

Per submission the grader draws two policies (a deterministic evaluation policy, a
production policy that explores around another base policy) whose values differ by at
least G_MIN, and fresh logs of the production policy (autograder/studies/cfope.py).
- test_replay: the team's counterfactual_trajectories on those logs under the
  evaluation policy: every replayed step is a move the lake and the policy can make
  (exact); counterfactual stability holds at every logged step the replay shares with
  the log (exact: where the replay is in the logged state and takes the logged action,
  or one for which the logged next state is stable, it must land where the log
  landed); the share of replays that reach the goal is within a band of the exact value
  (SE of a proportion at the grader's number of episodes). And logs of the evaluation
  policy itself replayed under it must come back unchanged (exact). Noise from the
  prior passes the band (its mean is right) and fails the two exact checks.
- test_cf_value: the team's cf_value on its own logs, within a band of the exact value
  of its own evaluation policy.
- test_wis: wis_value on the grader's logs with identical policies returns the logs'
  mean return, and with the two policies the weighted importance sampling estimate
  (both exact); the team's wis_estimate is WIS of its own logs (exact).
"""
from __future__ import annotations

import math

import numpy as np

from autograder.checks import AnswerError, close_to, draw_probe, failed, passed, required_n
from autograder.homework import Homework
from autograder.studies import cfope

hw = Homework()
T = cfope.transition_table()
LIVE = np.flatnonzero(~cfope.TERMINAL)
G_MIN = 0.3            # |value(evaluation) - value(production or its base)| on the grader's pair
OWN_GAP = 0.2          # milestone 2's rule: evaluation at least this much above production
IDENTICAL_EPISODES = 50
WIS_TARGET_EPSILON = 0.1
WIS_TOL = 1e-9         # float64 products of at most 100 ratios agree to ~1e-14


# ------------------------------------------------------------------- the design
@hw.design
def design(budget: float) -> dict[str, int]:
    """grader_episodes: the grader's fresh logs, where the band around the exact value
    rejects a replay worth the production policy's value (G_MIN away) with power 0.999
    (sd of a return at most 1/2); num_episodes: the team's logs, the same against
    milestone 2's gap OWN_GAP. Both rounded up to a hundred. The stability check's power
    needs far fewer episodes (see stability_miss)."""
    alpha = budget / hw.total_checks
    return {"grader_episodes": _hundreds(required_n(0.5, G_MIN, alpha)),
            "num_episodes": _hundreds(required_n(0.5, OWN_GAP, alpha))}


def _hundreds(n: float) -> int:
    return int(math.ceil(n / 100) * 100)


def stability_miss(production, evaluation, n: int) -> float:
    """An upper bound on the chance that a replay with prior noise shows no stability
    violation in n episodes: counting only the first step, the log takes the evaluation
    policy's action there with probability q, and a fresh draw then lands elsewhere with
    probability 1 - sum_j p_j^2."""
    a = int(np.argmax(evaluation[cfope.START]))
    p = T[cfope.START, a]
    q = production[cfope.START, a]
    return (1 - q * (1 - float(np.sum(p ** 2)))) ** n


# ------------------------------------------------------------ probes per submission
def _changed(actions, rng, k: int, keep=()) -> np.ndarray:
    out = np.array(actions)
    for s in rng.choice([s for s in LIVE if s not in keep], size=k, replace=False):
        out[s] = (out[s] + rng.integers(1, 4)) % 4
    return out


def _propose_policies(rng):
    """Evaluation: the optimal policy with one or two states changed (so a replay that
    ignores the policy it is handed and uses a policy of its own shows). Production:
    explores (epsilon-greedy) around the evaluation policy with one more state changed,
    keeping the start state's action (which the stability check's power relies on)."""
    evaluation = _changed(cfope.optimal_policy().argmax(1), rng, int(rng.integers(1, 3)))
    base = _changed(evaluation, rng, 1, keep=(cfope.START,))
    production = cfope.epsilon_greedy(base, float(rng.uniform(0.2, 0.4)))
    return production, cfope.one_hot(evaluation), cfope.one_hot(base)


def _policies_ok(candidate, n: int) -> bool:
    production, evaluation, base = candidate
    v = cfope.policy_value(evaluation)
    return (abs(v - cfope.policy_value(production)) >= G_MIN
            and abs(v - cfope.policy_value(base)) >= G_MIN
            and stability_miss(production, evaluation, n) <= 1e-3)


@hw.probe
def probe(ctx) -> dict:
    """The grader's policies and logs for one submission."""
    seed, n = ctx.seed_for("policies"), ctx.sizes["grader_episodes"]
    production, evaluation, _ = draw_probe(seed, _propose_policies, lambda c: _policies_ok(c, n))
    rng = np.random.default_rng(seed + 1)
    logs = cfope.generate_logs(production, n, rng)
    same = cfope.generate_logs(evaluation, IDENTICAL_EPISODES, rng)
    # WIS is probed with a stochastic target near the evaluation policy: with a
    # deterministic one almost every weight is 0, and ordinary and weighted IS agree
    target = cfope.epsilon_greedy(evaluation.argmax(1), WIS_TARGET_EPSILON)
    return {"production": production, "evaluation": evaluation, "logs": logs, "same": same,
            "target": target}


def _plain(logs) -> list:
    return [[(int(s), int(a), float(r), int(n)) for s, a, r, n in ep] for ep in logs]


def replay_calls(ctx):
    pr = probe(ctx)
    policy = pr["evaluation"].tolist()
    return {"replay": ("counterfactual_trajectories", {"logs": _plain(pr["logs"]), "policy": policy,
                                                       "seed": ctx.seed_for("replay")}),
            "same": ("counterfactual_trajectories", {"logs": _plain(pr["same"]), "policy": policy,
                                                     "seed": ctx.seed_for("same")})}


def wis_calls(ctx):
    pr = probe(ctx)
    logs, b = _plain(pr["logs"]), pr["production"].tolist()
    return {"identical": ("wis_value", {"logs": logs, "behaviour_policy": b, "target_policy": b}),
            "two": ("wis_value", {"logs": logs, "behaviour_policy": b,
                                  "target_policy": pr["target"].tolist()})}


# ------------------------------------------------------------------------ helpers
def _paths(value, name: str, n: int) -> list[np.ndarray]:
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__") or len(value) != n:
        raise AnswerError(f"`{name}` should return a list of {n} state sequences, one per "
                          "logged episode.")
    out = []
    for k, path in enumerate(value):
        arr = np.asarray(path, dtype=float).ravel()
        if arr.size == 0 or np.any(arr != np.round(arr)) or np.any((arr < 0) | (arr > 15)):
            raise AnswerError(f"`{name}`: replay {k} should be a non-empty list of states "
                              "(whole numbers from 0 to 15).")
        out.append(arr.astype(int))
    return out


def path_length_problem(paths) -> str | None:
    """The first replay that does not start at the start state, goes on after a hole or
    the goal, or stops early (the replay runs until a hole, the goal or 100 steps)."""
    for k, path in enumerate(paths):
        ends = np.flatnonzero(cfope.TERMINAL[path[:-1]])
        if path[0] != cfope.START:
            return f"replay {k} starts in state {path[0]}, not in the start state"
        if ends.size:
            return f"replay {k} goes on after entering state {path[ends[0]]} (a hole or the goal)"
        if len(path) - 1 > cfope.HORIZON:
            return f"replay {k} has more than {cfope.HORIZON} steps"
        if len(path) - 1 < cfope.HORIZON and not cfope.TERMINAL[path[-1]]:
            return (f"replay {k} stops after {len(path) - 1} steps in state {path[-1]}, which "
                    "is neither a hole nor the goal")
    return None


def path_move_problem(paths, policy) -> str | None:
    """The first replayed step that the (deterministic) policy's action cannot make."""
    act = np.argmax(np.asarray(policy), 1)
    for k, path in enumerate(paths):
        for s, nxt in zip(path[:-1], path[1:]):
            if not cfope.TERMINAL[s] and T[s, act[s], nxt] <= 0:
                return (f"replay {k} moves from state {s} to {nxt}, which the policy's action "
                        f"there ({act[s]}) cannot reach")
    return None


NAME = "counterfactual_trajectories(logs, policy, seed)"


# ---------------------------------------------------------------------- questions
@hw.question("test_replay", calls=replay_calls, n_checks=1)
def check_replay(values, ctx):
    pr = probe(ctx)
    evaluation, n = pr["evaluation"], ctx.sizes["grader_episodes"]
    results = []
    same = _paths(values["same"], NAME, IDENTICAL_EPISODES)
    changed = sum(not np.array_equal(p, cfope.episode_states(ep)) for p, ep in zip(same, pr["same"]))
    if changed:
        results.append(failed(
            f"`{NAME}` changed {changed} of {IDENTICAL_EPISODES} episodes that the grader logged "
            "with the very policy it asked you to replay them under. With the same actions, the "
            "posterior noise of each step must reproduce the logged next state: use the "
            "posterior noise of every logged step, not noise drawn again from its prior.",
            changed=changed))
    else:
        results.append(passed(f"`{NAME}` gives back episodes logged under the replayed policy "
                              "unchanged."))
    paths = _paths(values["replay"], NAME, n)
    problem = path_length_problem(paths)
    results.append(failed(f"`{NAME}`: {problem}. Once the log ends nothing was observed: go on "
                          "with noise from the prior until a hole, the goal or 100 steps.")
                   if problem else
                   passed(f"Every replay of `{NAME}` runs until a hole, the goal or 100 steps."))
    problem = path_move_problem(paths, evaluation)
    results.append(failed(f"`{NAME}` replays moves the policy cannot make: {problem}. Take each "
                          "action from the policy you are given, not from the log.")
                   if problem else
                   passed(f"Every replayed move of `{NAME}` follows the policy it is given."))
    broken = sum(cfope.stability_violations(ep, p, evaluation) for ep, p in zip(pr["logs"], paths))
    if broken:
        results.append(failed(
            f"`{NAME}` is not counterfactually stable at {broken} logged step(s): there the "
            "replay was in the logged state and took the logged action (or one under which "
            "the logged next state is stable), yet landed elsewhere. Replay each step with "
            "the posterior noise of that logged step, not noise drawn again from its prior.",
            broken=broken))
    else:
        results.append(passed(f"`{NAME}` keeps every logged step that stability fixes."))
    v = cfope.policy_value(evaluation)
    share = float(np.mean([p[-1] == cfope.GOAL for p in paths]))
    results.append(close_to(share, v, math.sqrt(v * (1 - v) / n), ctx.alpha,
                            name="the share of the grader's replayed episodes that reach the goal",
                            hint="Replay under the policy you are given (not the logged actions), "
                                 "and keep going with prior noise after the log ends."))
    return results


@hw.question("test_cf_value", answers=["cf_value", "evaluation_policy"], n_checks=1)
def check_cf_value(values, ctx):
    evaluation = cfope.as_policy(values["evaluation_policy"], "evaluation_policy")
    v, n = cfope.policy_value(evaluation), ctx.sizes["num_episodes"]
    return close_to(values["cf_value"], v, math.sqrt(v * (1 - v) / n),
                    ctx.alpha, name="cf_value",
                    hint="It is the share of your logged episodes whose counterfactual replay "
                         "under `evaluation_policy` reaches the goal.")


def _exact(got, truth, name: str, ctx, hint: str):
    """An exact estimate (se 0) within the float tolerance WIS_TOL. With no episode of
    positive weight WIS is undefined: then the answer must be NaN (or None)."""
    if math.isnan(truth):
        if got is None or (isinstance(got, float) and math.isnan(got)):
            return passed(f"`{name}` is correct: no logged episode has a positive weight.")
        return failed(f"`{name}` should be NaN (or None): no logged episode has a positive "
                      f"weight, so the weighted average is undefined. {hint}")
    return close_to(got, truth, 0.0, ctx.alpha, delta=WIS_TOL, name=name, hint=hint)


WIS_HINT = ("Weighted importance sampling: each episode's weight is the product over its steps "
            "of target(a | s) / behaviour(a | s), and the estimate is sum(weight x return) / "
            "sum(weight).")


@hw.question("test_wis", answers=["wis_estimate", "logs", "production_policy",
                                  "evaluation_policy"], calls=wis_calls, n_checks=0)
def check_wis(values, ctx):
    pr = probe(ctx)
    mean = float(np.mean([cfope.episode_return(ep) for ep in pr["logs"]]))
    results = [
        _exact(values["identical"], mean, "wis_value(logs, policy, policy)", ctx,
               "With identical policies every weight is 1, so WIS is the logs' mean return."),
        _exact(values["two"], cfope.wis(pr["logs"], pr["production"], pr["target"]),
               "wis_value(the grader's logs, behaviour, target)", ctx,
               WIS_HINT + " Check which policy is on top of the ratio."),
    ]
    own = cfope.as_episodes(values["logs"], "logs")
    truth = cfope.wis(own, cfope.as_policy(values["production_policy"], "production_policy"),
                      cfope.as_policy(values["evaluation_policy"], "evaluation_policy"))
    results.append(_exact(values["wis_estimate"], truth, "wis_estimate", ctx,
                          "Report wis_value(logs, production_policy, evaluation_policy)."))
    return results


# --------------------------------------------------- known wrong answers (brief §10.1)
def _replays(ctx, **how) -> dict:
    """What counterfactual_trajectories returns on the grader's two sets of logs when it
    replays like cfope.counterfactual_paths(..., **how)."""
    pr = probe(ctx)
    rng = ctx.noise()
    return {key: cfope.counterfactual_paths(pr[logs], pr["evaluation"], rng, **how)
            for key, logs in (("replay", "logs"), ("same", "same"))}


@hw.wrong_answer("noise from the prior instead of the posterior",
                 says="when every replayed step draws its noise again from the prior instead of "
                      "using the posterior noise of the logged step")
def wrong_prior_noise(values, ctx):
    return {**values, "test_replay": _replays(ctx, noise="prior")}


@hw.wrong_answer("argmax without the noise",
                 says="when the replay takes the most likely next state, without the noise")
def wrong_no_noise(values, ctx):
    return {**values, "test_replay": _replays(ctx, noise="none")}


@hw.wrong_answer("replay stops where the log stops",
                 says="when the replay stops at the end of the logged episode instead of going "
                      "on with prior noise")
def wrong_stops(values, ctx):
    return {**values, "test_replay": _replays(ctx, beyond_log=False)}


def _wis_answers(values, ctx, estimate) -> dict:
    pr = probe(ctx)
    own = values["test_wis"]
    own_logs = cfope.as_episodes(own["logs"])
    return {**own,
            "identical": estimate(pr["logs"], pr["production"], pr["production"]),
            "two": estimate(pr["logs"], pr["production"], pr["target"]),
            "wis_estimate": estimate(own_logs, own["production_policy"], own["evaluation_policy"])}


@hw.wrong_answer("policies swapped in the importance weights",
                 says="when the production and evaluation policies are swapped in the "
                      "importance ratio (behaviour / target)")
def wrong_swapped_wis(values, ctx):
    return {**values, "test_wis": _wis_answers(values, ctx, _inverted_wis)}


# For calibration only (evidence=False: never named in feedback): a low cf_value can also
# come from a replay that stops with the log, and one number cannot tell the two apart.
@hw.wrong_answer("policies swapped in the replay (the production policy's value)", evidence=False)
def wrong_swapped_replay(values, ctx):
    prod = np.asarray(values["test_wis"]["production_policy"], float)
    v, n = cfope.policy_value(prod), ctx.sizes["num_episodes"]
    return {**values, "test_cf_value": {**values["test_cf_value"],
                                        "cf_value": ctx.noise().binomial(n, v) / n}}


def _inverted_wis(logs, behaviour, target) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return cfope.wis(logs, target, behaviour)


def _ordinary_is(logs, behaviour, target) -> float:
    b, e = np.asarray(behaviour, float), np.asarray(target, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.mean([np.prod([e[int(s), int(a)] / b[int(s), int(a)] for s, a, _, _ in ep])
                              * cfope.episode_return(ep) for ep in logs]))


@hw.wrong_answer("ordinary importance sampling (not weighted)",
                 says="with ordinary importance sampling (dividing by the number of episodes "
                      "instead of the sum of the weights)")
def wrong_ordinary(values, ctx):
    return {**values, "test_wis": _wis_answers(values, ctx, _ordinary_is)}


# The manifest: what each file of solutions/cfope_m3/{mistakes,alternatives}/ scores
# (autograder/homework.py; tests/test_homeworks.py grades the entries with a seed).
hw.variant("alternatives/numpy_replay.py", seed=5)
hw.variant(("mistakes/prior_noise.py", "mistakes/ordinary_is.py"), seed=6,
           partly=["test_replay", "test_wis"],
           told={"test_replay": ("not counterfactually stable", "not noise drawn again from its prior"),
                 "test_wis": "ordinary importance sampling"})
hw.variant(("mistakes/logged_actions.py", "mistakes/swapped_wis.py"), seed=7,
           loses=["test_cf_value"], partly=["test_replay", "test_wis"],
           told={"test_replay": "not from the log", "test_wis": "swapped in the importance ratio"})
# No seed: the suite keeps a milestone to five kernel runs and the replay section has three
# mistakes; this one is simulated ("replay stops where the log stops" above, graded at 25
# seeds by tests/test_homeworks.py without a kernel) and benchmarks/scores.py grades the file.
hw.variant("mistakes/stops_at_log_end.py", loses=["test_cf_value"], partly=["test_replay"],
           told={"test_replay": "go on with noise from the prior"})
