"""Homework 2 (back-door adjustment): right answers pass whatever the seed, the
known wrong answers of the content brief fail, on plain data.
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import detection_probability
from autograder.homework import load_homework
from conftest import design_sizes

HW = "backdoor"
SIZES = design_sizes(HW)   # the design at course.yml's budget


# ------------------------------------------------------------ derived facts
def test_truths_are_derived_from_the_counts(checks):
    cpts = checks.TRUE_CPTS
    assert checks.interventional(cpts) == pytest.approx([0.83435, 0.77931], abs=5e-6)
    assert checks.ace(cpts) == pytest.approx(0.05504, abs=5e-6)
    rounded = {k: np.round(np.asarray(v), 3).tolist() for k, v in cpts.items()}
    assert checks.ace(rounded) == pytest.approx(0.0547, abs=1e-4)   # the brief's rounded-CPT ACE
    overall = checks.brief_overall_rates(cpts)
    assert overall[0] - overall[1] == pytest.approx(-0.0466, abs=1e-4)  # the brief's naive answer


def drawn_tables(checks, seeds=range(300), budget=1e-3):
    """The grader's table of many submissions."""
    return [checks.probe_tables.drawn(seed, budget) for seed in seeds]


def test_every_wrong_answer_fails_with_power_0999_at_the_required_size(course, checks):
    """On the study's table and on every table the grader draws: the design holds."""
    a = course.assignment(HW)
    hw = load_homework(a.checks)
    alpha = a.false_fail_budget / hw.total_checks
    tables = [checks.TRUE_CPTS] + drawn_tables(checks, budget=a.false_fail_budget)
    for cpts in tables:
        se = checks.ace_se(cpts, SIZES["num_samples"])
        for label, (wrong, _) in checks.probe_tables.wrong_values(cpts).items():
            power = detection_probability(checks.ace(cpts), wrong, se, alpha, checks.FLOAT32_FLOOR)
            assert power >= 0.999, label
    assert "the study's answer typed in" in checks.probe_tables.wrong_values(tables[1])


def test_the_graders_tables_are_plain_reproducible_and_vary(course, checks):
    ctx = [load_homework(course.assignment(HW).checks).context(s, 1e-3) for s in (1, 2)]
    first, again = checks.probe_tables(ctx[0]), checks.probe_tables(ctx[0])
    assert first == again and first["observed"] == checks.TRUE_CPTS
    assert first["grader's"] != checks.probe_tables(ctx[1])["grader's"]
    table = first["grader's"]
    assert eval(repr(table)) == table                      # a plain literal for the kernel
    assert all(type(v) is float for v in [table["p_z1"], *sum(table["p_x_given_z"], []),
                                          *sum(table["p_y_given_xz"], [])])
    for cpts in drawn_tables(checks, range(100)):
        assert np.allclose(np.sum(cpts["p_x_given_z"], axis=1), 1)
        lo, hi = checks.PROBE_RANGE
        assert lo <= cpts["p_z1"] <= hi and np.all((np.asarray(cpts["p_y_given_xz"]) >= lo)
                                                    & (np.asarray(cpts["p_y_given_xz"]) <= hi))
    aces = [checks.ace(c) for c in drawn_tables(checks)]
    assert np.std(aces) > 0.1                               # unpredictable, not a few values


def test_the_band_bounds_the_stratified_estimator_on_the_graders_tables(checks):
    """Per-stratum estimates (the reference's method) scatter less than ace_se says."""
    rng = np.random.default_rng(0)
    n = SIZES["num_samples"]
    for cpts in [checks.TRUE_CPTS] + drawn_tables(checks, range(10)):
        p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
        p_y = np.asarray(cpts["p_y_given_xz"])
        est = (rng.binomial(n, p_y, size=(4000, 2, 2)) / n) @ p_z
        assert np.std(est[:, 0] - est[:, 1]) < checks.ace_se(cpts, n)


def test_simulated_wrong_answers_are_rejected_and_right_ones_accepted(course, checks):
    """The checks themselves, on plain data: the brief's mistakes with their own
    sampling noise lose points; exact right answers keep them."""
    from autograder.grading.verdict import grade_values
    a = course.assignment(HW)
    hw = load_homework(a.checks)
    fixed = {"test_cpts": {"cpts": checks.TRUE_CPTS},
             "test_naive": {"naive_difference": checks.naive_contrast(checks.TRUE_CPTS)}}
    for seed in range(20):
        ctx = hw.context(seed, a.false_fail_budget)
        truth = {label: checks.ace(c) for label, c in checks.probe_tables.estimate_tables(ctx).items()}
        for gid, values in {**fixed, "test_backdoor": truth, "test_do": truth}.items():
            res = grade_values(hw.questions[gid], values, ctx, a.questions[gid])
            assert res.points == res.max_points, (gid, res.messages)
    base = {**fixed, "test_backdoor": truth, "test_do": truth}
    for label, mistake in hw.wrong_answers.items():
        for seed in range(200):
            ctx = hw.context(seed, a.false_fail_budget)
            wrong = mistake(base, ctx)
            for gid in ("test_backdoor", "test_do"):
                res = grade_values(hw.questions[gid], wrong[gid], ctx, a.questions[gid])
                assert res.points == 0, (label, seed, gid)


def test_failure_messages_never_reveal_the_truth_or_the_band(course, checks):
    from autograder.grading.verdict import grade_values
    a = course.assignment(HW)
    hw = load_homework(a.checks)
    ctx = hw.context(3, a.false_fail_budget)
    res = grade_values(hw.questions["test_backdoor"], {"observed": -0.0434, "grader's": 0.0434,
                                                        "grader's second": 0.0434},
                       ctx, 3.0)
    text = " ".join(res.messages)
    assert res.points == 0
    grader_ace = checks.ace(checks.probe_tables(ctx)["grader's"])
    for secret in ("0.055", "0.0550", "5.5", "0.045", "0.0456", "2000", "band", "toleran",
                   f"{grader_ace:.3f}"):
        assert secret not in text
