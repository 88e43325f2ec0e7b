"""Homework 8 (mixture density networks): the truths follow from the generator, every
size comes from design(budget) and matches the notebook, the Gumbel-max, hard-EM and NLL
checks pass right answers and fail the known wrong ones on plain data, and the reference
notebook gets full marks in a real kernel (one run, about a minute on idle cores).
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import math

import nbformat
import numpy as np
import pytest
from scipy.special import softmax

from autograder.grading.verdict import grade_values
from conftest import REPO

HW = "mdn"


def score(course, hw, gid, values, seed):
    a = course.assignment(HW)
    return grade_values(hw.questions[gid], values, hw.context(seed, a.false_fail_budget),
                        a.questions[gid])


# ------------------------------------------------------------ derived facts
def test_generator_is_the_briefs_and_the_csv_is_its_output(checks):
    x, t = checks.data.course_data()
    assert np.allclose(t, np.linspace(0, 1, 1000))
    resid = x - (t + 0.3 * np.sin(2 * np.pi * t))
    assert resid.min() >= -0.1 and resid.max() <= 0.1 and resid.std() > 0.05
    rows = np.loadtxt(REPO / "datasets" / "mdn" / "bishop.csv", delimiter=",", skiprows=1)
    assert np.allclose(rows[:, 0], x, atol=1e-6) and np.allclose(rows[:, 1], t, atol=1e-6)
    a, b = checks.data.fresh_draws(50, 1), checks.data.fresh_draws(50, 2)
    assert not np.allclose(a[0], b[0])


def test_gaussian_floor_matches_a_binned_simulation(checks):
    x, t = checks.data.fresh_draws(400_000, 3)
    edges = np.quantile(x, np.linspace(0, 1, 401))
    idx = np.clip(np.searchsorted(edges, x) - 1, 0, 399)
    var = np.bincount(idx, (t - np.bincount(idx, t)[idx] / np.bincount(idx)[idx]) ** 2) \
        / np.bincount(idx)
    binned = np.mean(0.5 * np.log(2 * np.pi * np.e * var[idx]))
    assert binned == pytest.approx(checks.gaussian_floor()["nll"], abs=0.01)


def test_the_truth_splits_near_one_half_but_not_at_it(checks):
    assert len(checks.truth_pieces(0.5)) == 1           # uniform on one interval at x = 0.5
    for x in checks.DIP_X:
        assert len(checks.truth_pieces(x)) == 2


def test_each_part_states_its_own_size_and_a_tighter_budget_needs_more(course, checks, hw):
    """The generic contract test checks every placeholder is filled; here each question
    states the size of its own part (sizes are per part, so a mix-up would go unseen)."""
    a = course.assignment(HW)
    sizes = hw.sizes(a.false_fail_budget)
    cells = {c.metadata["nbgrader"]["grade_id"]: c.source
             for c in nbformat.read(a.notebook, 4).cells}
    for cell, size in (("qb", "experts_points"), ("qc", "mdn_points"), ("qd", "bayes_points"),
                       ("qg", "gumbel_draws"), ("qa", "hard_em_points"), ("qa", "hard_em_sets")):
        assert "{{" + size + "}}" in cells[cell], (cell, size)
    assert sizes["hard_em_points"] == checks.HARD_EM_POINTS
    tight = hw.sizes(a.false_fail_budget / 10)
    assert all(tight[k] >= sizes[k] for k in sizes)
    assert tight["gumbel_draws"] > sizes["gumbel_draws"]


def test_every_gaussian_fails_and_the_reference_fits_pass_by_design(course, checks, hw):
    floor = checks.gaussian_floor()
    ctx = hw.context(0, course.assignment(HW).false_fail_budget)
    for part in checks.PARTS:
        n = ctx.sizes[checks.POINTS[part]]
        assert n == checks.nll_points(part, ctx.alpha)
        assert floor["nll"] > checks.nll_threshold(part, n, ctx.alpha)
        assert checks.reference_fits()[part]["worst"] < checks.nll_threshold(part, n, ctx.alpha)
        # n is the smallest multiple of 500 that separates
        z_beta = checks.stats.norm.ppf(checks.POWER)
        assert n == 500 or floor["nll"] - z_beta * floor["point_sd"] / math.sqrt(n - 500) \
            <= checks.nll_threshold(part, n - 500, ctx.alpha)


# ------------------------------------------------------------ Gumbel-max
def gumbel(logits, seed):
    rng = np.random.default_rng(seed)
    return np.argmax(np.asarray(logits) - np.log(-np.log(rng.uniform(size=np.shape(logits)))), 1)


def test_gumbel_right_answers_pass_and_wrong_ones_fail(course, checks, hw):
    for seed in range(6):
        ctx = hw.context(seed, course.assignment(HW).false_fail_budget)
        calls = hw.questions["test_gumbel"].calls(ctx)
        logits = np.asarray(calls["draws"][1]["logits"])
        right = {k: gumbel(logits, kw["seed"]) for k, (_, kw) in calls.items()}
        assert score(course, hw, "test_gumbel", right, seed).points == 3
        stored = {"draws": right["draws"], "again": right["draws"]}
        assert score(course, hw, "test_gumbel", stored, seed).points == 0
        p = softmax(logits, axis=1)
        wrong = {"argmax": lambda s: np.argmax(logits, 1),
                 "axis": lambda s: gumbel(np.log(softmax(logits, axis=0)), s),
                 "probs": lambda s: gumbel(p, s)}
        for label, f in wrong.items():
            res = score(course, hw, "test_gumbel", {"draws": f(1), "again": f(2)}, seed)
            assert res.points < 3, (label, seed, res.messages)


def test_gumbel_rejects_malformed_indices(course, hw):
    res = score(course, hw, "test_gumbel", {"draws": [0.5, 1], "again": [0, 1]}, 0)
    assert res.points == 0 and "one component index per row" in res.messages[0]


# ------------------------------------------------------------------ hard-EM
def test_hard_em_reference_and_relabelling_pass_and_no_reassignment_fails(course, checks, hw):
    for seed in range(5):
        ctx = hw.context(seed, course.assignment(HW).false_fail_budget)
        inputs = checks._hard_em_inputs_all(ctx)
        assert len(inputs) == 1 + ctx.sizes["hard_em_sets"]
        right = {k: checks.reference_hard_em(*v) for k, v in inputs.items()}
        assert score(course, hw, "test_hard_em", right, seed).points == 3
        perm = np.array([2, 0, 1])
        relabelled = {k: (coef[np.argsort(perm)], perm[z]) for k, (coef, z) in right.items()}
        assert score(course, hw, "test_hard_em", relabelled, seed).points == 3
        bad = checks.wrong_no_reassignment({}, ctx)["test_hard_em"]
        assert score(course, hw, "test_hard_em", bad, seed).points == 0


def test_notebook_initialisation_is_the_graders(course, checks):
    nb = nbformat.read(course.assignment(HW).notebook, 4)
    setup = next(c.source for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "setup")
    ns = {"np": np}
    exec(setup[setup.index("def initial_clusters"):setup.index("def mixture_density")], ns)
    x = np.linspace(-0.1, 1.1, 300)
    assert np.array_equal(ns["initial_clusters"](x, 7), checks.initial_clusters(x, 7))


# --------------------------------------------------------------- NLL + modes
def test_mixture_guards_and_single_gaussian(course, checks, hw):
    ctx = hw.context(0, course.assignment(HW).false_fail_budget)
    values = checks.wrong_single_gaussian({}, ctx)
    res = score(course, hw, "test_mdn", values["test_mdn"], 0)
    assert res.points == 0 and "unimodal" in " ".join(res.messages)
    values = checks.wrong_unnormalised({}, ctx)
    res = score(course, hw, "test_mdn", values["test_mdn"], 0)
    assert res.points == 0 and "sum to 1" in res.messages[0]


# ------------------------------------------------- real notebook, real kernel
# The reference's full marks and every registered mistake losing points are the generic
# contract tests (tests/test_homeworks.py); what each variant scores is declared in
# checks.py (`hw.variant`) and graded there too.
