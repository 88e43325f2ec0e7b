"""The library's checks attach typed evidence; probes are drawn once per submission;
an exact table names its known wrong forms; a probe-table family draws, sizes and
checks as its declaration says."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from autograder import checks as c
from autograder.homework import Homework


def test_each_library_check_attaches_its_kind_of_evidence():
    rng = np.random.default_rng(0)
    draws = rng.standard_normal(500)
    table = {"a": 0.5, "b": 0.5}
    cases = [
        (c.close_to(0.5, 0.5, 0.1, 1e-3), c.Estimate),
        (c.close_to("x", 0.5, 0.1, 1e-3), c.Malformed),
        (c.close_to_each(table, table, 0.1, 1e-3), c.Estimates),
        (c.close_to_table([0.5, 0.5], [0.5, 0.5], 1e-3, se=0.1), c.Estimates),
        (c.frequencies(["a", "b"] * 50, table, 1e-3), c.Counts),
        (c.frequencies(["a", "z"] * 50, table, 1e-3), c.GoodnessOfFit),   # impossible outcome
        (c.gof(draws, stats.norm(0, 1), 1e-3), c.GoodnessOfFit),
        (c.two_sample(draws, rng.standard_normal(2000), 1e-3), c.TwoSample),
        (c.compare_sets([{"Z"}], [{"Z"}], "s"), c.Exact),
        (c.matches_reference(draws.reshape(4, -1), 0.0, 0.01, 1e-3), c.ReferenceMatch),
        (c.convergence(draws.reshape(4, -1), "d", 10), c.Convergence),
        (c.exact_table([[1, 2], [3, 4]], [[1, 2], [3, 4]], "t", 1e-9), c.Exact),
        (c.loss_falls(list(np.linspace(2, 1, 100) + 0.01 * rng.standard_normal(100)), 1e-3),
         c.Threshold),
    ]
    for result, kind in cases:
        assert type(result.evidence) is kind, (result.message, result.evidence)
        assert isinstance(result.evidence.passed, bool)
        as_json = json.loads(json.dumps(result.evidence.to_dict()))      # grading.json keeps it
        assert c.evidence_from_dict(as_json) == result.evidence


def test_a_probe_is_drawn_once_per_submission_and_shared_by_a_diagnosis():
    hw = Homework()
    drawn = []

    @hw.probe
    def data(ctx):
        drawn.append(ctx.seed)
        return np.random.default_rng(ctx.seed_for("data")).standard_normal(3)

    ctx = hw.context(7, 1e-3)
    assert data(ctx) is data(ctx) is data(replace(ctx, noise_seed=99)) and drawn == [7]
    assert not np.array_equal(data(hw.context(8, 1e-3)), data(ctx))
    assert hw.probes == {"data": data}
    with pytest.raises(ValueError, match="declared twice"):
        hw.probe(lambda ctx: 1, name="data")


def test_an_exact_table_names_its_known_wrong_forms():
    truth = np.array([[0.1, 0.2], [0.3, 0.4]])
    near = {**c.transposed(truth, "Rows are Z."),
            "{subject} does not sum to one.": lambda got: abs(got.sum() - 1) > 1e-3}
    assert c.exact_table(truth, truth, "t", 1e-6, near=near).passed
    res = c.exact_table(truth.T, truth, "t", 1e-6, "hint", near=near)
    assert not res.passed and res.message == "`t` looks transposed. Rows are Z."
    res = c.exact_table(2 * truth, truth, "t", 1e-6, "hint", near=near)
    assert res.message == "`t` does not sum to one."
    res = c.exact_table(truth + [[0.05, 0], [0, -0.05]], truth, "t", 1e-6, "Look again.", near=near)
    assert res.message == "`t` is not correct. Look again."
    with pytest.raises(c.AnswerError, match="shape"):
        c.exact_table([1, 2, 3], truth, "t", 1e-6)


def _family(hw):
    """Bernoulli probes p; the estimate is a share of n draws; the known wrong answer 1 - p."""
    return c.ProbeTables(hw, fixed={"stated": 0.3}, propose=lambda rng: float(rng.uniform(0.05, 0.95)),
                         truth=lambda p: p, se=lambda p, n: (p * (1 - p) / n) ** 0.5,
                         wrong=lambda p: {"complement": (1 - p, (p * (1 - p)) ** 0.5)},
                         seed_label="toy:probe", arg="p")


def test_a_probe_table_family_draws_sizes_and_checks_as_declared():
    hw = Homework()
    tables = _family(hw)
    hw.design(tables.design)
    tables.question("test_share", "share", hint="Count the ones.")
    assert hw.questions["test_share"].n_checks == 3     # stated, grader's, grader's second
    n = hw.sizes(1e-3)["num_samples"]
    assert n % 1000 == 0 and n >= tables.table_size(0.3, 1e-3)
    ctx = hw.context(4, 1e-3)
    probes = tables(ctx)
    assert probes is tables(ctx) and probes["stated"] == 0.3
    drawn = probes["grader's"]
    assert tables.table_size(drawn, 1e-3) <= n          # the design holds on the drawn probe
    assert "the study's answer typed in" in tables.wrong_values(drawn)
    assert all(power >= 0.999 for power in tables.power(drawn, 1e-3).values())
    calls = hw.questions["test_share"].calls(ctx)
    assert calls["grader's"] == ("share", {"p": drawn, "num_samples": n,
                                           "seed": ctx.seed_for("share:grader's")})
    every = tables.estimate_tables(ctx)
    assert {**every, "grader's second": probes["grader's"]} == {**probes, "grader's second":
                                                                probes["grader's"]}
    right = {label: p for label, p in every.items()}
    assert all(r.passed for r in tables.estimates(right, ctx, "share"))
    typed_in = {label: 0.3 for label in every}           # right on the stated probe only
    results = tables.estimates(typed_in, ctx, "share", "Count the ones.")
    assert not any(r.passed for r in results)
    told = (*c.LOOKUP_TOLD, "on the grader's second table` is further from the correct value")
    assert all(any(w in r.message for w in told) for r in results)


def test_prediction_bands_of_reference_runs_take_every_accepted_style():
    v = [1.0, 2.0, 3.0, 4.0]
    half = stats.t.isf(0.025, 3) * np.std(v, ddof=1) * np.sqrt(1.25)
    assert c.prediction_band(v, 0.05) == pytest.approx((2.5, half))
    # one-sided at alpha: one end of the two-sided band at 2 alpha
    one = stats.t.isf(0.05, 3) * np.std(v, ddof=1) * np.sqrt(1.25)
    assert c.prediction_bound(v, 0.05, "upper") == pytest.approx(2.5 + one)
    assert c.prediction_bound(v, 0.05, "lower") == pytest.approx(2.5 - one)
    # styles (the reference and an alternative): the band holds each style's own band
    styles = {"reference": v, "alternative": [5.0, 6.0, 7.0], "unrecorded": []}
    low, high = c.prediction_bound(styles, 0.05, "lower"), c.prediction_bound(styles, 0.05, "upper")
    assert low == pytest.approx(2.5 - one)
    assert high == pytest.approx(6.0 + stats.t.isf(0.05, 2) * np.sqrt(4 / 3))
    tight = [1.0, 1.1, 0.9, 1.0]
    assert c.close_to_runs(6.5, {"reference": tight, "alternative": [5.0, 6.0, 7.0]}, 0.05).passed
    assert not c.close_to_runs(6.5, tight, 0.05).passed
    with pytest.raises(ValueError):
        c.prediction_band([1.0], 0.05)
    with pytest.raises(ValueError):
        c.prediction_bound(v, 0.05, "both")


def test_close_to_runs_can_say_which_side_the_value_missed():
    v = [1.0, 1.1, 0.9, 1.05, 0.95]
    low = c.close_to_runs(0.0, v, 0.01, "s", hint="Too low.", high_hint="Too high.")
    high = c.close_to_runs(2.0, v, 0.01, "s", hint="Too low.", high_hint="Too high.")
    assert low.message.endswith("Too low.") and high.message.endswith("Too high.")
    assert type(high.evidence) is c.Estimate and not high.evidence.passed
    assert c.close_to_runs(2.0, v, 0.01, "s", hint="Off.").message.endswith("Off.")


def test_an_exact_table_takes_a_slack_per_entry():
    truth, slack = np.array([1.0, 2.0]), np.array([0.1, 0.01])
    assert c.exact_table([1.05, 2.005], truth, "e", slack).passed
    assert not c.exact_table([1.05, 2.05], truth, "e", slack).passed
    assert "flipped" in c.exact_table([-1.0, -2.0], truth, "e", slack,
                                      near={"{subject} is flipped.": -truth}).message
