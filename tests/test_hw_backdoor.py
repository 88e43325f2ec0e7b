"""Homework 2 (back-door adjustment): right answers pass whatever the seed, the
known wrong answers of the content brief fail. Notebooks run in a real kernel."""
from __future__ import annotations

import nbformat
import numpy as np
import pytest

from autograder.checks import detection_probability
from autograder.homework import load_homework
from conftest import checks_of, full_marks, grade, no_marks

HW = "backdoor"


@pytest.fixture(scope="module")
def checks(course):
    return checks_of(course, HW)


# ------------------------------------------------------------ derived facts
def test_truths_are_derived_from_the_counts(checks):
    cpts = checks.TRUE_CPTS
    assert checks.interventional(cpts) == pytest.approx([0.83435, 0.77931], abs=5e-6)
    assert checks.ace(cpts) == pytest.approx(0.05504, abs=5e-6)
    rounded = {k: np.round(np.asarray(v), 3).tolist() for k, v in cpts.items()}
    assert checks.ace(rounded) == pytest.approx(0.0547, abs=1e-4)   # the brief's rounded-CPT ACE
    overall = checks.brief_overall_rates(cpts)
    assert overall[0] - overall[1] == pytest.approx(-0.0466, abs=1e-4)  # the brief's naive answer


def test_required_sample_size_is_the_one_the_question_states(course, checks):
    a = course.assignment(HW)
    text = "\n".join(c.source for c in nbformat.read(a.notebook, 4).cells)
    assert f"num_samples={checks.NUM_SAMPLES}" in text
    assert checks.NUM_SAMPLES == checks.design_sample_size(a.false_fail_budget)


def test_every_wrong_answer_fails_with_power_0999_at_the_required_size(course, checks):
    a = course.assignment(HW)
    hw = load_homework(a.checks)
    alpha = a.false_fail_budget / hw.total_checks
    for cpts in checks.PROBE_TABLES.values():
        se = checks.ace_se(cpts, checks.NUM_SAMPLES)
        for label, wrong in checks.wrong_values(cpts).items():
            power = detection_probability(checks.ace(cpts), wrong, se, alpha, checks.FLOAT32_FLOOR)
            assert power >= 0.999, label


def test_simulated_wrong_answers_are_rejected_and_right_ones_accepted(course, checks):
    """The checks themselves, on plain data: the brief's mistakes with their own
    sampling noise lose points; exact right answers keep them."""
    from autograder.grading import grade_values
    a = course.assignment(HW)
    hw = load_homework(a.checks)
    truth = {label: checks.ace(c) for label, c in checks.PROBE_TABLES.items()}
    base = {"test_cpts": {"cpts": checks.TRUE_CPTS}, "test_backdoor": truth, "test_do": truth,
            "test_naive": {"naive_difference": checks.naive_contrast(checks.TRUE_CPTS)}}
    ctx = hw.context(1, a.false_fail_budget)
    for gid, values in base.items():
        res = grade_values(hw.questions[gid], values, ctx, a.questions[gid])
        assert res.points == res.max_points, (gid, res.messages)
    for label, mistake in hw.wrong_answers.items():
        for seed in range(200):
            ctx = hw.context(seed, a.false_fail_budget)
            wrong = mistake(base, ctx)
            for gid in ("test_backdoor", "test_do"):
                res = grade_values(hw.questions[gid], wrong[gid], ctx, a.questions[gid])
                assert res.points == 0, (label, seed, gid)


def test_failure_messages_never_reveal_the_truth_or_the_band(course, checks):
    from autograder.grading import grade_values
    a = course.assignment(HW)
    hw = load_homework(a.checks)
    ctx = hw.context(3, a.false_fail_budget)
    res = grade_values(hw.questions["test_backdoor"], {"observed": -0.0434, "relabelled": 0.0434},
                       ctx, 3.0)
    text = " ".join(res.messages)
    assert res.points == 0
    for secret in ("0.055", "0.0550", "5.5", "0.045", "0.0456", "2000", "band", "toleran"):
        assert secret not in text


# ------------------------------------------------- real notebooks, real kernel
@pytest.mark.parametrize("seed", [11, 2027])
def test_reference_solution_gets_full_marks(course, seed):
    outcome, results = grade(course, HW, seed)
    assert outcome.stopped is None
    assert sorted(full_marks(results)) == sorted(results), {g: r.messages for g, r in results.items()}


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
    assert "relabelled table` is further from the correct value" in text
    assert "counts only when it is right on every input" in text
