"""Hidden checks for the causal-VAE project, milestone 3: counterfactual shapes.

Never released to students. The team hands in `counterfactual(images, labels, shape)`:
for sprites observed with their factors, the images had the shape been `shape` (an int,
0 square, 1 ellipse, 2 heart), orientation, scale and position held at their observed
values. The model is the course's trained VAE (`cf_starter.fit_vae`); the grader never
trains anything. It renders `cf_probes` observed sprites per submission
(autograder/studies/causal_vae.py, `cf_probes`: labels from the training law, a target
shape other than each sprite's own), calls `counterfactual` once per target shape, and
compares the answers with the rendered true counterfactuals (the renderer gives them
exactly):

- test_counterfactual: the mean pixel error against the true counterfactual;
- test_shape_changed: the pixels that change from the observed sprite are those that
  change in the truth (1 - correlation of the two changes);
- test_kept: the centre of mass (position kept) and the log area (scale kept) of the
  counterfactual against the truth's (two checks).

Each mean lies below the upper prediction bound of the accepted styles' reference runs
(`cv.run_bound`, `cv.styles_bound`): K runs, each a training of the course's VAE under its
own seed, its statistic averaged over 500 fresh probes; the runs' mean m and sd s_run and
the sd of one probe s_point give m + t_{K-1}(1 - alpha) sqrt(s_run^2 (1 + 1/K) +
s_point^2 / n). Figures written by solutions/causal_vae_m3/reference_runs.py. Size
(`design`): the smallest n at which every known wrong answer a statistic must catch
(CATCHES) exceeds its bound with power 0.999 (at least MIN_PROBES), each wrong answer taken
at the milder of two measures: simulated with the renderer as an otherwise perfect model,
and made by the trained model in the same reference runs (MISTAKE_RUNS, the files of
mistakes/). The trained ones are the milder for the old shape kept: the VAE's reconstruction
of a sprite already leans towards the other shapes, so its change correlates with the true
change (1 - correlation about 0.35, against 1 for the renderer).
"""
from __future__ import annotations

import functools

import numpy as np

from autograder.checks import AnswerError, Threshold, failed, passed
from autograder.homework import Homework
from autograder.studies import causal_vae as cv
from autograder.studies import sprites

hw = Homework()

POWER = 0.999
MIN_PROBES = 30         # a floor: means over fewer probes are too far from normal for the bound
SIM_PROBES = 1000       # probes the design simulates each wrong answer on
TARGETS = {"to_square": 0, "to_ellipse": 1, "to_heart": 2}
# Reference runs (solutions/causal_vae_m3/reference_runs.py --runs 6), per accepted style.
REFERENCE = {
    "reference": {
        "runs": 6,
        "error": {"mean": 0.0118, "run_sd": 0.0001, "point_sd": 0.0038},
        "change": {"mean": 0.2191, "run_sd": 0.0030, "point_sd": 0.0871},
        "centroid": {"mean": 0.1933, "run_sd": 0.0058, "point_sd": 0.1065},
        "area": {"mean": 0.0419, "run_sd": 0.0018, "point_sd": 0.0345},
    },
    "alternatives/sampled_noise.py": {
        "runs": 6,
        "error": {"mean": 0.0118, "run_sd": 0.0001, "point_sd": 0.0038},
        "change": {"mean": 0.2190, "run_sd": 0.0031, "point_sd": 0.0872},
        "centroid": {"mean": 0.1927, "run_sd": 0.0059, "point_sd": 0.1064},
        "area": {"mean": 0.0418, "run_sd": 0.0019, "point_sd": 0.0346},
    },
}
# The known mistakes' files, scored in the same trained models (reference_runs.py).
MISTAKE_RUNS = {
    "mistakes/old_shape.py": {
        "runs": 6,
        "error": {"mean": 0.0177, "run_sd": 0.0002, "point_sd": 0.0060},
        "change": {"mean": 0.3582, "run_sd": 0.0029, "point_sd": 0.0942},
        "centroid": {"mean": 0.1980, "run_sd": 0.0063, "point_sd": 0.1095},
        "area": {"mean": 0.2521, "run_sd": 0.0069, "point_sd": 0.1063},
    },
    "mistakes/prior_sample.py": {
        "runs": 6,
        "error": {"mean": 0.0784, "run_sd": 0.0010, "point_sd": 0.0220},
        "change": {"mean": 0.7298, "run_sd": 0.0061, "point_sd": 0.1589},
        "centroid": {"mean": 10.1846, "run_sd": 0.1625, "point_sd": 4.6838},
        "area": {"mean": 0.4717, "run_sd": 0.0157, "point_sd": 0.3462},
    },
    "mistakes/redrawn.py": {
        "runs": 6,
        "error": {"mean": 0.0229, "run_sd": 0.0002, "point_sd": 0.0117},
        "change": {"mean": 0.4471, "run_sd": 0.0053, "point_sd": 0.2281},
        "centroid": {"mean": 0.2080, "run_sd": 0.0056, "point_sd": 0.1109},
        "area": {"mean": 0.4819, "run_sd": 0.0121, "point_sd": 0.3485},
    },
    "mistakes/wrong_factor.py": {
        "runs": 6,
        "error": {"mean": 0.0294, "run_sd": 0.0004, "point_sd": 0.0120},
        "change": {"mean": 0.5454, "run_sd": 0.0038, "point_sd": 0.1965},
        "centroid": {"mean": 0.1980, "run_sd": 0.0065, "point_sd": 0.1054},
        "area": {"mean": 0.7942, "run_sd": 0.0146, "point_sd": 0.3630},
    },
}
OK = {"error": "the counterfactuals get no more pixels wrong than the course's VAE does",
      "change": "the pixels that change are those that setting the shape changes",
      "centroid": "each sprite stays where it was",
      "area": "each new shape has its area at the sprite's own scale"}
