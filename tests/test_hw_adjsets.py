"""Homework 1 (adjustment sets): every truth comes from d-separation on the brief's
graphs, right answers pass whatever the seed or the notation, the known wrong
answers lose points by the documented partial-credit rule, on plain data.
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import ast
import itertools

import nbformat
import pytest

from autograder.grading.verdict import grade_values
from conftest import assert_detected, design_budget, design_sizes, score

HW = "adjsets"
BUDGET = design_budget(HW)   # what its checks spend (course.yml)
SIZES = design_sizes(HW)   # the design at course.yml's budget


def fs(*sets):
    return frozenset(frozenset(s) for s in sets)


def right_answers(checks, seed: int = 1) -> dict:
    """What a fully correct submission hands the checks, per test cell (for the grader's
    table of submission `seed`; `score` grades as seed 1)."""
    ctx = checks.hw.context(seed, BUDGET)
    return {
        "test_sets_11": {"valid_sets_11": checks.VALID_11, "usable_sets_11": checks.USABLE_11},
        "test_ace_11": {label: checks.ace_11(c)
                        for label, c in checks.probe_tables.estimate_tables(ctx).items()},
        "test_formula_11": {"formula_11": dict(checks.FORMULA_11)},
        "test_z_alone_12": {"z_alone_valid_12": False},
        "test_sets_12": {"backdoor_sets_12": checks.VALID_12},
        "test_cheapest_12": {"cheapest_set_12": checks.CHEAPEST_12, "cheapest_cost_12": 5.0},
        "test_sets_13": {"backdoor_sets_13": checks.VALID_13},
        "test_minimal_13": {"minimal_sets_13": checks.MINIMAL_13},
        "test_minimal_d_13": {"minimal_sets_d_13": checks.MINIMAL_D_13},
        "test_minimal_dw_13": {"minimal_sets_dw_13": checks.MINIMAL_DW_13},
    }


# ------------------------------------------------------------ derived facts
def test_derived_sets_match_the_brief(checks):
    """The brief's truths, typed here only to cross-check what d-separation derives."""
    assert checks.VALID_11 == fs(set(), {"U"})
    assert checks.USABLE_11 == fs(set())
    assert checks.FORMULA_11 == {"sum_over": {"U"}, "y_given": {"X", "U"}, "u_given": {"X", "W"}}
    assert checks.Z_ALONE_VALID_12 is False
    assert checks.VALID_12 == fs({"Z", "E"}, {"Z", "A"}, {"Z", "A", "E"})
    assert (checks.CHEAPEST_12, checks.CHEAPEST_COST_12) == (frozenset({"Z", "A"}), 5)
    assert len(checks.VALID_13) == 15
    assert checks.VALID_13 == fs(*({"Z", *extra} for r in range(1, 5)
                                   for extra in itertools.combinations("ABCD", r)))
    assert checks.MINIMAL_13 == fs({"A", "Z"}, {"B", "Z"}, {"C", "Z"}, {"D", "Z"})
    assert checks.MINIMAL_D_13 == fs({"C"}, {"A", "Z"}, {"B", "Z"}, {"X", "Z"}, {"W", "Z"})
    assert checks.MINIMAL_DW_13 == fs({"Z"}, {"C", "X"})


def test_the_w_specific_formula_is_right_numerically(checks):
    """sum_u P(y|x,u) P(u|x,w) reproduces P(y | do(x), w) computed in the mutilated
    model; the population weight P(u) would not."""
    import numpy as np
    j = checks.joint_11(checks.APP_CPTS)            # [x, u, w, y]
    p_u = j.sum(axis=(0, 2, 3))
    p_y1 = np.asarray(checks.APP_CPTS["p_y1_given_xu"])
    for x in (0, 1):
        # do(X=x): U and the mechanisms of W and Y are untouched
        joint_do = j[x] / j[x].sum()                # [u, w, y]
        truth = joint_do[:, 1, 1].sum() / joint_do[:, 1, :].sum()
        p_u_given_xw = j[x, :, 1, :].sum(-1) / j[x, :, 1, :].sum()
        assert p_y1[x] @ p_u_given_xw == pytest.approx(truth, abs=1e-12)
        assert abs(p_y1[x] @ p_u - truth) > 0.01


