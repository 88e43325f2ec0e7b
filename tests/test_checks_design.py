"""autograder.checks.design (the size at which every known wrong answer fails, checked
against the power it promises) and the as_dict guard; real scipy, no mocks."""
import math

import numpy as np
import pytest

from autograder.checks import (FLOAT32_FLOOR, detection_probability, frequencies,
                               frequencies_required_n, gof, ks_required_n_at, required_n,
                               required_n_against, stated_n)

ALPHA = 1e-3 / 6


def test_the_nearest_wrong_answer_sets_the_size_and_each_one_fails_with_power():
    truth, sigma = 0.2, 0.8
    wrong = [(0.35, 0.5), (0.1, 1.2), (-0.4, 0.0)]
    n = required_n_against(truth, sigma, wrong, ALPHA, floor=FLOAT32_FLOOR)
    assert n == max(required_n(max(sigma, sd), abs(truth - v), ALPHA, delta=FLOAT32_FLOOR)
                    for v, sd in wrong)
    # the band uses the truth's SE; a wrong estimate scatters with the larger SE of the
    # two, so it falls outside with the promised power at n, and the band is no wider
    for value, sd in wrong:
        se = max(sigma, sd) / math.sqrt(n)
        assert detection_probability(truth, value, se, ALPHA, FLOAT32_FLOOR) >= 0.999
    # and n is the smallest size that does this for the hardest one
    value, sd = wrong[1]
    se = max(sigma, sd) / math.sqrt(n - 1)
    assert detection_probability(truth, value, se, ALPHA, FLOAT32_FLOOR) < 0.999


def test_a_wrong_answer_within_the_floor_makes_the_probe_unusable():
    assert required_n_against(0.5, 1.0, [(0.9, 0.0), (0.5 + 1e-7, 0.0)], ALPHA,
                              floor=FLOAT32_FLOOR) == math.inf
    assert required_n_against(0.5, 1.0, [(0.5, 0.3)], ALPHA) == math.inf   # floor 0: equal
    assert required_n_against(0.5, 1.0, [], ALPHA) == 1                     # nothing to reject


def test_stated_n_is_the_largest_fixed_probe_rounded_up():
    sizes = {"a": 1234.0, "b": 2001.0}
    seen = []

    def size_of(probe, budget):
        seen.append(budget)
        return sizes[probe] * (1e-3 / budget) ** 0.1

    assert stated_n(size_of, ["a", "b"], 1e-3) == 3000
    assert stated_n(size_of, ["a"], 1e-3, step=500) == 1500
    assert stated_n(size_of, ["a", "b"], 1e-5) >= stated_n(size_of, ["a", "b"], 1e-3)
    assert set(seen) == {1e-3, 1e-5}
    with pytest.raises(ValueError, match="no sample size separates"):
        stated_n(lambda p, b: np.inf, ["a"], 1e-3)


def test_as_dict_names_the_keys_asked_for_or_the_first_missing_one():
    from autograder.checks import AnswerError, as_dict
    table = {"p_z1": 0.4, "p_x_given_z": [[0.5, 0.5]] * 2, "extra": 1}
    assert as_dict(table, "cpts", ["p_z1", "p_x_given_z"]) is table
    with pytest.raises(AnswerError) as err:
        as_dict([0.4], "cpts", ["p_z1", "p_x_given_z", "p_y"])
    assert str(err.value) == ("`cpts` should be a dict with keys 'p_z1', 'p_x_given_z' and "
                              "'p_y', not a list.")
    with pytest.raises(AnswerError, match=r"^`cpts` is missing the key 'p_y'\.$"):
        as_dict(table, "cpts", ["p_z1", "p_y"])
    with pytest.raises(AnswerError, match="keys 'H', not a str"):
        as_dict("H", "data", ["H"])


def _rejection_rate(draw, check, runs=400, seed=0) -> float:
    rng = np.random.default_rng(seed)
    return float(np.mean([not check(draw(rng)).passed for _ in range(runs)]))


def test_frequencies_required_n_gives_the_power_it_promises():
    """At the size it returns, `frequencies` rejects draws of the wrong law at least as
    often as promised (measured), and a law with impossible outcomes needs only as many
    draws as it takes to land on one."""
    alpha, power = 1e-3, 0.99
    truth, wrong = np.array([2 / 3, 1 / 3]), np.array([0.75, 0.25])
    n = int(frequencies_required_n(truth, wrong, alpha, power))
    probs = {0: 2 / 3, 1: 1 / 3}
    caught = _rejection_rate(lambda rng: rng.choice(2, size=n, p=wrong),
                             lambda x: frequencies(x, probs, alpha))
    assert caught >= power - 3 * math.sqrt(power * (1 - power) / 400)
    smaller = _rejection_rate(lambda rng: rng.choice(2, size=n // 3, p=wrong),
                              lambda x: frequencies(x, probs, alpha))
    assert smaller < power                                    # and it is not far too large
    assert frequencies_required_n([0.5, 0.5, 0], [0.4, 0.4, 0.2], alpha, 0.999) == \
        math.ceil(math.log(0.001) / math.log(0.8))
    assert frequencies_required_n([0.5, 0.5], [0.5, 0.5], alpha) == math.inf


def test_ks_required_n_gives_the_power_it_promises():
    """Draws whose CDF is x ** 0.5 on (0, 1) (sup distance 1/4 from the uniform) fail a KS
    test against U(0, 1) at the size ks_required_n_at gives, at least as often as promised."""
    from scipy import stats
    alpha, power = 1e-3, 0.99
    n = int(ks_required_n_at(0.25, alpha, power))
    caught = _rejection_rate(lambda rng: rng.random(n) ** 2,
                             lambda x: gof(x, stats.uniform(0, 1), alpha))
    assert caught >= power - 3 * math.sqrt(power * (1 - power) / 400)
    assert ks_required_n_at(0.0, alpha) == math.inf
