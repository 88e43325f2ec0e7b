"""Homework 4 (inverse probability weighting): the truths follow from homework 2's CPTs,
right answers pass whatever the seed or the method, the known wrong answers of the
content brief fail, on plain data.
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.checks import detection_probability
from autograder.grading.verdict import grade_values
from conftest import score, design_budget, design_sizes

HW = "ipw"
BUDGET = design_budget(HW)   # what its checks spend (course.yml)
SIZES = design_sizes(HW)   # the design at course.yml's budget


def propensity(cpts: dict, x: int, z: int) -> float:
    """P(X=x | Z=z); the CPT is indexed [z][x]."""
    return float(np.asarray(cpts["p_x_given_z"])[z, x])


def closed_form(cpts: dict) -> np.ndarray:
    """P(z) P(y | x, z) / 2: what the weighted joint must equal (brief, section 4)."""
    p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
    p_y1 = np.asarray(cpts["p_y_given_xz"])
    out = np.empty((2, 2, 2))
    for z, x, y in np.ndindex(2, 2, 2):
        out[z, x, y] = p_z[z] * (p_y1[x, z] if y else 1 - p_y1[x, z]) / 2
    return out


def right_answers(checks, rng, ctx) -> dict:
    """What a correct submission hands the checks, with its own sampling noise."""
    n = SIZES["num_samples"]

    def traces(cpts):
        table = checks.joint(cpts)
        idx = rng.choice(8, size=n, p=table.ravel())
        cells = np.array(checks.CELLS)[idx]
        return np.column_stack([cells, table.ravel()[idx]]).astype(np.float32)

    def draws(table):
        return np.array(checks.CELLS)[rng.choice(8, size=SIZES["resample_samples"],
                                                 p=np.asarray(table).ravel())]

    probes = checks.probe_tables(ctx)
    return {
        "test_propensity": {f"{label}:x={x},z={z}": propensity(c, x, z)
                            for label, c in probes.items() for x in (0, 1) for z in (0, 1)},
        "test_traces": {label: traces(c) for label, c in probes.items()},
        "test_weighted_joint": {label: {cell: float(np.float32(checks.weighted_joint(c)[cell]))
                                        for cell in checks.CELLS}
                                for label, c in probes.items()},
        "test_resample": {label: draws(t) for label, t in checks.resample_probes(ctx).items()},
        "test_ipw_ace": {label: checks.contrast(np.bincount(
            rng.choice(8, size=n, p=checks.weighted_joint(c).ravel()), minlength=8).reshape(2, 2, 2))
            for label, c in checks.probe_tables.estimate_tables(ctx).items()},
    }


def context(course, hw, seed):
    return hw.context(seed, course.assignment(HW).false_fail_budget)


def drawn_tables(checks, seeds=range(300), budget=BUDGET):
    """The grader's table of many submissions."""
    return [checks.probe_tables.drawn(seed, budget) for seed in seeds]


# ------------------------------------------------------------ derived facts
def test_truths_are_derived_from_homework_2s_cpts(checks):
    for cpts in [checks.TRUE_CPTS] + drawn_tables(checks, range(50)):
        q = checks.weighted_joint(cpts)
        p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
        assert q.sum() == pytest.approx(1.0, abs=1e-15)
        assert q.sum(axis=(0, 2)) == pytest.approx([0.5, 0.5], abs=1e-15)    # Q(x) = 1/2
        assert q.sum(axis=2) == pytest.approx(np.outer(p_z, [0.5, 0.5]), abs=1e-15)  # X indep. of Z
        # the resampled contrast of the weighted joint is the back-door ACE
        assert checks.contrast(q) == pytest.approx(checks.ace(cpts), abs=1e-15)
    observed = checks.TRUE_CPTS
    assert checks.ace(observed) == pytest.approx(0.0550, abs=5e-5)               # brief: 0.0550
    wrong = checks.wrong_aces(observed)
    assert wrong["naive contrast (data file)"][0] == pytest.approx(-0.0434, abs=5e-5)
    assert wrong["naive contrast (brief's Overall row)"][0] == pytest.approx(-0.0466, abs=5e-5)


