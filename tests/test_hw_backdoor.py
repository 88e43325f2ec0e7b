"""Homework 2 (back-door adjustment): right answers pass whatever the seed, the
known wrong answers of the content brief fail. Notebooks run in a real kernel."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import detection_probability
from autograder.homework import load_homework
from conftest import full_marks, grade, no_marks, design_sizes

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
    return [checks.grader_table(seed, budget) for seed in seeds]


def test_every_wrong_answer_fails_with_power_0999_at_the_required_size(course, checks):
    """On the study's table and on every table the grader draws: the design holds."""
    a = course.assignment(HW)
    hw = load_homework(a.checks)
    alpha = a.false_fail_budget / hw.total_checks
    tables = [checks.TRUE_CPTS] + drawn_tables(checks, budget=a.false_fail_budget)
    for cpts in tables:
        se = checks.ace_se(cpts, SIZES["num_samples"])
        for label, wrong in checks.wrong_values(cpts).items():
            power = detection_probability(checks.ace(cpts), wrong, se, alpha, checks.FLOAT32_FLOOR)
            assert power >= 0.999, label
    assert "the study's ACE typed in" in checks.wrong_values(tables[1])


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
        truth = {label: checks.ace(c) for label, c in checks.probe_tables(ctx).items()}
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
    res = grade_values(hw.questions["test_backdoor"], {"observed": -0.0434, "grader's": 0.0434},
                       ctx, 3.0)
    text = " ".join(res.messages)
    assert res.points == 0
    grader_ace = checks.ace(checks.probe_tables(ctx)["grader's"])
    for secret in ("0.055", "0.0550", "5.5", "0.045", "0.0456", "2000", "band", "toleran",
                   f"{grader_ace:.3f}"):
        assert secret not in text


# ------------------------------------------------- real notebooks, real kernel
def test_exact_enumeration_is_also_accepted(course):
    outcome, results = grade(course, HW, 5, "alternatives/enumeration.py")
    assert sorted(full_marks(results)) == sorted(results), {g: r.messages for g, r in results.items()}


def test_simpsons_paradox_answer_fails(course):
    _, results = grade(course, HW, 6, "mistakes/naive.py")
    assert sorted(no_marks(results)) == ["test_backdoor", "test_do"]
    assert sorted(full_marks(results)) == ["test_cpts", "test_naive"]


def test_transposed_tables_fail(course):
    _, results = grade(course, HW, 7, "mistakes/transposed.py")
    assert "test_cpts" not in full_marks(results)
    assert "looks transposed" in " ".join(results["test_cpts"].messages)
    assert "test_backdoor" in no_marks(results)


def test_typed_in_constant_fails_on_the_graders_own_table(course):
    _, results = grade(course, HW, 8, "mistakes/constant.py")
    assert sorted(no_marks(results)) == ["test_backdoor", "test_do"]
    text = " ".join(results["test_backdoor"].messages)
    assert "grader's table` is further from the correct value" in text
    assert "counts only when it is right on every input" in text


def test_a_lookup_of_the_known_tables_fails_on_the_table_drawn_for_the_submission(course):
    """Right (to 4 decimals) on the study's table, and on the relabelled table the grader
    once used; the table drawn from the submission's seed is what it cannot know."""
    _, results = grade(course, HW, 12, "mistakes/lookup.py")
    assert sorted(no_marks(results)) == ["test_backdoor", "test_do"]
    assert sorted(full_marks(results)) == ["test_cpts", "test_naive"]
    for gid in ("test_backdoor", "test_do"):
        text = " ".join(results[gid].messages)
        assert "gives the right value here, but that counts only when it is right" in text
        assert "on the grader's table` is further from the correct value" in text
