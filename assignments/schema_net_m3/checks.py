"""Hidden checks for the schema-network project, milestone 3: planning by chaining the
schemas backwards from the reward. Never released to students.

The grader picks two layouts per submission (autograder/studies/schema_net.py,
`planning_probe`): each of a twin of the game (one upside down, one whose actions are
swapped), with the ball falling towards the paddle row, a brick above it and the
paddle 2 to 4 columns away with at most one step to spare. It hands the team's
`plan(state, schemas, horizon)` the state, that twin's true schemas as data, and the
horizon (the shortest plan's length plus 2), then plays the plan in the twin itself: it
passes where a reward comes within the horizon. Exact (the game is deterministic), so
n_checks=0. A planner that ignores the schemas it is given (hard-coding what LEFT and
RIGHT do) fails the swapped layout; one that does nothing or loses a step misses the ball.
Code quality and the modelling abstractions are graded by the TA from the rubric.
"""
from __future__ import annotations

import numpy as np

from autograder.checks import AnswerError, failed, passed
from autograder.homework import Homework
from autograder.studies import schema_net as sn

hw = Homework()


@hw.probe
def layouts(ctx):
    return sn.planning_probe(np.random.default_rng(ctx.seed_for("schema_net:planning")))


def _plan_calls(ctx):
    return {f"plan{i}": ("plan", {"state": state.tolist(),
                                  "schemas": sn.schemas_as_data(sn.twin_schemas(twin)),
                                  "horizon": horizon})
            for i, (twin, state, horizon) in enumerate(layouts(ctx))}


def _actions(value, where: str, horizon: int) -> list[int]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise AnswerError(f"{where} should return a list of actions (0, 1 or 2).")
    out = []
    for a in value:
        a = a.item() if isinstance(a, np.ndarray) and a.ndim == 0 else a
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or a not in (0, 1, 2):
            raise AnswerError(f"{where} returned {a!r} among its actions; an action is 0 (left), "
                              "1 (stay) or 2 (right).")
        out.append(int(a))
    if len(out) > horizon:
        raise AnswerError(f"{where} returned {len(out)} actions; the horizon is {horizon}.")
    return out


@hw.question("test_plan", calls=_plan_calls, n_checks=0)
def check_plan(values, ctx):
    out = []
    for i, (twin, state, horizon) in enumerate(layouts(ctx)):
        where = f"`plan(...)` on the grader's layout {i + 1}"
        actions = _actions(values[f"plan{i}"], where, horizon)
        if sn.first_reward(twin, state, actions) is not None:
            out.append(passed(f"{where}: the plan earns the reward."))
        else:
            out.append(failed(f"{where}: played in the game, the plan earns no reward within the "
                              "horizon. Plan with the schemas you are handed (they say what each "
                              "action does in this game), chain back from a reward schema, and "
                              "check that the paddle reaches the ball before it is lost."))
    return out


@hw.wrong_answer("greedy", says="by walking the paddle towards the ball with LEFT and RIGHT as "
                                "in the original game instead of planning with the schemas you "
                                "are handed")
def wrong_greedy(values, ctx):
    return {**values, "test_plan": {f"plan{i}": sn.greedy_plan(twin, state, horizon)
                                    for i, (twin, state, horizon) in enumerate(layouts(ctx))}}


@hw.wrong_answer("stay", says="by not moving the paddle at all")
def wrong_stay(values, ctx):
    return {**values, "test_plan": {f"plan{i}": [sn.STAY] * horizon
                                    for i, (_, _, horizon) in enumerate(layouts(ctx))}}


# ------------------------------------------------------------- variants
# greedy.py has no seed (the suite's five kernel runs): the registered wrong answer
# "greedy" simulates the same planner under 25 seeds in the generic test.
hw.variant("mistakes/greedy.py", partly=["test_plan"])
hw.variant("mistakes/global_schemas.py", seed=32, loses=["test_plan"])
hw.variant("mistakes/first_step_only.py", seed=33, loses=["test_plan"])
hw.variant("alternatives/forward_search.py", seed=5)
