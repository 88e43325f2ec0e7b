"""Facts of the schema-network kit (autograder/studies/schema_net.py), no kernel: the
hand-written schemas and the step-by-step simulator are one game on every state of a
small grid; the starter module students get builds the same states; the grader's probe
states cover every schema and catch every known mistake under any seed."""
from __future__ import annotations

import importlib.util
import itertools

import numpy as np
import pytest

from autograder.studies import schema_net as sn
from conftest import REPO


def all_states(height: int, width: int):
    """Every valid state of the grid: paddle column, bricks above the paddle row, the
    ball (or none) on a cell without a brick, its direction."""
    cells = [(r, c) for r in range(1, height - 2) for c in range(1, width - 1)]
    balls = [None] + [(r, c) for r in range(1, height - 1) for c in range(1, width - 1)]
    for paddle in range(1, width - 1):
        for mask in itertools.product((0, 1), repeat=len(cells)):
            bricks = [cell for cell, on in zip(cells, mask) if on]
            for ball in balls:
                if ball in bricks:
                    continue
                for up in ((0, 1) if ball else (0,)):
                    yield sn.make_state(height, width, paddle, ball, up, bricks)


def test_the_schemas_and_the_simulator_are_the_same_game_on_every_state():
    n = 0
    for state in all_states(5, 5):
        for action in range(len(sn.ACTIONS)):
            by_rules, by_schemas = sn.step(state, action), sn.apply_schemas(sn.TRUE_SCHEMAS, state, action)
            assert np.array_equal(by_rules[0], by_schemas[0]) and by_rules[1] == by_schemas[1], \
                (state.tolist(), action)
            n += 1
    assert n == 7488


def test_the_game_keeps_its_invariants():
    """One paddle in its row, at most one ball, `up` only on the ball, walls unchanged."""
    rng = np.random.default_rng(0)
    for _ in range(500):
        state = sn.random_state(rng)
        for _ in range(6):
            nxt, reward = sn.step(state, int(rng.integers(3)))
            assert nxt[..., sn.PADDLE].sum() == 1 and nxt[-2, :, sn.PADDLE].sum() == 1
            assert nxt[..., sn.BALL].sum() <= 1
            assert not (nxt[..., sn.UP] & ~nxt[..., sn.BALL].astype(bool)).any()
            assert np.array_equal(nxt[..., sn.WALL], state[..., sn.WALL])
            assert reward in (0, 1)
            state = nxt


def test_a_brick_hit_from_below_breaks_and_pays():
    state = sn.make_state(6, 5, paddle=2, ball=(3, 2), up=1, bricks=[(2, 2)])
    nxt, reward = sn.step(state, sn.STAY)
    assert reward == 1 and nxt[2, 2, sn.BRICK] == 0
    assert nxt[3, 2, sn.BALL] == 1 and nxt[3, 2, sn.UP] == 0        # bounced, stays put


def test_a_ball_missed_by_the_paddle_is_lost():
    state = sn.make_state(6, 5, paddle=1, ball=(3, 3), up=0)
    state, _ = sn.step(state, sn.STAY)
    assert state[4, 3, sn.BALL] == 1                                 # into the paddle row
    state, _ = sn.step(state, sn.STAY)
    assert state[..., sn.BALL].sum() == 0


def test_the_starter_module_builds_the_graders_states():
    path = REPO / "datasets" / "schema_net" / "schema_world.py"
    spec = importlib.util.spec_from_file_location("schema_world", path)
    world = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(world)
    assert world.ATTRIBUTES == sn.ATTRIBUTES and world.ACTIONS == sn.ACTIONS
    args = (7, 6, 2, (4, 3), 1, [(1, 1), (2, 4)])
    assert np.array_equal(world.make_state(*args), sn.make_state(*args))