def test_notebook_states_the_same_facts_as_the_checks(course, checks):
    nb = nbformat.read(course.assignment(HW).notebook, as_version=4)
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    facts = {node.targets[0].id: ast.literal_eval(node.value)
             for node in ast.parse(setup.source).body
             if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
             and node.targets[0].id in {"EDGES_11", "EDGES_12", "EDGES_13", "cpts_11", "COSTS_12"}}
    assert facts == {"EDGES_11": checks.EDGES_11, "EDGES_12": checks.EDGES_12,
                     "EDGES_13": checks.EDGES_13, "cpts_11": checks.APP_CPTS,
                     "COSTS_12": checks.COSTS_12}


def drawn_tables(checks, seeds=range(300), budget=BUDGET):
    """The grader's table of many submissions."""
    return [checks.probe_tables.drawn(seed, budget) for seed in seeds]


def test_every_wrong_answer_fails_with_power_0999_at_the_required_size(course, checks, hw):
    """On the study's table and on every table the grader draws: the design holds."""
    a = course.assignment(HW)
    alpha = a.false_fail_budget / hw.total_checks
    n = SIZES["num_samples"]
    tables = [checks.APP_CPTS] + drawn_tables(checks, budget=a.false_fail_budget)
    assert "the study's answer typed in" in checks.probe_tables.wrong_values(tables[1])
    for cpts in tables:
        truth, se = checks.ace_11(cpts), checks.ace_se(cpts, n)
        assert_detected(truth, checks.probe_tables.wrong_values(cpts), se, n, alpha,
                        checks.FLOAT32_FLOOR)


def test_the_delta_method_sds_match_simulation(checks):
    import numpy as np
    rng = np.random.default_rng(0)
    for cpts in [checks.APP_CPTS] + drawn_tables(checks, range(3)):
        for by_w in (False, True):
            draws = [checks.simulate_contrast(rng, cpts, by_w, n=4000) for _ in range(3000)]
            assert np.std(draws) * 4000 ** 0.5 == pytest.approx(
                checks.contrast_sd(cpts, by_w), rel=0.06)
            assert np.mean(draws) == pytest.approx(checks.contrast(cpts, by_w), abs=0.002)


def test_the_graders_tables_are_plain_reproducible_and_vary(course, checks, hw):
    import numpy as np
    ctx = [hw.context(s, course.assignment(HW).false_fail_budget) for s in (1, 2)]
    first = checks.probe_tables(ctx[0])
    assert first == checks.probe_tables(ctx[0]) and first["study"] == checks.APP_CPTS
    assert first["grader's"] != checks.probe_tables(ctx[1])["grader's"]
    assert eval(repr(first["grader's"])) == first["grader's"]   # a plain literal for the kernel
    for cpts in drawn_tables(checks, range(100)):
        probs = [cpts["p_u1"], cpts["p_x1"], *sum(cpts["p_w1_given_xu"], []),
                 *sum(cpts["p_y1_given_xu"], [])]
        assert all(type(p) is float and 0 < p < 1 for p in probs)
    aces = [checks.ace_11(c) for c in drawn_tables(checks)]
    assert np.std(aces) > 0.1 and min(aces) < 0 < max(aces)    # unpredictable, either sign


# ----------------------------------------------------- the checks on plain data
def test_right_answers_get_full_marks_in_any_notation(course, checks, hw):
    for gid, values in right_answers(checks).items():
        res = score(course, HW, gid, values)
        assert res.points == res.max_points, (gid, res.messages)
    # lists, tuples, lower case, stray spaces; an irrelevant W in the Y factor
    res = score(course, HW, "test_sets_11", {"valid_sets_11": [(), [" u "]],
                                             "usable_sets_11": [[]]})
    assert res.points == res.max_points, res.messages
    res = score(course, HW, "test_formula_11", {"formula_11": {
        "sum_over": ["u"], "y_given": ("W", "x", "U"), "u_given": {"w", "X"}}})
    assert res.points == res.max_points, res.messages


