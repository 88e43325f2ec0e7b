"""Homework 8 (latent confounder, front door and VI): the truths follow from the SCM,
the bands hold for correct answers of several kinds and reject the known mistakes, the
sizes come from design(budget). The reference runs in a real kernel under its own seed.
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from autograder.grading.verdict import grade_values
from autograder.authoring.source import build_source_notebook
from conftest import full_marks, grade, score

HW = "latent_vi"


# ------------------------------------------------------------ derived facts
def test_true_ate_agrees_with_a_large_simulation_of_both_interventions(checks):
    """2 x 10^6 players per arm; the simulation's SE is about 0.001, so 5 SE is 0.005."""
    n = 2_000_000
    y1 = checks.scm.sample(n, 1, do_t=1)["Y"]
    y0 = checks.scm.sample(n, 2, do_t=0)["Y"]
    se = math.sqrt(y1.var() / n + y0.var() / n)
    assert checks.TRUE_ATE == pytest.approx(1.0)          # 2.0 x (0.7 - 0.2), by hand
    assert abs((y1.mean() - y0.mean()) - checks.TRUE_ATE) < 5 * se


def test_biased_estimators_converge_to_their_quadrature_values(checks):
    d = checks.scm.sample(2_000_000, 3)
    for label, value in checks.wrong_population_values().items():
        assert checks.estimate(checks.WRONG[label], d) == pytest.approx(value, abs=0.02), label
    for func in checks.CORRECT.values():
        assert checks.estimate(func, d) == pytest.approx(checks.TRUE_ATE, abs=0.02)
    cells = checks.population()["cells"]
    assert cells.sum() == pytest.approx(1.0, abs=1e-12)


def test_sizes_come_from_design_and_the_notebook_states_them(course, checks, hw):
    a = course.assignment(HW)
    text = "\n".join(c.source for c in build_source_notebook(a).cells)
    dz = hw.sizes(a.false_fail_budget)
    # the setup cell's constant is the design's (the calibration runs' own)
    assert re.search(rf"^NUM_Z_SAMPLES = {checks.load_reference()['num_z_samples']}\b", text, re.M)
    assert re.search(rf"^NUM_STEPS = {checks.load_reference()['num_steps']}\b", text, re.M)
    assert f"TRUE_ATE = {checks.TRUE_ATE}" in text
    # fd_n is enough for power and for the rarest cell, and the smallest such multiple of
    # 500; a smaller budget never asks for fewer players
    alpha = hw.context(0, a.false_fail_budget).alpha
    need = max(checks.fd_power_n(alpha), checks.fd_cell_n())
    assert need <= dz["fd_n"] < need + 500 and dz["fd_n"] % 500 == 0
    assert dz["fd_n"] * checks.population()["cells"].min() >= checks.MIN_CELL_COUNT
    assert hw.sizes(a.false_fail_budget / 100)["fd_n"] >= dz["fd_n"]
    assert checks.fd_power_n(alpha / 100) > checks.fd_power_n(alpha)


# ------------------------------------------------ front-door band, simulated
def _fd_answers(checks, ctx, func):
    return {k: checks.estimate(func, d) for k, d in checks.fd_sets(ctx).items()}


def test_correct_front_door_estimators_pass_and_biased_ones_fail(course, checks, hw):
    a = course.assignment(HW)
    q = hw.questions["test_frontdoor"]
    for seed in range(8):
        ctx = hw.context(seed, a.false_fail_budget)
        for func in checks.CORRECT.values():
            res = grade_values(q, _fd_answers(checks, ctx, func), ctx, 3)
            assert res.points == 3, (seed, res.messages)
        for label, func in checks.WRONG.items():
            res = grade_values(q, _fd_answers(checks, ctx, func), ctx, 3)
            assert res.points == 0, (seed, label)
            text = " ".join(res.messages)
            assert checks.HINTS[label] in text
            assert not re.search(r"\b1\.0\b|0\.9\d|band|toleran", text)