def test_every_wrong_ace_fails_with_power_0999_at_the_required_size(course, checks, hw):
    a = course.assignment(HW)
    alpha = a.false_fail_budget / hw.total_checks
    tables = [checks.TRUE_CPTS] + drawn_tables(checks, budget=a.false_fail_budget)
    # on the study's table and on every table the grader draws, the typed-in study ACE
    # included
    assert "the study's answer typed in" in checks.probe_tables.power(tables[1], a.false_fail_budget)
    for i, c in enumerate(tables):
        for label, power in checks.probe_tables.power(c, a.false_fail_budget).items():
            assert power >= 0.999, (label, i)
    # ... which 1000 resamples could not promise (the brief's point)
    c = checks.TRUE_CPTS
    value, sd = checks.wrong_aces(c)["naive contrast (data file)"]
    assert detection_probability(checks.ace(c), value, sd / math.sqrt(1000), alpha) < 0.999
    assert checks.ace_se(c, 1000) > 0.025 / 2


def test_the_band_covers_resampling_from_the_table_and_from_a_pool_of_traces(checks):
    """The SE used in the band (delta method) against simulation of both readings of
    the question: resample the exact 8-cell table, or resample n weighted traces."""
    rng = np.random.default_rng(0)
    n = SIZES["num_samples"]
    for c in [checks.TRUE_CPTS] + drawn_tables(checks, range(3)):
        p, q = checks.joint(c).ravel(), checks.weighted_joint(c).ravel()
        inv = np.array([1 / propensity(c, x, z) for z, x, _ in checks.CELLS])
        table, pool = [], []
        for _ in range(3000):
            table.append(checks.contrast(rng.multinomial(n, q).reshape(2, 2, 2)))
            w = rng.multinomial(n, p) * inv
            pool.append(checks.contrast(rng.multinomial(n, w / w.sum()).reshape(2, 2, 2)))
        se = checks.ace_se(c, n)
        assert np.std(pool) == pytest.approx(se, rel=0.06)
        assert np.std(table) < se
        assert np.mean(pool) == pytest.approx(checks.ace(c), abs=3 * se / math.sqrt(3000))


def test_the_graders_tables_keep_the_exact_and_frequency_checks_valid(course, checks, hw):
    ctx = context(course, hw, 1)
    first = checks.probe_tables(ctx)
    assert first == checks.probe_tables(ctx) and first["observed"] == checks.TRUE_CPTS
    assert first["grader's"] != checks.probe_tables(context(course, hw, 2))["grader's"]
    assert eval(repr(first["grader's"])) == first["grader's"]   # a plain literal for the kernel
    for c in drawn_tables(checks):
        assert checks.joint(c).min() >= checks.joint(checks.TRUE_CPTS).min()
        assert checks.weighted_joint(c).min() >= checks.weighted_joint(checks.TRUE_CPTS).min()
        assert np.allclose(checks.weighted_joint(c), closed_form(c), rtol=0, atol=1e-15)
        a = np.asarray(c["p_x_given_z"])[:, 1]
        assert abs(a.sum() - 1) > 1e-3 and np.abs(a - 0.5).min() > 1e-3


def test_simulated_right_answers_pass_and_wrong_answers_lose_points(course, checks, hw):
    rng = np.random.default_rng(1)
    for seed in range(20):
        base = right_answers(checks, rng, context(course, hw, seed))
        for gid, values in base.items():
            res = score(course, HW, gid, values, seed)
            assert res.points == res.max_points, (gid, seed, res.messages)
    base = right_answers(checks, rng, context(course, hw, 1))
    touched = {"unnormalised IPW weights": ["test_weighted_joint"],
               "naive contrast (no weighting, data file)": ["test_weighted_joint", "test_ipw_ace"],
               "naive contrast (brief's Overall row)": ["test_ipw_ace"],
               "ACE typed in as a constant": ["test_ipw_ace"],
               "resampling without replacement (pool 8 times the draw)": ["test_resample"],
               "effect among unhappy subscribers only": ["test_ipw_ace"],
               "effect among happy subscribers only": ["test_ipw_ace"]}
    assert sorted(touched) == sorted(hw.wrong_answers)
    for label, mistake in hw.wrong_answers.items():
        for seed in range(200):
            ctx = hw.context(seed, course.assignment(HW).false_fail_budget)
            wrong = mistake(base, ctx)
            for gid in touched[label]:
                res = grade_values(hw.questions[gid], wrong[gid], ctx,
                                   course.assignment(HW).questions[gid])
                assert res.points == 0, (label, seed, gid)