WHAT = {"error": "the counterfactual gets more pixels wrong than the course's VAE does",
        "change": "the pixels that change from the observed sprite are not those that change "
                  "when only its shape is set",
        "centroid": "the counterfactual's centre of mass is not where the sprite was (position "
                    "must be kept)",
        "area": "the counterfactual's area is not that of the new shape at the sprite's own "
                "scale (scale must be kept)"}
STEPS = ("Check the three steps: abduction (z from the encoder, given the observed image and "
         "its observed labels), action (set the shape column, column 0, to `shape`, and nothing "
         "else), prediction (decode the new labels with that z).")
# what each statistic's failure points to, beyond the three steps
LIKELY = {"change": "If the shape barely changes, the decoder may be fed the observed labels, "
                    "or another column than shape may be set.",
          "centroid": "A sprite that moves is a new sprite, not this one's counterfactual: x, y "
                      "and the noise z come from the observed sprite, not from the prior.",
          "area": "Scale (column 1) stays as observed: it is neither drawn again given the new "
                  "shape nor overwritten with the shape's number."}


# ------------------------------------------------------------ known wrong answers
def _renders(labels_of_wrong):
    """A known wrong counterfactual, made with the renderer as a perfect decoder:
    (labels, targets, rng) -> images."""
    return lambda labels, targets, rng: sprites.render(labels_of_wrong(labels, targets, rng))


WRONG = {
    "a new sprite of the shape from the prior":
        _renders(lambda lab, t, rng: cv.prior_sprites(t, rng)),
    "the old shape kept": _renders(lambda lab, t, rng: lab),
    "the scale column set instead of shape":
        _renders(lambda lab, t, rng: np.column_stack([lab[:, :1], t, lab[:, 2:]])),
    "orientation and scale re-drawn from the SCM given the new shape":
        _renders(cv.redrawn_children),
}
# which wrong answers each statistic must catch with power POWER
CATCHES = {"error": tuple(WRONG),
           "change": ("the old shape kept", "the scale column set instead of shape"),
           "centroid": ("a new sprite of the shape from the prior",),
           "area": tuple(WRONG)}


FILE = {"a new sprite of the shape from the prior": "mistakes/prior_sample.py",
        "the old shape kept": "mistakes/old_shape.py",
        "the scale column set instead of shape": "mistakes/wrong_factor.py",
        "orientation and scale re-drawn from the SCM given the new shape": "mistakes/redrawn.py"}


@functools.lru_cache(maxsize=None)
def wrong_moments(stat: str) -> dict[str, tuple[float, float]]:
    """Each wrong answer the statistic must catch, as (mean, one probe's sd, sd between
    runs): the milder of its simulation with the renderer (no run sd) and of its trained
    runs (MISTAKE_RUNS), the one with the lower mean."""
    rng = np.random.default_rng(20270521)
    labels, targets = cv.cf_probes(SIM_PROBES, rng)
    out = {}
    for label in CATCHES[stat]:
        v = cv.cf_statistics(WRONG[label](labels, targets, rng), labels, targets)[stat]
        runs = MISTAKE_RUNS[FILE[label]][stat]
        out[label] = min((float(v.mean()), float(v.std(ddof=1)), 0.0),
                         (runs["mean"], runs["point_sd"], runs["run_sd"]))
    return out


def bound(stat: str, n: int, alpha: float) -> float:
    return cv.styles_bound(REFERENCE, stat, n, alpha)


@hw.design
def design(budget: float) -> dict[str, int]:
    """cf_probes: observed sprites `counterfactual` is called on (module doc)."""
    alpha = budget / hw.total_checks
    return {"cf_probes": max(cv.smallest_n_above(functools.partial(bound, s, alpha=alpha),
                                                 wrong_moments(s), POWER, MIN_PROBES)
                             for s in cv.CF_STATS)}


