"""Third round of the statistics library (issue 24): a grid declared by the question,
frequencies against a reference sampler's draws, tail-sensitive two-sample tests.

Real numpy/scipy, seeded, no mocks. Level tests count false fails of simulated correct
answers with bounds a calibrated test breaks with probability about 1e-3; power tests
use wrong answers the test catches with power ~1 (20 seeds each).
"""
import numpy as np
import pytest
from scipy import stats

from autograder.checks import Counts, frequencies, frequencies_against_draws

from test_checks import assert_hides


# --- frequencies against probabilities known only through reference draws -------------

PROBS = np.array([0.30, 0.22, 0.15, 0.11, 0.08, 0.06, 0.05, 0.03])


def test_frequencies_against_draws_keeps_its_level_where_plugged_in_probabilities_do_not():
    """n = m = 1000: the reference's noise doubles each cell's variance. 2000 correct
    answers at alpha = 0.01: the conditional test fails ~20 (P(>= 35) ~ 1e-3, P(<= 5) ~ 1e-4
    so it cannot be trivially conservative); plugging the estimated shares into
    `frequencies` fails about a quarter (X^2 ~ 2 chi2_7)."""
    rng = np.random.default_rng(2024)
    runs, alpha = 2000, 0.01
    ours = naive = 0
    for _ in range(runs):
        x, ref = rng.choice(8, 1000, p=PROBS), rng.choice(8, 1000, p=PROBS)
        ours += not frequencies_against_draws(x, ref, alpha).passed
        shares = np.bincount(ref, minlength=8) / ref.size
        naive += not frequencies(x, dict(enumerate(shares)), alpha, method="chi2").passed
    assert 5 <= ours <= 34, ours
    assert naive >= 300, naive


def test_frequencies_against_draws_catches_a_wrong_share_whatever_the_seed():
    wrong = PROBS.copy()
    wrong[0], wrong[-1] = wrong[0] - 0.02, wrong[-1] + 0.02  # 3% -> 5% for the rarest outcome
    for seed in range(20):
        rng = np.random.default_rng(seed)
        r = frequencies_against_draws(rng.choice(8, 6400, p=wrong), rng.choice(8, 100_000, p=PROBS),
                                      1e-3, name="rolls")
        assert not r.passed and isinstance(r.evidence, Counts), seed
        assert_hides(r.message, 0.03, 0.05, 0.3)


def test_frequencies_against_draws_forms_and_rare_outcomes():
    rng = np.random.default_rng(5)
    ref = rng.choice(["a", "b", "c"], 50_000, p=[0.5, 0.3, 0.2])
    x = rng.choice(["a", "b", "c"], 2000, p=[0.5, 0.3, 0.2])
    counts = {k: int(v) for k, v in zip(*np.unique(x, return_counts=True))}
    assert frequencies_against_draws(counts, ref, 1e-3).passed
    assert frequencies_against_draws(list(x), ref, 1e-3).passed
    # an outcome the reference never drew is a rare cell, not an impossible one
    assert frequencies_against_draws(np.r_[x, ["d"]], ref, 1e-3).passed
    assert not frequencies_against_draws(np.r_[x, ["d"] * 200], ref, 1e-3).passed
    bad = frequencies_against_draws("abc", ref, 1e-3, name="draws")
    assert not bad.passed and bad.detail["error"] == "malformed"
    assert not frequencies_against_draws(x[:10], ref, 1e-3, min_n=100).passed
