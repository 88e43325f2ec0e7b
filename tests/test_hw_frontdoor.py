"""Homework 3 (front-door adjustment): the truths follow from the table, the latent
model of part (b) reproduces the table and agrees with the front-door formula,
right answers pass whatever the seed, the known wrong answers fail, on plain data.
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import ast

import nbformat
import numpy as np
import pytest

from autograder.grading.verdict import grade_values
from conftest import assert_detected, design_sizes, score

HW = "frontdoor"
SIZES = design_sizes(HW)   # the design at course.yml's budget


def right_answers(checks, seed: int = 1) -> dict:
    """What a correct submission hands the checks (for the grader's table of submission
    `seed`; `score` grades as seed 1)."""
    probes = checks.probe_tables(checks.hw.context(seed, 1e-3))
    fd = {label: checks.ace(checks.frontdoor(c)) for label, c in
          checks.probe_tables.estimate_tables(checks.hw.context(seed, 1e-3)).items()}
    return {"test_cpts": {"cpts": checks.TRUE_CPTS},
            "test_naive": {"naive_difference": checks.ace(checks.observational(checks.TRUE_CPTS))},
            "test_frontdoor": fd,
            "test_latent_y": {label: checks.latent_y(c) for label, c in probes.items()},
            "test_do": dict(fd)}


def drawn_tables(checks, seeds=range(300), budget=1e-3):
    """The grader's table of many submissions."""
    return [checks.probe_tables.drawn(seed, budget) for seed in seeds]


# ------------------------------------------------------------ derived facts
def test_truths_are_derived_from_the_table(checks):
    """The brief's numbers, typed here only to cross-check what the checks derive."""
    cpts = checks.TRUE_CPTS
    assert cpts["p_x1"] == 0.5
    assert checks.frontdoor(cpts) == pytest.approx([0.5025, 0.5475], abs=1e-12)
    assert checks.ace(checks.frontdoor(cpts)) == pytest.approx(-0.0450, abs=1e-12)
    assert checks.latent_y(cpts).ravel() == pytest.approx(
        [0.94444444, 0.05555556, 0.99444444, 0.10555556], abs=1e-8)
    # the brief's "about 0.61": the latent-free model's ACE is exactly 0.9 x 0.67
    assert checks.ace(checks.latent_free(cpts)) == pytest.approx(0.603, abs=1e-12)
    assert checks.ace(checks.observational(cpts)) == pytest.approx(0.755, abs=1e-12)


@pytest.mark.parametrize("which", ["study", "grader's"])
def test_latent_model_fits_its_table_and_agrees_with_the_front_door_formula(checks, which):
    for cpts in [checks.TRUE_CPTS] if which == "study" else drawn_tables(checks, range(50)):
        check_latent_model(checks, cpts)


def check_latent_model(checks, cpts):
    a = checks.latent_y(cpts)
    refit = checks.cpts_from_latent({"p_z1_given_x": cpts["p_z1_given_x"], "p_y1_given_zu": a})
    assert refit["p_x1"] == pytest.approx(cpts["p_x1"], abs=1e-12)
    assert np.allclose(refit["p_y1_given_xz"], cpts["p_y1_given_xz"], atol=1e-12)
    assert np.allclose(checks.latent_do(cpts), checks.frontdoor(cpts), atol=1e-12)
    # and by brute force: the full joint of the latent model under do(X=x)
    p_u = np.array([1 - checks.P_U1, checks.P_U1])
    p_z1 = np.asarray(cpts["p_z1_given_x"])
    for x in (0, 1):
        p = sum(p_u[u] * (p_z1[x] if z else 1 - p_z1[x]) * a[z, u]
                for u in (0, 1) for z in (0, 1))
        assert p == pytest.approx(checks.frontdoor(cpts)[x], abs=1e-12)


def test_the_graders_tables_are_plain_reproducible_and_vary(course, checks, hw):
    ctx = [hw.context(s, course.assignment(HW).false_fail_budget) for s in (1, 2)]
    first = checks.probe_tables(ctx[0])
    assert first == checks.probe_tables(ctx[0]) and first["study"] == checks.TRUE_CPTS
    assert first["grader's"] != checks.probe_tables(ctx[1])["grader's"]
    assert eval(repr(first["grader's"])) == first["grader's"]   # a plain literal for the kernel
    aces = [checks.ace(checks.frontdoor(c)) for c in drawn_tables(checks)]
    assert np.std(aces) > 0.1 and min(aces) < 0 < max(aces)    # unpredictable, either sign


