"""Feedback for wrong answers that no registered mistake names: a specific description
of how the answer differs (grading/describe.py), read from the evidence real checks
return, and never a number."""
import numpy as np
import pytest

from autograder.checks import Counts, GoodnessOfFit, close_to, close_to_each, frequencies
from autograder.grading.describe import describe

from test_checks import assert_hides

TRUTH, SE = 0.42, 0.01


@pytest.mark.parametrize("value, words", [
    (-0.43, "wrong sign"),           # the contrast taken the wrong way round
    (1.9, "too large in size"),      # a sum where a mean was asked
    (0.09, "too small in size"),
    (0.49, "too high"),              # shifted, right sign and size
    (0.35, "too low"),
])
def test_an_unregistered_wrong_estimate_is_described_without_numbers(value, words):
    r = close_to(value, TRUTH, SE, 1e-3, name="ate")
    assert not r.passed
    text = describe([r.evidence])
    assert text and words in text
    assert_hides(text, value, TRUTH, SE, abs(value - TRUTH))


def test_unregistered_wrong_tables_are_described_without_numbers():
    truth = {"a": 0.2, "b": 0.5, "c": 0.9}
    ses = {k: 0.01 for k in truth}

    def words(values):
        r = close_to_each(values, truth, ses, 1e-3, name="effects")
        assert not r.passed
        text = describe([r.evidence])
        for v in [*values.values(), *truth.values()]:
            assert_hides(text, v)
        return text

    assert "wrong places" in words({"a": 0.5, "b": 0.2, "c": 0.9})
    assert "wrong sign" in words({k: -v for k, v in truth.items()})
    assert "Some of your entries are right" in words({"a": 0.2, "b": 0.5, "c": 0.7})
    assert "proportional" in words({k: 2 * v for k, v in truth.items()})
    assert "All your entries are too high" in words({k: v + 0.1 for k, v in truth.items()})


def test_counts_and_evidence_without_numbers_to_compare():
    rng = np.random.default_rng(3)
    probs = {o: 0.2 for o in "abcde"}
    one = frequencies(np.r_[rng.choice(list("abcde"), 2000), ["e"] * 300], probs, 1e-3)
    assert not one.passed and "One outcome comes up far more often" in describe([one.evidence])
    many = frequencies(rng.choice(list("abcde"), 2000, p=[0.3, 0.25, 0.2, 0.15, 0.1]), probs, 1e-3)
    assert not many.passed and "many outcomes" in describe([many.evidence])
    assert describe([GoodnessOfFit(False, 1e-9)]) is None  # its check's message says it
    assert describe([Counts(True, (5, 5), (5.0, 5.0), 1.0)]) is None  # passed: nothing to say


def test_feedback_describes_a_wrong_answer_no_registered_mistake_explains(course):
    """ipw's ACE with the wrong sign on both probe tables: no registered mistake explains it, so the
    feedback says how it differs, in words only (the grading path's name_misconception)."""
    from autograder.grading.submission import name_misconception
    from autograder.grading.verdict import grade_values
    from conftest import checks_of

    checks = checks_of(course, "ipw")
    hw = checks.hw
    ctx = hw.context(3, course.assignment("ipw").false_fail_budget)
    truth = {label: checks.ace(c) for label, c in checks.probe_tables.estimate_tables(ctx).items()}
    assert all(abs(v) > 0.05 for v in truth.values())
    values = {label: -v for label, v in truth.items()}
    res = grade_values(hw.questions["test_ipw_ace"], values, ctx, 2)
    before = list(res.messages)
    name_misconception(hw, res, {"test_ipw_ace": values}, ctx)
    assert res.points == 0 and res.misconception is None
    added = res.messages[len(before):]
    assert len(added) == 1 and "wrong sign" in added[0]
    for v in [*truth.values(), *values.values()]:
        assert_hides(added[0], v)
    assert not any(ch.isdigit() for ch in added[0])
    assert {"description": added[0][2:]} in res.detail


def test_rejected_draws_are_described_by_centre_spread_or_shape():
    """Draws a distribution test rejects: shifted, scaled or of the wrong shape, said
    in words from the test's evidence (against the law, and against reference draws)."""
    from scipy import stats

    from autograder.checks import gof, two_sample

    rng = np.random.default_rng(5)
    law = stats.norm(2.0, 1.5)
    ref = law.rvs(size=20_000, random_state=rng)
    cases = {
        "centred too high": law.rvs(size=4000, random_state=rng) + 0.6,
        "spread too widely": 2.0 + 3.0 * (law.rvs(size=4000, random_state=rng) - 2.0),
        "spread too narrowly": 2.0 + 0.4 * (law.rvs(size=4000, random_state=rng) - 2.0),
        # right mean and sd, wrong family: two bumps
        "wrong shape": 2.0 + 1.5 * rng.choice([-1.0, 1.0], 4000) * np.sqrt(1 - 0.1 ** 2)
        + 1.5 * 0.1 * rng.standard_normal(4000),
    }
    for words, x in cases.items():
        for r in (gof(x, law, 1e-3, method="ad"), two_sample(x, ref, 1e-3)):
            assert not r.passed, words
            text = describe([r.evidence])
            assert text and words in text, (words, text)
            assert_hides(text, float(np.mean(x)), float(np.std(x)), 2.0, 1.5)
            assert not any(ch.isdigit() for ch in text)
    fine = gof(law.rvs(size=4000, random_state=rng), law, 1e-3)
    assert fine.passed and describe([fine.evidence]) is None


def test_a_wrong_exact_table_is_described_from_its_entries():
    from autograder.checks import exact_table

    truth = np.array([[0.2, 0.8], [0.6, 0.4]])
    swapped = exact_table(truth[::-1], truth, "cpt", 1e-6)
    assert not swapped.passed and "wrong places" in describe([swapped.evidence])
    scaled = exact_table(truth * 2, truth, "cpt", 1e-6)
    assert "proportional" in describe([scaled.evidence])
    assert describe([exact_table(truth, truth, "cpt", 1e-6).evidence]) is None
