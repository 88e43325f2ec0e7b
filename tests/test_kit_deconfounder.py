"""The deconfounder kit's own facts (the generic contract tests in test_homeworks.py grade its
three milestones in a real kernel): the generator and its course data set, the statistics of
autograder/studies/deconfounder.py, and the reference fits every band comes from, with the
power of the bands against the kit's known wrong answers. No kernel runs here."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from scipy import stats

from autograder.checks import prediction_band, prediction_bound
from autograder.studies import deconfounder as study
from conftest import REPO, checks_of, context_of

KIT = ("deconfounder_m1", "deconfounder_m2", "deconfounder_m3")
MIN_RUNS = {"reference": 60, "alternative": 25}
POWER = 0.999


# ----------------------------------------------------------------- the generator
def test_the_generator_plants_a_franchise_actor_without_an_effect():
    data = study.draw_casts(5)
    star = data.franchise_actor
    assert data.casts.shape == (study.N_FILMS, study.N_ACTORS)
    assert set(np.unique(data.casts)) == {0, 1}
    assert data.effects[star] == 0.0
    assert np.all(np.delete(data.effects, star) >= study.EFFECTS[0])
    assert tuple(data.loadings[star]) == study.FRANCHISE_ACTOR["loadings"]
    assert len(set(data.actors)) == study.N_ACTORS
    # the revenue is the stated linear model, exactly
    y = (study.INTERCEPT + data.casts @ data.effects
         + data.confounders @ np.asarray(study.CONFOUNDER_EFFECTS) + data.noise)
    np.testing.assert_allclose(data.revenue, y)
    # every seed plants the franchise actor somewhere else, under other names
    other = study.draw_casts(6)
    assert other.actors != data.actors


def test_the_same_seed_draws_the_same_data_set():
    a, b = study.draw_casts(11), study.draw_casts(11)
    np.testing.assert_array_equal(a.casts, b.casts)
    np.testing.assert_array_equal(a.revenue, b.revenue)


def test_the_course_csv_is_the_generators_course_draw():
    data = study.draw_casts(study.COURSE_SEED)
    with (REPO / "datasets" / "casts" / "casts.csv").open() as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    assert header == ["film", *data.actors, "log_revenue"]
    casts = np.array([[int(v) for v in r[1:-1]] for r in body])
    np.testing.assert_array_equal(casts, data.casts)
    np.testing.assert_allclose([float(r[-1]) for r in body], data.revenue, atol=5e-5)


def test_practice_data_come_with_their_truth():
    import sys
    sys.path.insert(0, str(REPO / "datasets" / "casts"))
    import casts_kit
    df, truth = casts_kit.practice_casts(3)
    data = study.draw_casts(3)
    assert casts_kit.actor_columns(df) == list(data.actors)
    assert truth["franchise_actor"] == data.actors[data.franchise_actor]
    assert truth["effects"][truth["franchise_actor"]] == 0.0
    casts, revenue = casts_kit.casts_and_revenue(df)
    np.testing.assert_array_equal(casts, data.casts)


# ----------------------------------------------------------------- the statistics
def test_canonical_correlations_ignore_rotations_and_count_missing_directions():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((500, 2))
    mixed = z @ np.array([[2.0, -1.0], [0.5, 3.0]]) + 7.0
    np.testing.assert_allclose(study.canonical_correlations(z, mixed), [1.0, 1.0], atol=1e-9)
    one = study.canonical_correlations(z, z[:, :1] + 0.1 * rng.standard_normal((500, 1)))
    assert one[0] > 0.99 and one[1] == 0.0


def test_the_independence_test_is_exact_for_any_substitute_and_sees_a_leak():
    """F-test p-values of a noise column against a Z_hat that depends on the casts only are
    uniform; a Z_hat that absorbed part of the column gives p ~ 0."""
    data = study.draw_casts(2)
    z_hat = study.posterior_mean(data.casts, data.loadings, data.intercepts)
    rng = np.random.default_rng(1)
    p = [study.independence_pvalue(rng.standard_normal(len(z_hat)), z_hat) for _ in range(400)]
    assert stats.kstest(p, "uniform").pvalue > 1e-3
    noise = rng.standard_normal(len(z_hat))
    assert study.independence_pvalue(noise, z_hat + 0.3 * noise[:, None]) < 1e-12


def test_least_squares_and_the_error_ratio():
    data = study.draw_casts(4)
    fit = study.least_squares(data.casts, data.revenue)
    x = np.column_stack([np.ones(len(data.revenue)), data.casts])
    np.testing.assert_allclose(fit.effects, np.linalg.lstsq(x, data.revenue, rcond=None)[0][1:])
    assert study.error_ratio(fit.effects, data) == pytest.approx(1.0)
    # adjusting for the true confounders leaves sampling error only
    oracle = study.least_squares(data.casts, data.revenue, data.confounders)
    assert study.error_ratio(oracle.effects, data) < 0.3
    assert study.rank_correlation(study.ranking(data.actors, data.effects), data) == 1.0


def test_one_sided_prediction_bounds_hold_at_their_level():
    """One more draw of the same normal falls beyond the one-sided bound at rate alpha (the
    bounds of test_score's second part, test_substitute, test_pipeline, test_rankings)."""
    rng = np.random.default_rng(0)
    sims = rng.standard_normal((4000, 11))
    outside = [x[-1] > prediction_bound(x[:-1], 0.05, "upper") for x in sims]
    assert abs(np.mean(outside) - 0.05) < 0.012


def test_the_do_contrast_sd_is_that_of_independent_arms():
    """Simulated contrasts Y(do A_j = 1) - Y(do A_j = 0), arms drawn independently, have the
    SD do_contrast_sd states (its bound for test_do's band)."""
    data = study.draw_casts(8)
    z = data.confounders[:400]
    params = {"W": data.loadings, "b": data.intercepts, "beta": data.effects, "sigma": 0.3}
    sd = study.do_contrast_sd(params, z)
    rng = np.random.default_rng(0)
    p = 1 / (1 + np.exp(-(data.intercepts + z @ data.loadings.T)))
    j = 3

    def arm(value):
        cast = (rng.random(p.shape) < p).astype(float)
        cast[:, j] = value
        return cast @ data.effects + 0.3 * rng.standard_normal(len(z))
    contrasts = np.concatenate([arm(1) - arm(0) for _ in range(300)])
    assert contrasts.mean() == pytest.approx(data.effects[j], abs=4 * sd[j] / np.sqrt(contrasts.size))
    assert contrasts.std() == pytest.approx(sd[j], rel=0.02)


# ----------------------------------------------------------------- the reference fits
def fits_file(hw):
    return REPO / "assignments" / hw / "reference" / "fits.json"


@pytest.fixture(scope="module")
def fits():
    """The recorded runs of each milestone, {style: [run, ...]}; the checks read the same
    files (their FITS)."""
    for hw in KIT:
        assert checks_of_kit(hw).FITS == fits_file(hw)
    return {hw: {style: study.recorded_rows(fits_file(hw), style) for style in MIN_RUNS}
            for hw in KIT}


def runs_of(hw, stat):
    return study.recorded_runs(fits_file(hw), stat)


def checks_of_kit(hw):
    from autograder.course.config import load_course
    return checks_of(load_course(REPO / "course.yml"), hw)


@pytest.mark.parametrize("hw", KIT)
def test_the_reference_fits_are_recorded_for_both_styles(fits, hw):
    for style, k in MIN_RUNS.items():
        assert len(fits[hw][style]) >= k, (hw, style)


def _alpha(hw):
    from autograder.course.config import load_course
    return context_of(load_course(REPO / "course.yml"), hw).alpha


def _share_outside(values, bound, side):
    v = np.asarray(values, dtype=float)
    return float(np.mean(v < bound if side == "lower" else v > bound))


def test_m1_the_score_separates_enough_factors_from_too_few(fits):
    alpha = _alpha("deconfounder_m1")
    runs = fits["deconfounder_m1"]
    centre, half = prediction_band(runs_of("deconfounder_m1", "s_enough"), alpha)
    low, high = centre - half, centre + half
    few = prediction_bound(runs_of("deconfounder_m1", "s_too_few"), alpha, "upper")
    assert 0.45 < low < 0.5 < high < 0.56 and few < low
    ref = runs["reference"]
    # every known wrong check recorded loses a part of the question (the registered wrong
    # answers draw their scores from these runs)
    for tag in ("loglik", "strict", "unmasked"):
        rows = [r for r in ref if f"s_too_few_{tag}" in r]
        assert len(rows) >= 25, tag
        caught = [not (low <= r[f"s_enough_{tag}"] <= high and r[f"s_too_few_{tag}"] <= few)
                  for r in rows]
        assert all(caught), tag
    flipped = [not (low <= 1 - r["s_enough"] <= high and 1 - r["s_too_few"] <= few) for r in ref]
    assert all(flipped)


def test_m1_the_substitute_band_keeps_a_one_factor_model_out(fits):
    alpha = _alpha("deconfounder_m1")
    cc_low = prediction_bound(runs_of("deconfounder_m1", "cc"), alpha, "lower")
    assert 0.7 < cc_low < min(r["cc"] for r in fits["deconfounder_m1"]["reference"])


def test_m2_the_pipeline_bound_is_closer_than_naive_and_catches_the_mistakes(fits):
    runs = fits["deconfounder_m2"]
    bound = prediction_bound(runs_of("deconfounder_m2", "ratio"), _alpha("deconfounder_m2"), "upper")
    assert bound < 0.9      # passing means much closer to the truth than the naive model
    for stat in ("ratio_one_factor", "ratio_revenue"):
        recorded = [r[stat] for r in runs["reference"] if stat in r]    # the mistake runs
        assert len(recorded) >= 25, stat
        assert _share_outside(recorded, bound, "upper") >= POWER, stat


def test_m2_num_samples_keeps_the_do_noise_under_a_third_of_the_sampling_error():
    checks = checks_of_kit("deconfounder_m2")
    data, z_hat, fit = checks.course_fit()
    n = checks.hw.sizes(1e-3)["num_samples"]
    mc = study.do_contrast_sd(checks.film_params(data, fit), z_hat) / np.sqrt(len(z_hat) * n)
    assert np.all(mc <= fit.effect_se / 3)


def test_m3_rank_bound_catches_the_naive_ranking_and_the_franchise_gap_is_safe(fits):
    runs = fits["deconfounder_m3"]
    alpha = _alpha("deconfounder_m3")
    low = prediction_bound(runs_of("deconfounder_m3", "rank_corr"), alpha, "lower")
    assert _share_outside([r["rank_corr_naive"] for r in runs["reference"]], low,
                          "lower") >= POWER
    # the franchise actor heads a correct confounding ranking unless another actor's
    # confounding exceeds his: the normal tail of the recorded gaps stays below the
    # check's share of the budget, in every style
    for style, rows in runs.items():
        gaps = np.array([r["franchise_gap"] for r in rows])
        assert np.all(gaps > 0), style
        assert stats.norm.sf(gaps.mean() / gaps.std(ddof=1)) < alpha, style