def test_partial_credit_follows_the_documented_rule(course, checks, hw):
    """share = max(0, (right listed - wrong listed) / number right), as the notebook says."""
    res = score(course, HW, "test_sets_12",
                {"backdoor_sets_12": checks.VALID_12 | fs({"Z"})})
    assert res.points == pytest.approx(2 * (3 - 1) / 3)
    half = set(itertools.islice(sorted(checks.VALID_13, key=sorted), 10))
    res = score(course, HW, "test_sets_13", {"backdoor_sets_13": half | {frozenset({"Z"})}})
    assert res.points == pytest.approx(2 * (10 - 1) / 15)
    every_subset = {frozenset(c) for r in range(6) for c in itertools.combinations("ABCDZ", r)}
    assert score(course, HW, "test_sets_13", {"backdoor_sets_13": every_subset}).points == 0
    res = score(course, HW, "test_minimal_dw_13", {"minimal_sets_dw_13": [{"Z"}]})
    assert res.points == pytest.approx(1.0)
    # two answers in one question are averaged
    res = score(course, HW, "test_cheapest_12", {"cheapest_set_12": {"Z", "E"},
                                                 "cheapest_cost_12": 5})
    assert res.points == pytest.approx(1.0)


def test_formula_parts_are_graded_separately(course, checks, hw):
    population_weight = {"sum_over": {"U"}, "y_given": {"X", "U"}, "u_given": set()}
    res = score(course, HW, "test_formula_11", {"formula_11": population_weight})
    assert res.points == pytest.approx(2 * 2 / 3)
    assert "'u_given'" in res.messages[0]
    forgot_x = {"sum_over": {"U"}, "y_given": {"X", "U"}, "u_given": {"W"}}
    assert score(course, HW, "test_formula_11", {"formula_11": forgot_x}).points < 2
    assert score(course, HW, "test_formula_11", {"formula_11": "sum over u"}).points == 0
    res = score(course, HW, "test_formula_11", {"formula_11": {"sum_over": {"U"}}})
    assert "Missing key" in res.messages[0]


def test_malformed_answers_explain_themselves(course, hw):
    res = score(course, HW, "test_sets_12", {"backdoor_sets_12": ["ZA", "ZE"]})
    assert res.points == 0 and "bare string" in res.messages[0]
    res = score(course, HW, "test_z_alone_12", {"z_alone_valid_12": "no"})
    assert res.points == 0 and "True or False" in res.messages[0]
    res = score(course, HW, "test_cheapest_12", {"cheapest_set_12": "ZA", "cheapest_cost_12": 5})
    assert "single string" in res.messages[0]


def test_simulated_wrong_answers_lose_points(course, checks, hw):
    """The registered mistakes, with their own sampling noise, lose points wherever
    they change an answer."""
    a = course.assignment(HW)
    base = right_answers(checks)
    for label, mistake in hw.wrong_answers.items():
        for seed in range(300):
            ctx = hw.context(seed, a.false_fail_budget)
            wrong = mistake(base, ctx)
            touched = [gid for gid in wrong if wrong[gid] is not base[gid]]
            assert touched, label
            for gid in touched:
                res = grade_values(hw.questions[gid], wrong[gid], ctx, a.questions[gid])
                assert res.points < res.max_points, (label, seed, gid)
                if gid == "test_ace_11":
                    assert res.points == 0, (label, seed)


def test_failure_messages_never_reveal_the_truth(course, checks, hw):
    res = score(course, HW, "test_ace_11", {"study": 0.0, "grader's": 0.0, "grader's second": 0.0})
    text = " ".join(res.messages)
    assert res.points == 0
    grader_ace = checks.ace_11(checks.probe_tables(hw.context(1, BUDGET))["grader's"])
    for secret in ("0.1", "0.10", str(SIZES["num_samples"]), "band", "toleran", f"{grader_ace:.3f}"):
        assert secret not in text
    res = score(course, HW, "test_minimal_d_13", {"minimal_sets_d_13": [{"C"}, {"D"}]})
    text = " ".join(res.messages)
    for name in ("'A'", "'B'", "'W'", "'X'", "{"):
        assert name not in text
