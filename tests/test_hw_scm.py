"""Homework 5 (structural causal models): the distributions follow from the structural
equations, right answers pass whatever the seed, the notation or the inference method,
the known wrong answers of the content brief fail, on plain data.
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import math
from fractions import Fraction

import nbformat
import numpy as np
import pytest
from scipy import integrate, stats

from autograder.checks import fresh_draws, gof
from autograder.grading.verdict import grade_values
from conftest import score, design_sizes

HW = "scm"
SIZES = design_sizes(HW)   # the design at course.yml's budget


def right_answers(checks, rng) -> dict:
    """What a correct submission hands the checks, drawn straight from the SCMs (each
    sampler is called twice, and draws afresh each time)."""
    def scm_a():
        x = rng.standard_normal(SIZES["scm_a_samples"])
        return [x, x ** 2 + rng.standard_normal(SIZES["scm_a_samples"])]

    post_mean, post_var = (float(v) for v in checks.TRUTHS["p_x_given_y2"])
    samplers = {"test_scm_a": scm_a,
                "test_do_samples": lambda: 8.0 + rng.standard_normal(SIZES["do_samples"]),
                "test_posterior": lambda: post_mean + math.sqrt(post_var)
                * rng.standard_normal(SIZES["posterior_samples"])}
    out = {gid: {"draws": draw(), "again": draw()} for gid, draw in samplers.items()}
    for gid, name in [("test_p_y", "p_y"), ("test_do_x", "p_y_do_x2"),
                      ("test_given_x", "p_y_given_x2"), ("test_given_y", "p_x_given_y2"),
                      ("test_do_y", "p_x_do_y2")]:
        out[gid] = {name: checks.TRUTHS[name]}
    return out


# ------------------------------------------------------------ derived facts
def test_distributions_are_derived_from_the_structural_equations(checks):
    t = checks.TRUTHS
    assert t["p_y"] == (0, 17)
    assert t["p_y_do_x2"] == (8, 1)
    assert t["p_y_given_x2"] == (8, 1)
    assert t["p_x_given_y2"] == (Fraction(8, 17), Fraction(1, 17))
    assert t["p_x_do_y2"] == (0, 1)
    assert all(isinstance(v, Fraction) for pair in t.values() for v in pair)   # exact algebra


def test_conditioning_agrees_with_bayes_rule_by_quadrature(checks):
    """P(x | Y=2) ∝ N(x; 0, 1) N(2; 4x, 1), integrated numerically."""
    def post(x):
        return stats.norm.pdf(x) * stats.norm.pdf(2.0, 4 * x, 1.0)
    z = integrate.quad(post, -10, 10)[0]
    mean = integrate.quad(lambda x: x * post(x), -10, 10)[0] / z
    var = integrate.quad(lambda x: (x - mean) ** 2 * post(x), -10, 10)[0] / z
    assert mean == pytest.approx(float(checks.TRUTHS["p_x_given_y2"][0]), abs=1e-9)
    assert var == pytest.approx(float(checks.TRUTHS["p_x_given_y2"][1]), abs=1e-9)


def test_the_notebook_states_the_posterior_rules_and_sizes_are_at_least_the_gof_minimum(course,
                                                                                        checks):
    a = course.assignment(HW)
    text = "\n".join(c.source for c in nbformat.read(a.notebook, 4).cells)
    assert f"{round(100 * checks.MIN_DISTINCT_FRACTION)}% of the returned values" in text
    assert f"at least {checks.POOL_ESS_FACTOR} × `num_samples`" in text
    assert min(SIZES.values()) >= checks.MIN_GOF_N


def test_every_wrong_sampler_fails_with_power_0999_at_the_required_size(course, checks, hw):
    """Simulated power of the KS test at the stated sizes; the DKW bound behind
    ks_required_n is conservative, so every one of 2000 wrong samples is rejected."""
    a = course.assignment(HW)
    alpha = a.false_fail_budget / hw.total_checks
    rng = np.random.default_rng(0)
    for gid, wrongs in checks._wrong_laws().items():
        n = SIZES[checks.SIZE_OF[gid]]
        for label, law in wrongs.items():
            draws = law.rvs(size=(2000, n), random_state=rng)
            p = np.array([stats.kstest(d, checks.TARGETS[gid].cdf).pvalue for d in draws])
            assert np.mean(p < alpha) >= 0.999, (gid, label)
    # the bound itself: at the un-rounded size for the shared-noise slip, power >= 0.999
    n = checks.ks_required_n(checks.TARGETS["test_scm_a"], stats.norm(0, math.sqrt(2)), alpha)
    draws = stats.norm(0, math.sqrt(2)).rvs(size=(2000, n), random_state=rng)
    p = np.array([stats.kstest(d, stats.norm(0, 1).cdf).pvalue for d in draws])
    assert np.mean(p < alpha) >= 0.999


def test_correct_draws_pass_at_the_per_check_level(course, checks, hw):
    """False-fail rate of one GOF check on correct draws stays near alpha (0 of 2000)."""
    a = course.assignment(HW)
    alpha = a.false_fail_budget / hw.total_checks
    rng = np.random.default_rng(1)
    target = checks.TARGETS["test_posterior"]
    fails = sum(not gof(target.rvs(size=SIZES["posterior_samples"], random_state=rng), target, alpha).passed
                for _ in range(2000))
    assert fails <= 2


def test_simulated_right_answers_pass_and_wrong_answers_lose_points(course, checks, hw):
    rng = np.random.default_rng(2)
    for seed in range(20):
        for gid, values in right_answers(checks, rng).items():
            res = score(course, HW, gid, values, seed)
            assert res.points == res.max_points, (gid, seed, res.messages)
    base = right_answers(checks, rng)
    touched = {"P_X given Y=2 taken as N(0.5, 1)": ["test_given_y", "test_posterior"],
               "P_X given Y=2 from inverting Y's equation, N(1/2, 1/16)": ["test_given_y"],
               "importance resampling with a low effective sample size": ["test_posterior"],
               "no intervention: samples of P_Y instead of P_Y under do(X=2)": ["test_do_samples"],
               "SCM A with a shared noise term (Y := X**2 + N_X)": ["test_scm_a"],
               "standard deviation given instead of variance": ["test_p_y"],
               "stored draws: every sampler returns the same draws whatever the seed":
                   ["test_scm_a", "test_do_samples", "test_posterior"]}
    assert sorted(touched) == sorted(hw.wrong_answers)
    a = course.assignment(HW)
    for label, mistake in hw.wrong_answers.items():
        for seed in range(200):
            ctx = hw.context(seed, a.false_fail_budget)
            wrong = mistake(base, ctx)
            for gid in touched[label]:
                res = grade_values(hw.questions[gid], wrong[gid], ctx, a.questions[gid])
                assert res.points < res.max_points, (label, seed, gid)


def test_stored_or_reshuffled_draws_lose_the_question_and_fresh_ones_pass(course, checks, hw):
    """The second call must draw new values: the same draws (or the same draws in another
    order) score nothing, with a message that says why and reveals nothing."""
    rng = np.random.default_rng(5)
    base = right_answers(checks, rng)
    for gid in ("test_scm_a", "test_do_samples", "test_posterior"):
        first = base[gid]["draws"]
        if gid == "test_scm_a":
            order = rng.permutation(SIZES["scm_a_samples"])
            shuffled = [np.asarray(first[0])[order], np.asarray(first[1])[order]]
        else:
            shuffled = rng.permutation(first)
        for again in (first, shuffled):
            res = score(course, HW, gid, {"draws": first, "again": again})
            assert res.points == 0, gid
            assert len(res.messages) == 1 and "same draws" in res.messages[0]
            assert "set_rng_seed" in res.messages[0] and "0.5" not in res.messages[0]
        # float32 draws from two seeds share at most a few values by rounding
        x32 = lambda: np.float32(rng.standard_normal(20_000))   # noqa: E731
        assert fresh_draws(x32(), x32(), "f").passed


def test_low_ess_resampling_is_caught_by_the_distinct_count(course, checks, hw):
    a = course.assignment(HW)
    base = right_answers(checks, np.random.default_rng(3))
    mistake = hw.wrong_answers["importance resampling with a low effective sample size"]
    for seed in range(50):
        ctx = hw.context(seed, a.false_fail_budget)
        res = grade_values(hw.questions["test_posterior"], mistake(base, ctx)["test_posterior"],
                           ctx, a.questions["test_posterior"])
        assert res.points == 0 and "too few distinct" in res.messages[0]


@pytest.mark.parametrize("answer", [
    (Fraction(8, 17), Fraction(1, 17)), ("8/17", "1/17"), (" 8 / 17", 1 / 17),
    [0.4706, 0.0588], (0.471, 0.059), np.array([8 / 17, 1 / 17])])
def test_exact_answers_are_accepted_in_any_notation(course, hw, answer):
    res = score(course, HW, "test_given_y", {"p_x_given_y2": answer})
    assert res.points == res.max_points, res.messages


def test_partial_credit_and_hints(course, hw):
    res = score(course, HW, "test_p_y", {"p_y": (0, math.sqrt(17))})
    assert res.points == 0.5 * res.max_points and "standard deviation" in res.messages[0]
    res = score(course, HW, "test_given_y", {"p_x_given_y2": (0.5, 1)})
    assert res.points == 0
    res = score(course, HW, "test_p_y", {"p_y": 17})
    assert res.points == 0 and "tuple (mean, variance)" in res.messages[0]
    res = score(course, HW, "test_p_y", {"p_y": ("zero", 17)})
    assert res.points == 0 and "not a number" in res.messages[0]


def test_failure_messages_never_reveal_the_truth(course, checks, hw):
    base = right_answers(checks, np.random.default_rng(4))
    wrong = hw.wrong_answers["P_X given Y=2 taken as N(0.5, 1)"](base, hw.context(1, 1e-3))
    for gid in ("test_given_y", "test_posterior"):
        text = " ".join(score(course, HW, gid, wrong[gid]).messages)
        for secret in ("8/17", "1/17", "0.47", "0.058", "0.059", "17", "0.24", "toleran", "band"):
            assert secret not in text, (gid, secret)


def test_stored_draws_with_noise_added_per_call_lose_every_sampling_question(course, checks):
    """Issue 24, item 7: a sampler that keeps one set of draws and adds a little fresh noise
    on each call shares no value between calls; it tracks the first call value by value,
    which the fresh-draws check reads for iid draws (20 seeds, three sampling questions)."""
    for seed in range(20):
        rng = np.random.default_rng(100 + seed)
        stored = right_answers(checks, rng)

        def jittered(draws):
            if isinstance(draws, list):
                return [np.asarray(d) + 0.05 * rng.standard_normal(len(d)) for d in draws]
            return np.asarray(draws) + 0.05 * rng.standard_normal(len(draws))
        for gid in ("test_scm_a", "test_do_samples", "test_posterior"):
            first = stored[gid]["draws"]
            res = score(course, HW, gid, {"draws": jittered(first), "again": jittered(first)},
                        seed)
            assert res.points == 0 and "nearly the same draws" in res.messages[0], (gid, seed)


def test_the_shared_noise_scm_is_named(course, hw):
    """Issue 24, item 7: Y := X**2 + N_X passes each marginal and fails only the joint test;
    the diagnosis compares the draws column by column ((x, y) as two columns) and names it."""
    from autograder.grading.misconceptions import diagnose
    a = course.assignment(HW)
    label = "SCM A with a shared noise term (Y := X**2 + N_X)"
    for seed in range(3):
        ctx = hw.context(700 + seed, a.false_fail_budget)
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(SIZES["scm_a_samples"])
        x2 = rng.standard_normal(SIZES["scm_a_samples"])
        values = {"test_scm_a": {"draws": (x, x ** 2 + x), "again": (x2, x2 ** 2 + x2)}}
        res = grade_values(hw.questions["test_scm_a"], values["test_scm_a"], ctx,
                           a.questions["test_scm_a"])
        assert res.points < res.max_points
        found = diagnose(hw, "test_scm_a", values, res, ctx)
        assert found is not None and found.label == label
