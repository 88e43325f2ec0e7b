"""Hidden checks for the schema-network project, milestone 1: entities, attributes and
the transition function as a Pyro program. Never released to students.

The truth is the game of autograder/studies/schema_net.py: its hand-written schemas
and an independent step-by-step simulator that agree on every state of a small grid
(tests/test_kit_schema_net.py). The world is deterministic, so every comparison is
exact (n_checks=0) and nothing needs a sample size. The grader runs the team's Pyro
program (through the kit's `run_model`, which traces it and reads one sample site per
attribute) on states drawn per submission from the grader's seed: drawn until every
true schema has held in one of them and every known wrong transition function changes
an outcome in one, so each known mistake fails with certainty and a table of answers
typed in for the notebook's own states earns nothing.
"""
from __future__ import annotations

import numpy as np

from autograder.checks import AnswerError, as_array, failed, passed
from autograder.homework import Homework, kernel_global
from autograder.studies import schema_net as sn

hw = Homework()


# --------------------------------------------------------- the probe inputs
@hw.probe
def transitions(ctx):
    return sn.transition_probes(np.random.default_rng(ctx.seed_for("schema_net:transitions")))


@hw.probe
def cells(ctx):
    return sn.neighbourhood_probes(np.random.default_rng(ctx.seed_for("schema_net:cells")))


def _transition_calls(ctx):
    return {f"t{i}": ("run_model", {"model": kernel_global("transition"),
                                    "state": state.tolist(), "action": action})
            for i, (state, action) in enumerate(transitions(ctx))}


def _neighbourhood_calls(ctx):
    return {f"n{i}": ("neighbourhood", {"state": state.tolist(), "row": r, "col": c})
            for i, (state, r, c) in enumerate(cells(ctx))}


# --------------------------------------------------------------- questions
@hw.question("test_neighbourhood", calls=_neighbourhood_calls, n_checks=0)
def check_neighbourhood(values, ctx):
    wrong = 0
    for i, (state, r, c) in enumerate(cells(ctx)):
        got = as_array(values[f"n{i}"], f"neighbourhood(state, {r}, {c})", shape=(5, 5))
        wrong += not np.array_equal(got, sn.neighbourhood(state, r, c))
    name = "`neighbourhood(state, row, col)`"
    if not wrong:
        return passed(f"{name} is right on every entity the grader tried.")
    return failed(f"{name} is wrong for {wrong} of the {len(cells(ctx))} entities the grader "
                  "tried (a corner, a border cell, inside cells). Check the order of the rows "
                  "(the entity, above, below, left, right), that a row holds the five "
                  "attributes in ATTRIBUTES order, and that a neighbour outside the grid "
                  "reads as a wall.")


def _run(value, where: str) -> tuple[np.ndarray, int]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise AnswerError(f"{where} should return (next_state, reward).")
    return as_array(value[0], f"{where}: next_state").astype(int), int(value[1])


@hw.question("test_transition", calls=_transition_calls, n_checks=0)
def check_transition(values, ctx):
    """One result per attribute and one for the reward, each exact on every probe."""
    probes = transitions(ctx)
    bad = {name: [] for name in sn.ATTRIBUTES + ("reward",)}
    for i, (state, action) in enumerate(probes):
        where = f"`transition` run on the grader's state {i + 1}"
        nxt, reward = _run(values[f"t{i}"], where)
        truth, true_reward = sn.step(state, action)
        if nxt.shape != truth.shape:
            raise AnswerError(f"{where}: next_state has shape {nxt.shape}, the state {truth.shape}.")
        for k, name in enumerate(sn.ATTRIBUTES):
            off = nxt[..., k] != truth[..., k]
            if off.any():
                bad[name].append(sn.situations(state, action, name, off))
        if reward != true_reward:
            bad["reward"].append(sn.situations(state, action, "reward", None))
    out = []
    for name, found in bad.items():
        what = "the reward" if name == "reward" else f"attribute `{name}` at t+1"
        if not found:
            out.append(passed(f"{what} matches the game on all {len(probes)} transitions."))
            continue
        seen = list(dict.fromkeys(w for words in found for w in words))[:3]
        look = f" It differs in situations such as: {'; '.join(seen)}." if seen else ""
        out.append(failed(f"{what} differs from the game in {len(found)} of the {len(probes)} "
                          f"transitions the grader tried.{look} Compare your schemas for "
                          f"`{name}` with the rules of the game, and compute every attribute at "
                          "t+1 from the state at t."))
    return out


# ------------------------------------------------------ known wrong answers
def _simulated(mistake: str):
    def simulate(values, ctx):
        runs = {f"t{i}": sn.step(state, action, mistake)
                for i, (state, action) in enumerate(transitions(ctx))}
        return {**values, "test_transition": runs}
    return simulate


for _label, (_says, _) in sn.MISTAKES.items():
    hw.wrong_answer(_label, says=_says)(_simulated(_label))


# ------------------------------------------------------------- variants
# The three mistakes replace three different sections: one kernel run grades them all
# (the paddle, the ball and its direction, and the bricks go wrong; walls and reward not).
hw.variant(("mistakes/paddle_into_wall.py", "mistakes/in_place.py", "mistakes/brick_stays.py"),
           seed=11, partly=["test_transition"],
           told={"test_transition": ("pushed right against a wall", "`brick` at t+1 differs",
                                     "`ball` at t+1 differs")})
hw.variant("alternatives/vectorised.py", seed=5)