def test_bootstrap_se_matches_the_sampling_sd_at_the_design_size(course, checks, hw):
    """The band's SE is the bootstrap SD on the student's data set; over 300 data sets of
    the design size it must match the estimator's actual sampling SD (within 10%)."""
    n = hw.sizes(course.assignment(HW).false_fail_budget)["fd_n"]
    est, ses = [], []
    for i in range(300):
        d = checks.scm.sample(n, 10_000 + i)
        est.append(checks.estimate(checks.frontdoor_by_g, d))
        if i < 40:
            ses.append(checks.bootstrap_se(d, i, replicates=500))
    sd = np.std(est, ddof=1)
    assert np.mean(ses) == pytest.approx(sd, rel=0.1)
    # coverage at a level we can see: |est - truth| <= 1.96 SE in ~95% of data sets
    inside = np.mean(np.abs(np.asarray(est) - checks.TRUE_ATE) <= 1.96 * np.mean(ses))
    assert 0.92 <= inside <= 0.98


# --------------------------------------------------- same-Z test, simulated
def test_same_z_statistic_keeps_right_answers_and_catches_a_redrawn_z(course, checks, hw):
    a = course.assignment(HW)
    q = hw.questions["test_same_z"]
    stats_right = []
    for seed in range(300):
        ctx = hw.context(seed, a.false_fail_budget)
        right = grade_values(q, checks.simulated_contrasts(ctx, redraw_z=False), ctx, 2)
        assert right.points == 2, (seed, right.messages)
        stats_right.append(right.detail[0]["z"])
        if seed < 50:
            wrong = grade_values(q, checks.simulated_contrasts(ctx, redraw_z=True), ctx, 2)
            assert wrong.points == 0 and "same for both arms" in wrong.messages[0]
    # the statistic is centred: its z is ~ N(0, 1) under the right answer
    assert abs(np.mean(stats_right)) < 0.25 and 0.8 < np.std(stats_right) < 1.25
    # an exact (noise-free) answer gives identical calls and passes
    exact = np.linspace(0.5, 1.5, hw.sizes(a.false_fail_budget)["same_z_units"])
    res = score(course, HW, "test_same_z", {k: exact for k in ("a", "b", "single_a", "single_b")})
    assert res.points == res.max_points


def test_vi_band_is_a_prediction_interval_from_the_calibration_runs(course, checks, hw):
    ref = checks.load_reference()
    v = np.asarray(ref["reference_ates"])
    assert v.size >= 10 and len(ref["untrained_ates"]) >= 10
    centre, half = checks.vi_band(hw.context(0, course.assignment(HW).false_fail_budget).alpha)
    assert centre == pytest.approx(v.mean()) and np.all(np.abs(v - centre) <= half)
    # the fitted model recovers the truth up to the sampling error of 2,000 players
    se_data = checks.root_n_sds()["front-door formula within G"] / math.sqrt(2000)
    assert abs(centre - checks.TRUE_ATE) <= 4 * se_data
    # every untrained model and every biased estimate lies outside
    assert np.all(np.abs(np.asarray(ref["untrained_ates"]) - centre) > half)
    assert all(abs(w - centre) > half for w in checks.wrong_population_values().values())


def test_training_check(course):
    rng = np.random.default_rng(0)
    steps = np.arange(1500)
    trained = 3.35 + 0.4 * np.exp(-steps / 200) + 0.02 * rng.standard_normal(1500)
    assert score(course, HW, "test_training", {"losses": trained.tolist()}).points == 2
    flat = 3.7 + 0.02 * rng.standard_normal(1500)
    res = score(course, HW, "test_training", {"losses": flat.tolist()})
    assert res.points == 0 and "untrained" in res.messages[0]
    for bad in ([], [3.0] * 10, "losses", [float("nan")] * 100):
        assert score(course, HW, "test_training", {"losses": bad}).points == 0


def test_registered_mistakes_lose_points(course, checks, hw):
    assert sorted(hw.wrong_answers) == sorted(["naive difference in means",
                                               "back-door adjustment on G only",
                                               "a different Z per arm", "untrained model",
                                               "the front-door estimate returned as the VI "
                                               "estimate"])
    a = course.assignment(HW)
    for label, mistake in hw.wrong_answers.items():
        for seed in range(5):
            ctx = hw.context(seed, a.false_fail_budget)
            values = mistake({}, ctx)
            for gid, v in values.items():
                res = grade_values(hw.questions[gid], v, ctx, a.questions[gid])
                assert res.points < res.max_points, (label, gid, seed)


# ------------------------------------------------- real notebooks, real kernel
def test_reference_solution_gets_full_marks(course):
    outcome, results = grade(course, HW, 8308)
    assert outcome.stopped is None
    assert sorted(full_marks(results)) == sorted(results), {g: r.messages for g, r in results.items()}
