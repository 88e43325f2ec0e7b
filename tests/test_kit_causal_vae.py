"""The causal-VAE project kit's own facts, on plain data (no kernel): the sprite renderer,
the DAG's implied independences and an SCM's law (autograder/studies/), the contingency
tests milestone 1 relies on (checks/contingency.py), and milestone 1's checks against
right and wrong data drawn here. What each solution variant scores in a real kernel is
declared in checks.py (`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import dependent, independence_pvalue, independent
from autograder.checks.contingency import split_lr_pvalue
from autograder.studies import causal_vae as cv
from autograder.studies import sprites
from conftest import checks_of, context_of, design_sizes, score

HW = "causal_vae_m1"


# ------------------------------------------------------------------ renderer
def test_the_renderer_draws_each_factor_where_it_belongs():
    base = np.array([0, 5, 0, 15, 15])
    img = sprites.render(base)[0]
    assert img.shape == (32, 32) and set(np.unique(img)) <= {0, 1} and img.sum() > 20

    def centroid(labels):
        im = sprites.render(labels)[0].astype(float)
        r, c = np.nonzero(im)
        return c.mean(), r.mean()

    # x moves the sprite right, y moves it down (rows grow downwards), scale grows its mass
    assert centroid([0, 5, 0, 25, 15])[0] > centroid(base)[0] + 5
    assert centroid([0, 5, 0, 15, 25])[1] > centroid(base)[1] + 5
    assert sprites.render([0, 0, 0, 15, 15]).sum() < sprites.render(base).sum() / 2
    # the three shapes differ, and a heart turned half a circle is another image
    shapes = sprites.render([[s, 5, 3, 15, 15] for s in range(3)]).reshape(3, -1)
    assert len({row.tobytes() for row in shapes}) == 3
    assert not np.array_equal(sprites.render([2, 5, 0, 15, 15]), sprites.render([2, 5, 20, 15, 15]))


def test_the_grid_holds_every_combination_once_and_row_of_inverts_it():
    grid = sprites.grid()
    assert grid.shape == (int(np.prod(sprites.LEVELS)), 5)
    rows = np.array([0, 17, 123_456, len(grid) - 1])
    np.testing.assert_array_equal(sprites.row_of(grid[rows]), rows)


@pytest.mark.parametrize("bad", [np.zeros((3, 4)), [[0, 6, 0, 0, 0]], [[0.5, 1, 0, 0, 0]]])
def test_the_renderer_refuses_labels_that_are_not_level_indices(bad):
    with pytest.raises(ValueError):
        sprites.render(bad)


def test_the_shipped_renderer_is_the_graders():
    from pathlib import Path
    shipped = Path(__file__).resolve().parents[1] / "datasets" / "sprites" / "sprites.py"
    assert shipped.read_bytes() == Path(sprites.__file__).read_bytes()


# --------------------------------------------------------------------- study
def test_the_implied_independences_come_from_d_separation():
    implied = cv.implied_independences()
    for a, b, g in cv.IMPLIED_INDEPENDENCES:
        assert (frozenset((a, b)), g) in implied
    assert len(implied) == 10
    # shape is a collider once the arrows are reversed: orientation and scale meet there
    reversed_edges = {(b, a) for a, b in cv.EDGES}
    assert (frozenset(("orientation", "scale")), "shape") not in \
        cv.implied_independences(reversed_edges)


def test_the_joint_of_an_scm_factorises_along_the_dag():
    table = cv.instructor_joint()
    assert table.shape == sprites.LEVELS and abs(table.sum() - 1) < 1e-12
    cpts = sprites.instructor_cpts()
    # P(x | orientation) read back from the joint is the table it was built from
    p_ox = cv.family(table, "x")
    np.testing.assert_allclose(p_ox / p_ox.sum(axis=1, keepdims=True), cpts["x"], atol=1e-12)
    # the independent law keeps every marginal and drops every arrow
    ind = cv.independent_joint(table)
    for f in sprites.FACTORS:
        np.testing.assert_allclose(cv.marginal(ind, (f,)), cv.marginal(table, (f,)), atol=1e-12)


def test_the_training_set_is_reproducible_from_its_seed():
    a, b = cv.training_labels(), cv.training_labels()
    np.testing.assert_array_equal(a, b)
    assert a.shape == (cv.TRAIN_SIZE, 5)


# --------------------------------------------------------------- contingency
def test_the_independence_test_keeps_its_size_on_sparse_and_dense_tables():
    """Independent draws, 300 tests at level 0.05: the rejection share stays within three
    standard errors of the level (a sparse 30 x 30 table in 4 strata, and a dense one)."""
    rng = np.random.default_rng(7)
    for levels, n in ((30, 400), (3, 600)):
        rejected = 0
        for _ in range(300):
            s = rng.integers(0, 4, n)
            a = rng.integers(0, levels, n)
            b = (rng.random(n) ** 2 * levels).astype(int)       # a skewed margin
            rejected += not independent(a, b, 0.05, given=s).passed
        assert rejected / 300 <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 300)


def test_the_split_likelihood_screen_is_valid_on_a_concentrated_law():
    """The failure the screen replaced: a law concentrated on a few cells made the
    chi-square tail reject independent draws at p = 1e-9; the split likelihood ratio's
    p-value is a bound that holds at any sparsity."""
    rng = np.random.default_rng(3)
    weights = rng.dirichlet(np.full(32, 0.05))           # a few heavy levels
    pvalues = [split_lr_pvalue(rng.choice(32, 2000, p=weights), rng.choice(32, 2000, p=weights),
                               rng.integers(0, 3, 2000)) for _ in range(200)]
    assert np.mean(np.array(pvalues) < 0.01) <= 0.01 + 3 * np.sqrt(0.01 / 200)


def test_a_strong_dependence_is_rejected_without_thousands_of_permutations():
    rng = np.random.default_rng(5)
    s = rng.integers(0, 3, 10_000)
    a = rng.integers(0, 32, 10_000)
    b = (a + rng.integers(0, 3, 10_000)) % 32
    p, detail = independence_pvalue(a, b, 1e-5, s)
    assert p < 1e-7 and detail["permutations"] == 0
    assert not independent(a, b, 1e-5, given=s).passed
    assert dependent(a, b, 1e-3).passed
    assert not dependent(a, rng.permutation(b), 1e-3).passed


# ------------------------------------------------- milestone 1 on plain data
def _answers(table, n, rng, cpts):
    draw = lambda: cv.sample_rows(table, n, rng)   # noqa: E731
    return {"cpts": cpts, "draws": draw(), "again": draw()}


@pytest.mark.slow
def test_resampled_rows_pass_at_every_seed_and_each_known_wrong_law_fails(course):
    """The instructor's SCM as a team's answer: rows drawn from its law pass test_resample
    at three seeds; rows from each known wrong law fail it (the sizes of the design give
    power 0.999 against each)."""
    checks = checks_of(course, HW)
    n = design_sizes(HW)["resample_draws"]
    cpts = {f: t.tolist() for f, t in sprites.instructor_cpts().items()}
    table = cv.instructor_joint()
    rng = np.random.default_rng(11)
    for seed in range(3):
        res = score(course, HW, "test_resample", _answers(table, n, rng, cpts), seed=seed)
        assert res.points == res.max_points, res.messages
    for label, wrong in checks.resample_mistakes(table).items():
        res = score(course, HW, "test_resample", _answers(wrong, n, rng, cpts))
        if res.points == res.max_points:     # then test_markov must see it
            markov = score(course, HW, "test_markov", {"draws": cv.sample_rows(wrong, n, rng)})
            assert markov.points < markov.max_points, label


def test_stored_draws_earn_nothing(course):
    n = design_sizes(HW)["resample_draws"]
    cpts = {f: t.tolist() for f, t in sprites.instructor_cpts().items()}
    rows = cv.sample_rows(cv.instructor_joint(), n, np.random.default_rng(2))
    res = score(course, HW, "test_resample", {"cpts": cpts, "draws": rows, "again": rows})
    assert res.points == 0 and "same draws" in res.messages[0]


def test_tables_whose_rows_do_not_sum_to_one_are_refused_in_one_line(course):
    cpts = {f: t.tolist() for f, t in sprites.instructor_cpts().items()}
    cpts["x"] = (np.asarray(cpts["x"]) * 2).tolist()
    res = score(course, HW, "test_resample", {"cpts": cpts, "draws": np.zeros(5), "again": np.zeros(5)})
    assert res.points == 0 and "sum to 1" in " ".join(res.messages)


# ------------------------------------------------- image statistics (M2, M3)
def test_image_statistics_follow_the_factors():
    base = [0, 5, 0, 10, 10]
    moved = [0, 5, 0, 20, 25]
    imgs = sprites.render([base, moved])
    c = cv.centroid(imgs)
    # ten levels of x move the sprite ten steps of STEP / SUB pixels
    assert c[1, 0] - c[0, 0] == pytest.approx(10 * sprites.STEP / sprites.SUB, abs=0.5)
    assert c[1, 1] > c[0, 1] + 8
    assert cv.mass(sprites.render([0, 0, 0, 10, 10]))[0] < cv.mass(imgs[:1])[0]
    assert cv.iou(imgs[:1], imgs[:1])[0] == 1 and cv.pixel_error(imgs[:1], imgs[:1])[0] == 0
    assert cv.iou(imgs[:1], imgs[1:])[0] < 0.5
    with pytest.raises(ValueError):
        cv.as_images(np.full((2, 32, 31), 0.5))
    with pytest.raises(ValueError):
        cv.as_images(np.full((2, 32, 32), 1.5))


# ------------------------------------------------ milestone 2: decoder probes
M2 = "causal_vae_m2"


@pytest.mark.parametrize("factor", cv.PROBE_FACTORS)
def test_probe_pairs_differ_in_their_factor_only_and_the_renderer_scores_zero(factor):
    before, after = cv.factor_pairs(factor, 50, np.random.default_rng(3))
    col = cv.COLUMN[factor]
    others = [j for j in range(5) if j != col]
    np.testing.assert_array_equal(before[:, others], after[:, others])
    assert np.all(before[:, col] != after[:, col])
    rb, ra = sprites.render(before), sprites.render(after)
    np.testing.assert_allclose(cv.factor_errors(factor, rb, ra, rb, ra), 0.0, atol=1e-12)


def _decoded(course, decoder, seed):
    """What the checks of milestone 2 receive from a submission whose decode and
    reconstruct are `decoder` (a function of labels), on the probes of this seed."""
    checks = checks_of(course, M2)
    ctx = context_of(course, M2, seed)
    labels, _ = checks.heldout(ctx)
    return {"test_reconstruct": {"images": decoder(labels)},
            **{q: {"images": decoder(checks.probe_labels(ctx, q))} for q in checks.QUESTION_FACTORS}}


def test_the_renderer_as_a_decoder_passes_and_each_known_wrong_decoder_fails(course):
    """The exact renderer, as a perfect decoder, earns every point of milestone 2's
    decoder questions at three seeds; each known wrong decoder loses points on every
    question sized against it (the design's probe counts give power 0.999)."""
    checks = checks_of(course, M2)
    perfect = lambda labels: sprites.render(labels).astype(float)   # noqa: E731
    for seed in range(3):
        for gid, values in _decoded(course, perfect, seed).items():
            res = score(course, M2, gid, values, seed=seed)
            assert res.points == res.max_points, (gid, res.messages)
    # the swap is sized against test_position only (and the reconstruction); the other
    # statistics are sized against a decoder that ignores their factor
    sees = {"ignores its labels": None, "x and y swapped": ("test_reconstruct", "test_position")}
    for label, wrong in checks.WRONG_DECODERS.items():
        for gid, values in _decoded(course, wrong, 4).items():
            if sees[label] is None or gid in sees[label]:
                res = score(course, M2, gid, values, seed=4)
                assert res.points < res.max_points, (label, gid)


def test_images_of_the_wrong_shape_are_refused_in_one_line(course):
    n = design_sizes(M2)["heldout_sprites"]
    res = score(course, M2, "test_reconstruct", {"images": np.zeros((n, 32, 31))})
    assert res.points == 0 and "(n, 32, 32)" in " ".join(res.messages)


# ------------------------------------------- milestone 3: counterfactual shapes
M3 = "causal_vae_m3"


def test_counterfactual_probes_change_the_shape_and_the_renderer_scores_zero():
    labels, targets = cv.cf_probes(60, np.random.default_rng(5))
    assert np.all(targets != labels[:, 0]) and np.all(labels[:, 1] >= cv.BIG_SCALE)
    truth = sprites.render(cv.with_shape(labels, targets))
    np.testing.assert_array_equal(cv.with_shape(labels, targets)[:, 1:], labels[:, 1:])
    for stat, v in cv.cf_statistics(truth, labels, targets).items():
        np.testing.assert_allclose(v, 0.0, atol=1e-12, err_msg=stat)


def test_the_wrong_counterfactuals_keep_what_they_should():
    rng = np.random.default_rng(6)
    labels, targets = cv.cf_probes(200, rng)
    redrawn = cv.redrawn_children(labels, targets, rng)
    np.testing.assert_array_equal(redrawn[:, [0, 3, 4]], np.column_stack([targets, labels[:, 3:]]))
    prior = cv.prior_sprites(targets, rng)
    np.testing.assert_array_equal(prior[:, 0], targets)
    # P(scale | shape) of the instructor's SCM, recovered from the prior's draws
    cpts = sprites.instructor_cpts()
    many = cv.prior_sprites(np.full(20_000, 2), rng)
    np.testing.assert_allclose(np.bincount(many[:, 1], minlength=6) / 20_000,
                               cpts["scale"][2], atol=0.015)


def _answered(course, make, seed):
    """What milestone 3's checks receive from a submission whose counterfactuals are
    make(labels, targets) on the probes of this seed."""
    checks = checks_of(course, M3)
    ctx = context_of(course, M3, seed)
    labels, targets = checks.observed(ctx)
    images = make(labels, targets)
    answer = {key: images[targets == s] for key, s in checks.present(ctx).items()}
    return {q: answer for q in checks.QUESTIONS}


def test_the_true_counterfactual_passes_and_each_known_wrong_one_fails(course):
    """The renderer's exact counterfactual earns every point at three seeds; each known
    wrong counterfactual loses the checks the design sizes against it (CATCHES), the
    stochastic ones at 20 seeds."""
    checks = checks_of(course, M3)
    truth = lambda lab, t: sprites.render(cv.with_shape(lab, t)).astype(float)   # noqa: E731
    for seed in range(3):
        for gid, values in _answered(course, truth, seed).items():
            res = score(course, M3, gid, values, seed=seed)
            assert res.points == res.max_points, (gid, res.messages)
    question_of = {"error": "test_counterfactual", "change": "test_shape_changed",
                   "centroid": "test_kept", "area": "test_kept"}
    stochastic = {"a new sprite of the shape from the prior",
                  "orientation and scale re-drawn from the SCM given the new shape"}
    for label, wrong in checks.WRONG.items():
        must_lose = {question_of[s] for s, caught in checks.CATCHES.items() if label in caught}
        for seed in range(20 if label in stochastic else 1):
            rng = np.random.default_rng([seed, 99])
            made = _answered(course, lambda lab, t: wrong(lab, t, rng), seed)
            for gid in must_lose:
                res = score(course, M3, gid, made[gid], seed=seed)
                assert res.points < res.max_points, (label, gid, seed)


def test_counterfactual_images_of_the_wrong_shape_are_refused_in_one_line(course):
    checks = checks_of(course, M3)
    ctx = context_of(course, M3, 1)
    _, targets = checks.observed(ctx)
    values = {key: np.zeros((int(np.sum(targets == s)), 32, 31))
              for key, s in checks.present(ctx).items()}
    res = score(course, M3, "test_counterfactual", values)
    assert res.points == 0 and "(n, 32, 32)" in " ".join(res.messages)
