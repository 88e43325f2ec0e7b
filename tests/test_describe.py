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
