"""The checks library's tools for simulated processes (checks/chains.py) and the
discrete-test helpers the Gillespie kit added: the categorical PIT, the power and size
of `frequencies`, the KS size, and the heap pooling of unordered cells."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from autograder.checks import (ar1_step, autocorrelation_gate, categorical_pit, frequencies,
                               frequencies_power, frequencies_required_n, ks_required_n_at,
                               pool_cells, thin_to_independence)


def _ar1(rho: float, n: int, rng, cols: int = 1) -> np.ndarray:
    x = np.empty((n, cols))
    x[0] = rng.standard_normal(cols)
    e = rng.standard_normal((n, cols)) * math.sqrt(1 - rho ** 2)
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x


def test_ar1_step_reaches_the_residual_correlation():
    rho = math.exp(-1)
    s = ar1_step((1 + rho) / (1 - rho), 0.005)
    assert rho ** s <= 0.005 < rho ** (s - 1)
    assert ar1_step(0.9, 0.005) == 1 and ar1_step(1.0, 0.005) == 1
    with pytest.raises(ValueError):
        ar1_step(2.0, 1.5)


def test_thinning_leaves_nearly_independent_rows_and_keeps_the_design_step():
    rng = np.random.default_rng(0)
    x = _ar1(0.6, 20_000, rng, cols=2)
    x[:, 1] = 3.0                                   # a constant column is skipped
    kept, info = thin_to_independence(x, 0.01)
    assert math.isnan(info["taus"][1]) and info["kept"] == kept.shape[0]
    assert 0.6 ** info["step"] <= 0.02              # ESS noise moves the step by one at most
    lag1 = np.corrcoef(kept[:-1, 0], kept[1:, 0])[0, 1]
    assert abs(lag1) < 0.05
    _, forced = thin_to_independence(x, 0.01, min_step=50)
    assert forced["step"] == 50


def test_the_autocorrelation_gate_names_too_slow_and_too_fast():
    rng = np.random.default_rng(1)
    rho = math.exp(-1)
    tau = (1 + rho) / (1 - rho)
    right = _ar1(rho, 5000, rng)
    assert autocorrelation_gate(right, [tau], "x").passed
    slow = _ar1(rho ** 0.2, 5000, rng)              # five times slower
    res = autocorrelation_gate(slow, [tau], "x", slow_hint="Check the clock.")
    assert not res.passed and "too slowly" in res.message and "Check the clock." in res.message
    iid = rng.standard_normal((5000, 1))
    res = autocorrelation_gate(iid, [tau], "x")
    assert not res.passed and "independent draws" in res.message
    assert autocorrelation_gate(iid, [math.nan], "x").passed   # not judged


def test_the_categorical_pit_is_uniform_for_draws_from_their_own_laws():
    rng = np.random.default_rng(2)
    probs = rng.dirichlet([0.5, 1, 2, 0.2], size=4000)
    probs[::7, 0] = 0.0                             # some outcomes impossible in some rows
    probs /= probs.sum(axis=1, keepdims=True)
    draws = np.array([rng.choice(4, p=p) for p in probs])
    u = categorical_pit(draws, probs, seed=3)
    assert np.all((u > 0) & (u < 1))
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    wrong = np.array([rng.choice(4) for _ in probs])        # uniform choice: not the laws
    u_wrong = categorical_pit(wrong, probs, seed=3)
    assert np.isnan(u_wrong).any()                          # hits impossible outcomes
    ok = ~np.isnan(u_wrong)
    assert stats.kstest(u_wrong[ok], "uniform").pvalue < 1e-6


def test_frequencies_power_matches_the_tests_rejection_rate():
    probs = {"a": 0.5, "b": 0.3, "c": 0.2}
    wrong = {"a": 0.42, "b": 0.33, "c": 0.25}
    alpha, n = 0.01, 400
    predicted = frequencies_power(probs, wrong, n, alpha)
    rng = np.random.default_rng(4)
    keys = list(wrong)
    hits = 0
    for _ in range(400):
        counts = rng.multinomial(n, [wrong[k] for k in keys])
        hits += not frequencies(dict(zip(keys, counts.tolist())), probs, alpha).passed
    assert hits / 400 == pytest.approx(predicted, abs=0.08)
    need = frequencies_required_n(probs, wrong, alpha, power=0.99)
    assert frequencies_power(probs, wrong, need, alpha) >= 0.99
    assert frequencies_power(probs, wrong, int(need * 0.9), alpha) < 0.99


def test_ks_required_n_at_has_its_power():
    alpha, shift = 1e-3, 0.5
    d = float(stats.norm.cdf(shift / 2) - stats.norm.cdf(-shift / 2))    # sup |F - G|
    n = ks_required_n_at(d, alpha, power=0.99)
    rng = np.random.default_rng(5)
    rejected = [stats.kstest(rng.normal(shift, 1, n), "norm").pvalue < alpha for _ in range(300)]
    assert np.mean(rejected) >= 0.99


def _pool_by_scanning(expected, min_expected):
    """The plain O(k^2) unordered rule the heap version must reproduce."""
    groups = [[i] for i in range(expected.size) if expected[i] > 0]
    e = [float(expected[g[0]]) for g in groups]
    while len(groups) > 2 and min(e) < min_expected:
        i = int(np.argmin(e))
        j = min((k for k in range(len(groups)) if k != i), key=lambda k: e[k])
        a, b = min(i, j), max(i, j)
        groups[a] = sorted(groups[a] + groups[b])
        e[a] += e[b]
        del groups[b], e[b]
    return groups


def test_heap_pooling_gives_the_same_groups_as_the_plain_rule():
    rng = np.random.default_rng(6)
    for t in range(1500):
        k = int(rng.integers(1, 40))
        e = (rng.choice([0, 0.5, 1, 2, 3, 5, 8], size=k).astype(float) if t % 2
             else rng.exponential(3, size=k))
        assert pool_cells(e, 5.0, ordered=False) == _pool_by_scanning(e, 5.0)