# ------------------------------------------------------------------ probes
@hw.probe
def observed(ctx):
    """(labels, targets): the observed sprites' labels and their target shapes, grouped
    by target (square first)."""
    rng = np.random.default_rng(ctx.seed_for("causal_vae_m3:observed"))
    labels, targets = cv.cf_probes(ctx.sizes["cf_probes"], rng)
    order = np.argsort(targets, kind="stable")
    return labels[order], targets[order]


def present(ctx) -> dict[str, int]:
    """The target shapes with at least one probe (a call is never made on no sprites)."""
    _, targets = observed(ctx)
    return {key: s for key, s in TARGETS.items() if np.any(targets == s)}


def _calls(ctx):
    labels, targets = observed(ctx)
    images = sprites.render(labels)
    return {key: ("counterfactual", {"images": images[targets == s].tolist(),
                                     "labels": labels[targets == s].tolist(), "shape": s})
            for key, s in present(ctx).items()}


def statistics(values, ctx) -> dict[str, np.ndarray]:
    labels, targets = observed(ctx)
    parts = []
    for key, s in present(ctx).items():
        n = int(np.sum(targets == s))
        try:
            parts.append(cv.as_images(values[key], n))
        except ValueError as exc:
            raise AnswerError(
                f"`counterfactual(images, labels, shape={s})` for {n} sprites should return "
                f"{n} images of 32 x 32 pixel values or probabilities between 0 and 1 (a "
                f"numpy array (n, 32, 32)): {exc}.")
    return cv.cf_statistics(np.concatenate(parts), labels, targets)


def below_bound(values, ctx, stat: str):
    v = statistics(values, ctx)[stat]
    value, n = float(v.mean()), len(v)
    limit = bound(stat, n, ctx.alpha)
    evidence = Threshold(value <= limit, value, limit)
    name = f"`counterfactual` on {n} sprites"
    if evidence.passed:
        return passed(f"{name}: {OK[stat]}.", evidence=evidence,
                      statistic=value, probes=n)
    return failed(f"{name}: {WHAT[stat]}. {LIKELY.get(stat, STEPS)}", evidence=evidence,
                  statistic=value, probes=n)


@hw.question("test_counterfactual", calls=_calls, n_checks=1)
def check_counterfactual(values, ctx):
    return below_bound(values, ctx, "error")


@hw.question("test_shape_changed", calls=_calls, n_checks=1)
def check_shape_changed(values, ctx):
    return below_bound(values, ctx, "change")


@hw.question("test_kept", calls=_calls, n_checks=2)
def check_kept(values, ctx):
    return [below_bound(values, ctx, "centroid"), below_bound(values, ctx, "area")]


# ------------------------------------------------------- known wrong answers
QUESTIONS = ("test_counterfactual", "test_shape_changed", "test_kept")


def _answering(label: str):
    def wrong(values, ctx):
        labels, targets = observed(ctx)
        images = WRONG[label](labels, targets, ctx.noise())
        answer = {key: images[targets == s] for key, s in present(ctx).items()}
        return {**values, **{q: answer for q in QUESTIONS}}
    return wrong


hw.wrong_answer("a fresh sprite of the new shape from the prior (not this sprite)",
                says="when a new sprite of that shape is drawn from the model instead of "
                     "changing the shape of this one (orientation, scale and position must "
                     "stay as observed)")(_answering("a new sprite of the shape from the prior"))
hw.wrong_answer("the old shape kept (the action lost)",
                says="when the decoder is fed the observed labels, so the shape never "
                     "changes")(_answering("the old shape kept"))
hw.wrong_answer("the wrong column intervened on (scale set to the shape's number)",
                says="when column 1 (scale) is set instead of column 0 (shape)")(
    _answering("the scale column set instead of shape"))
hw.wrong_answer("orientation and scale re-drawn from the SCM given the new shape",
                says="when orientation and scale are drawn afresh given the new shape: the "
                     "query holds them at their observed values")(
    _answering("orientation and scale re-drawn from the SCM given the new shape"))


# The manifest: what each file of solutions/causal_vae_m3/{mistakes,alternatives}/ scores.
hw.variant("alternatives/sampled_noise.py", seed=5)
# re-drawn children: position kept, so the centre of mass passes and the area fails
hw.variant("mistakes/redrawn.py", seed=7,
           loses=["test_counterfactual", "test_shape_changed"], partly=["test_kept"],
           told={"test_kept": "scale must be kept"})
# not run by the suite (each replaces the same section as the two above; graded once by
# hand, docs/calibration.md): each loses the checks the design sizes against it
hw.variant("mistakes/prior_sample.py",
           loses=["test_counterfactual", "test_shape_changed", "test_kept"],
           told={"test_kept": "not from the prior"})
hw.variant("mistakes/old_shape.py", loses=["test_counterfactual", "test_shape_changed"],
           partly=["test_kept"], told={"test_shape_changed": "fed the observed labels"})
hw.variant("mistakes/wrong_factor.py", loses=["test_counterfactual", "test_shape_changed"],
           partly=["test_kept"], told={"test_kept": "overwritten with the shape's number"})