@pytest.mark.parametrize("seed", range(20))
def test_the_probe_states_cover_every_schema_and_catch_every_mistake(seed):
    probes = sn.transition_probes(np.random.default_rng(seed))
    fired = set().union(*(sn.fired(s, a) for s, a in probes))
    assert fired == {(n, i) for n, s in sn.TRUE_SCHEMAS.items() for i in range(len(s))}
    for mistake, (_, wrong) in sn.MISTAKES.items():
        off = set()
        for state, action in probes:
            truth, simulated = sn.step(state, action), sn.step(state, action, mistake)
            off |= {n for k, n in enumerate(sn.ATTRIBUTES)
                    if not np.array_equal(truth[0][..., k], simulated[0][..., k])}
        assert off == set(wrong), mistake       # caught, and only where it says


# ------------------------------------------------ milestone 2: learning schemas
M2_RUNS = REPO / "assignments" / "schema_net_m2" / "reference" / "learner_runs.json"


def _m2_thresholds(alpha: float) -> dict[str, float]:
    from autograder.homework import load_checks
    checks = load_checks(REPO / "assignments" / "schema_net_m2" / "checks.py")
    return {key: checks.threshold(key, alpha) for key in ("held_out", "zero_shot")}


def test_the_twins_follow_other_rules_than_the_game():
    """Schemas typed in from milestone 1's rules do not explain a twin's log."""
    rng = np.random.default_rng(0)
    for twin in sn.TWINS:
        states, actions, nexts = sn.twin_log(rng, twin, 200)
        typed_in = {a: list(s) for a, s in sn.TRUE_SCHEMAS.items() if a != "reward"}
        assert sn.transition_accuracy(typed_in, states, actions, nexts) < 0.9, twin


def test_the_reference_runs_file_matches_the_graders_sizes():
    import json
    runs = json.loads(M2_RUNS.read_text())
    assert (runs["train_transitions"], runs["held_out"], runs["zero_shot"]) == \
        (sn.TRAIN_TRANSITIONS, sn.HELD_OUT, sn.ZERO_SHOT)
    assert {r["style"] for r in runs["runs"]} == {"best", "first"} and len(runs["runs"]) >= 40


@pytest.mark.parametrize("seed", range(20))
def test_a_per_pixel_model_fails_zero_shot_where_schemas_pass(seed):
    """The brief's point: on new layouts the per-pixel model falls below the threshold
    that the learned schemas clear."""
    limit = _m2_thresholds(1e-3 / 2)["zero_shot"]
    probe = sn.learning_probe(np.random.default_rng([99, seed]))
    table = sn.per_pixel(*probe.train)
    assert sn.per_pixel_accuracy(table, *probe.zero_shot) < limit
    assert sn.transition_accuracy(sn.learn(*probe.train), *probe.zero_shot) >= limit


# ------------------------------------------------------- milestone 3: planning
@pytest.mark.parametrize("twin", sorted(sn.ALL_TWINS))
def test_a_twins_schemas_are_its_game(twin):
    """The schemas the grader hands a planner predict the twin it plays the plan in."""
    rng = np.random.default_rng(1)
    schemas = sn.twin_schemas(twin)
    for _ in range(300):
        state = sn.random_state(rng)
        state = state[::-1].copy() if sn.ALL_TWINS[twin][0] else state
        action = int(rng.integers(3))
        nxt, reward = sn.twin_step(state, action, twin)
        predicted, predicted_reward = sn.apply_schemas(schemas, state, action)
        assert np.array_equal(nxt, predicted) and reward == predicted_reward


@pytest.mark.parametrize("seed", range(20))
def test_the_planning_layouts_need_a_plan_made_with_the_schemas(seed):
    """Every layout has a plan within its horizon; doing nothing never earns the reward;
    walking towards the ball with the original actions fails exactly the swapped twin."""
    for twin, state, horizon in sn.planning_probe(np.random.default_rng(seed)):
        assert sn.shortest_plan_length(twin, state, horizon) == horizon - 2
        assert sn.first_reward(twin, state, [sn.STAY] * horizon) is None
        greedy = sn.first_reward(twin, state, sn.greedy_plan(twin, state, horizon))
        assert (greedy is None) == sn.ALL_TWINS[twin][1], twin