def test_malformed_answers_explain_themselves(course, checks, hw):
    res = score(course, HW, "test_weighted_joint",
                {"observed": {"(0,0,0)": 0.1}, "grader's": {}})
    assert res.points == 0 and "tuple (z, x, y)" in res.messages[0]
    rng = np.random.default_rng(2)
    traces = right_answers(checks, rng, context(course, hw, 1))["test_traces"]
    logged = {k: np.column_stack([v[:, :3], np.log(v[:, 3])]) for k, v in traces.items()}
    res = score(course, HW, "test_traces", logged)
    assert res.points == 0.5 * res.max_points and "log-probabilities" in " ".join(res.messages)
    swapped = {f"{label}:x={x},z={z}": propensity(c, z, x)
               for label, c in checks.probe_tables(context(course, hw, 1)).items()
               for x in (0, 1) for z in (0, 1)}
    res = score(course, HW, "test_propensity", swapped)
    assert res.points == 0 and "swaps x and z" in res.messages[0]


def test_failure_messages_never_reveal_the_truth_or_the_band(course, checks, hw):
    res = score(course, HW, "test_ipw_ace", {"observed": -0.0434, "grader's": 0.0434,
                                                      "grader's second": 0.0434})
    text = " ".join(res.messages)
    assert res.points == 0
    grader_ace = checks.ace(checks.probe_tables(context(course, hw, 1))["grader's"])
    for secret in ("0.055", "0.0550", "5.5", "0.013", "0.05", "band", "toleran", "±",
                   f"{grader_ace:.3f}"):
        assert secret not in text


def test_parts_right_on_the_study_only_earn_nothing(course, checks, hw):
    """Stored answers for the study's table, handed back for the grader's table too.
    (A part right on both keeps its credit: see the log-probabilities case above.)"""
    rng = np.random.default_rng(3)
    right = right_answers(checks, rng, context(course, hw, 1))
    stored = {label: right["test_traces"]["observed"] for label in right["test_traces"]}
    res = score(course, HW, "test_traces", stored)
    # the study's parts earn nothing; the grader's frequency check keeps its documented
    # partial credit for the cells that happen to match
    assert res.points < 0.25 * res.max_points
    assert sum("gives the right value here" in m for m in res.messages) == 2
    stored = {label: right["test_weighted_joint"]["observed"]
              for label in right["test_weighted_joint"]}
    assert score(course, HW, "test_weighted_joint", stored).points == 0
    stored = {f"{label}:{key.split(':')[1]}": right["test_propensity"][f"observed:{key.split(':')[1]}"]
              for label in ("observed", "grader's") for key in right["test_propensity"]}
    assert score(course, HW, "test_propensity", stored).points == 0


def test_resampling_without_replacement_from_a_pool_8_times_the_draw_loses_the_question(
        course, checks, hw):
    """Issue 24, item 6: torch.multinomial without replacement from one row per key per
    requested sample (a pool 8 times the draw), written apart from the registered
    simulation, loses test_resample at every one of 20 seeds: resample_samples is sized
    for this pool (power 0.999 at the per-check level on the study's weighted joint)."""
    import torch

    def pooled(joint, num_samples, seed):
        torch.manual_seed(seed)
        keys = list(joint)
        probs = torch.tensor([float(joint[k]) for k in keys], dtype=torch.float64)
        rows = torch.multinomial(probs.repeat(num_samples), num_samples, replacement=False)
        return np.array(keys)[(rows % len(keys)).numpy()]

    for seed in range(20):
        ctx = context(course, hw, seed)
        calls = hw.questions["test_resample"].calls(ctx)
        answer = {label: pooled(**{k: v for k, v in kwargs.items()})
                  for label, (_, kwargs) in calls.items()}
        assert score(course, HW, "test_resample", answer, seed).points == 0, seed
    p = checks.weighted_joint(checks.TRUE_CPTS)
    assert np.allclose(checks.without_replacement_shares(p, 8),
                       checks.resample_without_replacement(np.random.default_rng(0), p,
                                                           10 ** 6, 8) / 10 ** 6, rtol=0.01, atol=0)