def test_notebook_states_the_same_latent_model_as_the_checks(course, checks):
    nb = nbformat.read(course.assignment(HW).notebook, as_version=4)
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    facts = {node.targets[0].id: ast.literal_eval(node.value)
             for node in ast.parse(setup.source).body
             if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
             and node.targets[0].id in {"P_U1", "P_X1_GIVEN_U"}}
    assert facts == {"P_U1": checks.P_U1, "P_X1_GIVEN_U": list(checks.P_X1_GIVEN_U)}


def test_every_wrong_answer_fails_with_power_0999_at_the_required_size(course, checks, hw):
    """On the study's table and on every table the grader draws: the design holds."""
    a = course.assignment(HW)
    alpha = a.false_fail_budget / hw.total_checks
    n = SIZES["num_samples"]
    tables = [checks.TRUE_CPTS] + drawn_tables(checks, budget=a.false_fail_budget)
    assert "the study's answer typed in" in checks.probe_tables.wrong_values(tables[1])
    for cpts in tables:
        truth = checks.frontdoor(cpts)
        wrong = checks.probe_tables.wrong_values(cpts)
        assert set(checks.wrong_interventionals(cpts)) <= set(wrong)
        assert_detected(checks.ace(truth), wrong, checks.ace_se(cpts, n), n,
                        alpha, checks.FLOAT32_FLOOR)


def test_the_band_bounds_the_front_door_plug_in_estimator(checks):
    """Plugging separately estimated P(z|x) and P(y|x',z) (n draws each) into the
    formula is less noisy than the SE the band uses, on the grader's tables too."""
    rng = np.random.default_rng(0)
    n = SIZES["num_samples"]
    for cpts in [checks.TRUE_CPTS] + drawn_tables(checks, range(10)):
        z1, y1 = np.asarray(cpts["p_z1_given_x"]), np.asarray(cpts["p_y1_given_xz"])
        draws = []
        for _ in range(2000):
            noisy = {"p_x1": cpts["p_x1"], "p_z1_given_x": rng.binomial(n, z1) / n,
                     "p_y1_given_xz": rng.binomial(n, y1) / n}
            draws.append(checks.ace(checks.frontdoor(noisy)))
        assert np.std(draws) < checks.ace_se(cpts, n)
        assert np.mean(draws) == pytest.approx(checks.ace(checks.frontdoor(cpts)), abs=0.002)


# ----------------------------------------------------- the checks on plain data
def test_right_answers_get_full_marks_and_rounding_is_allowed(course, checks, hw):
    for gid, values in right_answers(checks).items():
        res = score(course, HW, gid, values)
        assert res.points == res.max_points, (gid, res.messages)
    rounded = {k: np.round(np.asarray(v), 3).tolist() for k, v in checks.TRUE_CPTS.items()}
    assert score(course, HW, "test_cpts", {"cpts": rounded}).points == 2


def test_simulated_wrong_answers_are_rejected(course, checks, hw):
    a = course.assignment(HW)
    base = right_answers(checks)
    for label, mistake in hw.wrong_answers.items():
        for seed in range(300):
            ctx = hw.context(seed, a.false_fail_budget)
            wrong = mistake(base, ctx)
            touched = [g for g in ("test_frontdoor", "test_do") if wrong[g] is not base[g]]
            assert touched, label
            for gid in touched:      # a subset mistake is made in one function only
                res = grade_values(hw.questions[gid], wrong[gid], ctx, a.questions[gid])
                assert res.points == 0, (label, seed, gid)


def test_table_mistakes_are_named(course, checks, hw):
    cpts = dict(checks.TRUE_CPTS, p_y1_given_xz=np.asarray(checks.TRUE_CPTS["p_y1_given_xz"]).T)
    res = score(course, HW, "test_cpts", {"cpts": cpts})
    assert "looks transposed" in " ".join(res.messages)
    res = score(course, HW, "test_latent_y",
                {label: checks.latent_y(c).T
                 for label, c in checks.probe_tables(hw.context(1, 1e-3)).items()})
    assert res.points == 0 and "looks transposed" in res.messages[0]
    res = score(course, HW, "test_cpts", {"cpts": {"p_x1": 0.5}})
    assert res.points == 0 and "missing the key" in res.messages[0]


def test_failure_messages_never_reveal_the_truth_or_the_band(course, checks, hw):
    res = score(course, HW, "test_frontdoor", {"study": 0.603, "grader's": -0.0159,
                                                   "grader's second": -0.0159})
    text = " ".join(res.messages)
    assert res.points == 0
    grader_ace = checks.ace(checks.frontdoor(checks.probe_tables(hw.context(1, 1e-3))["grader's"]))
    for secret in ("0.045", "-0.04", "0.5475", "0.5025", "0.1", "3000", "band", "toleran",
                   f"{grader_ace:.3f}"):
        assert secret not in text
