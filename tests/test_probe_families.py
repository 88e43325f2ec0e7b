"""Probe families and fresh draws against the classes of issue 24 (items 2 and 7): a
lookup that falls back to a constant, an estimate from a subset of the units, and stored
draws with noise added per call. Plain data, no kernel."""
from __future__ import annotations

import numpy as np
import pytest

from autograder import checks as c
from autograder.homework import Homework


def _family(hw):
    """Bernoulli probes p; the estimate is a share of n draws; the known wrong answer 1 - p."""
    return c.ProbeTables(hw, fixed={"stated": 0.3}, propose=lambda rng: float(rng.uniform(0.05, 0.95)),
                         truth=lambda p: p, se=lambda p, n: (p * (1 - p) / n) ** 0.5,
                         wrong=lambda p: {"complement": (1 - p, (p * (1 - p)) ** 0.5)},
                         seed_label="toy:probe", arg="p")


def test_a_lookup_that_falls_back_to_any_constant_fails_whatever_the_seed():
    """Issue 24, item 7: the two drawn tables' bands never overlap, so no constant (the
    best one for the family, say its median truth) passes both, at any seed."""
    hw = Homework()
    tables = _family(hw)
    hw.design(tables.design)
    tables.question("test_share", "share")
    for seed in range(200):
        ctx = hw.context(seed, 1e-3)
        every = tables.estimate_tables(ctx)
        for constant in (0.5, every["grader's"], every["grader's second"]):
            answer = {"stated": 0.3, "grader's": constant, "grader's second": constant}
            assert not all(r.passed for r in tables.estimates(answer, ctx, "share")), seed


def test_an_estimate_from_a_subset_of_the_units_fails_on_the_second_table():
    """Issue 24, item 2: a `subset` answer (here p shrunk halfway to 1/2, the share in a
    half of the units that carries no signal) lies within the band on the stated probe,
    yet the second drawn probe rejects it with power 0.999: simulated at 300 seeds."""
    hw = Homework()
    shrunk = {"half the units": lambda p: (p + 0.5) / 2}
    tables = c.ProbeTables(hw, fixed={"stated": 0.49}, propose=lambda rng: float(rng.uniform(0.05, 0.95)),
                           truth=lambda p: p, se=lambda p, n: (p * (1 - p) / n) ** 0.5,
                           wrong=lambda p: {"complement": (1 - p, (p * (1 - p)) ** 0.5)},
                           subset=lambda p: {k: (f(p), 0.71) for k, f in shrunk.items()},
                           seed_label="toy:probe", arg="p")
    hw.design(tables.design)
    tables.question("test_share", "share")
    rng = np.random.default_rng(1)
    n = hw.sizes(1e-3)["num_samples"]
    lost = 0
    for seed in range(300):
        ctx = hw.context(seed, 1e-3)
        every = tables.estimate_tables(ctx)
        assert all(v >= 0.999 for v in tables.power(every["grader's second"], 1e-3, subset=True).values())
        wrong = {label: rng.binomial(n // 2, shrunk["half the units"](p)) / (n // 2)
                 for label, p in every.items()}
        lost += not all(r.passed for r in tables.estimates(wrong, ctx, "share"))
    assert lost == 300


def test_stored_draws_with_noise_added_per_call_are_a_replay():
    """A sampler that stores its draws and adds fresh noise on each call shares no value
    between calls, yet each draw tracks the draw in the same position: caught for iid
    draws whatever the seed (20 seeds, noise up to 0.15 of the draws' sd)."""
    for seed in range(20):
        rng = np.random.default_rng(seed)
        stored = rng.standard_normal(1000)
        for noise in (1e-6, 0.01, 0.15):
            first = stored + noise * rng.standard_normal(1000)
            second = stored + noise * rng.standard_normal(1000)
            res = c.fresh_draws(first, second, "sample(n, seed)", iid=True)
            assert not res.passed and "nearly the same draws" in res.message, (seed, noise)
            assert c.stale(first, second, "sample(n, seed)", iid=True)
            # without the iid declaration only repeated values count
            assert c.fresh_draws(first, second, "sample(n, seed)").passed


@pytest.mark.parametrize("law", ["normal", "exponential", "cauchy", "sorted", "resampled"])
def test_fresh_iid_draws_are_never_taken_for_a_replay(law):
    """Two calls of a right sampler, 2000 times per law, at the smallest size the test
    reads: the ratio stays far above its threshold, sorted output included."""
    rng = np.random.default_rng(7)
    low = np.inf
    for _ in range(2000):
        if law == "normal":
            a, b = rng.standard_normal((2, c.JITTER_MIN))
        elif law == "exponential":
            a, b = rng.exponential(size=(2, c.JITTER_MIN))
        elif law == "cauchy":
            a, b = rng.standard_cauchy((2, c.JITTER_MIN))
        elif law == "sorted":
            a, b = np.sort(rng.standard_normal((2, c.JITTER_MIN)), axis=1)
        else:       # importance resampling: values repeat within a call, new pool per call
            a, b = (rng.choice(rng.standard_normal(20 * c.JITTER_MIN), c.JITTER_MIN) for _ in range(2))
        low = min(low, c.jitter_ratio(a, b))
        assert c.fresh_draws(a, b, "s", iid=True).passed
    assert low > 2 * c.JITTER_RATIO, low
