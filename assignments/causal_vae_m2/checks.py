"""Hidden checks for the causal-VAE project, milestone 2: a supervised VAE in Pyro.

Never released to students. The team trains a VAE whose decoder is the image's structural
assignment, image := f(shape, scale, orientation, x, y, z), and hands in `decode(labels,
z=None)` and `reconstruct(images, labels)`. The grader never trains anything: it calls
those functions on sprites it renders per submission (autograder/studies/causal_vae.py):

- test_training: the recorded per-step losses fall (`checks.loss_falls`, a gate);
- test_reconstruct: the mean pixel error of `reconstruct` on `heldout_sprites` held-out
  sprites (labels drawn from the training law, rendered by the grader) lies below the upper
  prediction bound of the reference's own runs;
- test_position, test_form, test_orientation: `decode` at z = 0 on pairs of label vectors
  that differ in one factor (`factor_probes` pairs for x, y, scale and shape,
  `orientation_probes` for orientation, whose statistic is the noisiest): the decoded
  images must change as the rendered ones do (the centroid for x and y, the log area for
  scale; for shape and orientation the pixels that change must be those that change in
  the true images); each factor's mean error lies below the upper prediction bound of the
  accepted styles' runs.

The bounds (`cv.run_bound`): K reference runs (each a full training under its own seed,
its statistic averaged over 500 fresh probes), their mean m and sd s_run, and the sd of
one probe's statistic s_point; one more run's mean over n probes exceeds
m + t_{K-1}(1 - alpha) sqrt(s_run^2 (1 + 1/K) + s_point^2 / n) with probability alpha.
The figures below were written by solutions/causal_vae_m2/reference_runs.py (K runs of the
reference and of the Gaussian-pixel alternative, 5,000 training sprites, 20 epochs); the
bound is the loosest of the two styles', so each passes at alpha. Sizes (`design`): the smallest n at
which each known wrong decoder, simulated with the renderer as an otherwise perfect decoder,
exceeds the bound with power 0.999 (at least MIN_PROBES): for the reconstruction one that
ignores its labels and one with x and y swapped; for each factor one that ignores that
factor (and so one that ignores every label), and for x and y the swap.
"""
from __future__ import annotations

import functools

import numpy as np

from autograder.checks import AnswerError, Threshold, failed, loss_falls, passed
from autograder.homework import Homework
from autograder.studies import causal_vae as cv
from autograder.studies import sprites

hw = Homework()

POWER = 0.999
MIN_PROBES = 20         # a floor: means over fewer probes are too far from normal for the bound
SIM_PROBES = 1000          # probes the design simulates each wrong answer on
# Reference runs (solutions/causal_vae_m2/reference_runs.py), per accepted style (the
# reference, and each alternative in another style): the number of runs, and per statistic
# the runs' mean and sd of the mean over 500 probes, and one probe's sd (pooled).
REFERENCE = {
    "reference": {
        "runs": 10,
        "reconstruct": {"mean": 0.0090, "run_sd": 0.0002, "point_sd": 0.0035},
        "x": {"mean": 0.1653, "run_sd": 0.0072, "point_sd": 0.1328},
        "y": {"mean": 0.1653, "run_sd": 0.0067, "point_sd": 0.1337},
        "scale": {"mean": 0.0825, "run_sd": 0.0067, "point_sd": 0.0690},
        "shape": {"mean": 0.5403, "run_sd": 0.0076, "point_sd": 0.1343},
        "orientation": {"mean": 0.6042, "run_sd": 0.0108, "point_sd": 0.2407},
    },
    "alternatives/gaussian.py": {
        "runs": 10,
        "reconstruct": {"mean": 0.0097, "run_sd": 0.0001, "point_sd": 0.0039},
        "x": {"mean": 0.2849, "run_sd": 0.0277, "point_sd": 0.3287},
        "y": {"mean": 0.2717, "run_sd": 0.0329, "point_sd": 0.2743},
        "scale": {"mean": 0.0801, "run_sd": 0.0053, "point_sd": 0.0673},
        "shape": {"mean": 0.6257, "run_sd": 0.0052, "point_sd": 0.1140},
        "orientation": {"mean": 0.7748, "run_sd": 0.0119, "point_sd": 0.2385},
    },
}
QUESTION_FACTORS = {"test_position": ("x", "y"), "test_form": ("scale", "shape"),
                    "test_orientation": ("orientation",)}
WHAT = {"x": "moving x shifts the decoded sprite's centre of mass left or right",
        "y": "moving y shifts the decoded sprite's centre of mass up or down",
        "scale": "changing scale grows or shrinks the decoded sprite's area",
        "shape": "changing shape changes the decoded pixels that change in the true image",
        "orientation": "turning an ellipse changes the decoded pixels that the turn changes in the true image"}


# ------------------------------------------------------------ known wrong decoders
def ignoring_labels(labels) -> np.ndarray:
    """A decoder that never sees the labels: every image the average training image."""
    return np.repeat(cv.mean_training_image()[None], len(labels), axis=0)


def swapping_xy(labels) -> np.ndarray:
    """A decoder that puts x on the rows and y on the columns: the true image transposed."""
    return sprites.render(labels).transpose(0, 2, 1).astype(float)


WRONG_DECODERS = {"ignores its labels": ignoring_labels, "x and y swapped": swapping_xy}


def bound(stat: str, n: int, alpha: float) -> float:
    """The loosest over the accepted styles of the upper prediction bound of their runs, so
    that each style passes at alpha."""
    return cv.styles_bound(REFERENCE, stat, n, alpha)


@functools.lru_cache(maxsize=None)
def wrong_moments(stat: str) -> dict[str, tuple[float, float]]:
    """The known wrong decoders a statistic must catch, each as (mean, sd) of its statistic
    per probe on SIM_PROBES probes: for `reconstruct` the two of WRONG_DECODERS; for a
    factor's statistic the decoder that ignores that factor (its image does not change when
    the factor does; a decoder that ignores every label is one), and for x and y also the
    swap (the other statistics need not see it: it loses test_position)."""
    rng = np.random.default_rng(20270514)
    out = {}
    if stat == "reconstruct":
        labels = cv.labels_of(cv.sample_rows(cv.instructor_joint(), SIM_PROBES, rng))
        for label, decoder in WRONG_DECODERS.items():
            v = cv.pixel_error(decoder(labels), sprites.render(labels))
            out[label] = (float(v.mean()), float(v.std(ddof=1)))
        return out
    before, after = cv.factor_pairs(stat, SIM_PROBES, rng)
    true_before, true_after = sprites.render(before), sprites.render(after)
    v = cv.factor_errors(stat, true_before, true_before, true_before, true_after)
    out[f"ignores {stat}"] = (float(v.mean()), float(v.std(ddof=1)))
    if stat in ("x", "y"):
        v = cv.factor_errors(stat, swapping_xy(before), swapping_xy(after), true_before, true_after)
        out["x and y swapped"] = (float(v.mean()), float(v.std(ddof=1)))
    return out


def required_probes(stat: str, alpha: float) -> int:
    """Smallest n >= MIN_PROBES at which each wrong decoder of `wrong_moments(stat)`
    exceeds the bound with power POWER (simulated with the renderer: no spread between
    trained runs)."""
    wrong = {label: (m, s, 0.0) for label, (m, s) in wrong_moments(stat).items()}
    return cv.smallest_n_above(lambda n: bound(stat, n, alpha), wrong, POWER, MIN_PROBES)


@hw.design
def design(budget: float) -> dict[str, int]:
    """heldout_sprites: sprites `reconstruct` is called on; factor_probes: probe pairs per
    factor `decode` is called on (module doc)."""
    alpha = budget / hw.total_checks
    return {"heldout_sprites": required_probes("reconstruct", alpha),
            "factor_probes": max(required_probes(f, alpha) for f in ("x", "y", "scale", "shape")),
            "orientation_probes": required_probes("orientation", alpha)}


# ------------------------------------------------------------------ probes
@hw.probe
def heldout(ctx):
    rng = np.random.default_rng(ctx.seed_for("causal_vae_m2:heldout"))
    labels = cv.labels_of(cv.sample_rows(cv.instructor_joint(), ctx.sizes["heldout_sprites"], rng))
    return labels, sprites.render(labels)


@hw.probe
def pairs(ctx):
    """{factor: (before, after)} label arrays, factor_probes pairs each."""
    rng = np.random.default_rng(ctx.seed_for("causal_vae_m2:factor pairs"))
    return {f: cv.factor_pairs(f, probe_count(ctx, f), rng) for f in cv.PROBE_FACTORS}


def probe_count(ctx, factor: str) -> int:
    return ctx.sizes["orientation_probes" if factor == "orientation" else "factor_probes"]


def probe_labels(ctx, question: str) -> np.ndarray:
    """The labels `decode` is called on for one question: each factor's befores, then its
    afters, factor after factor."""
    return np.concatenate([np.concatenate(pairs(ctx)[f]) for f in QUESTION_FACTORS[question]])


def read_images(value, name: str, n: int) -> np.ndarray:
    try:
        return cv.as_images(value, n)
    except ValueError as exc:
        raise AnswerError(f"`{name}` should return {n} images of 32 x 32 pixel values or "
                          f"probabilities between 0 and 1 (a numpy array (n, 32, 32)): {exc}.")


def below_bound(value: float, stat: str, n: int, alpha: float, name: str, ok: str,
                hint: str):
    limit = bound(stat, n, alpha)
    evidence = Threshold(value <= limit, value, limit)
    if evidence.passed:
        return passed(ok, evidence=evidence, statistic=value, probes=n)
    return failed(f"{name} {hint}", evidence=evidence, statistic=value, probes=n)


# --------------------------------------------------------------- test_training
@hw.question("test_training", answers=["losses"], n_checks=0)
def check_training(values, ctx):
    return loss_falls(values["losses"], ctx.budget, "losses",
                      hint="Store the list `vae_starter.train` returns, and train for the "
                           "stated number of epochs.")


# ------------------------------------------------------------ test_reconstruct
def _reconstruct_call(ctx):
    labels, images = heldout(ctx)
    return {"images": ("reconstruct", {"images": images.tolist(), "labels": labels.tolist()})}


@hw.question("test_reconstruct", calls=_reconstruct_call, n_checks=1)
def check_reconstruct(values, ctx):
    labels, truth = heldout(ctx)
    n = len(labels)
    images = read_images(values["images"], f"reconstruct(images, labels) for {n} sprites", n)
    err = float(np.mean(cv.pixel_error(images, truth)))
    return below_bound(
        err, "reconstruct", n, ctx.alpha, f"reconstruct(images, labels) on {n} held-out sprites",
        "`reconstruct` gives back the held-out sprites as well as a trained supervised VAE "
        "does.",
        "gets more pixels wrong than a trained supervised VAE does. Check that the decoder "
        "receives the labels as well as z, that the encoder's mean z is decoded, that the "
        "images come back as 32 x 32 pixel probabilities in the sprites' orientation (row = "
        "y, column = x), and that the loss curve has flattened out (train for the stated "
        "number of epochs).")


# ------------------------------------------------------- test_position, test_form
def _decode_call(question: str):
    def calls(ctx):
        return {"images": ("decode", {"labels": probe_labels(ctx, question).tolist()})}
    return calls


def factor_checks(values, ctx, question: str):
    labels = probe_labels(ctx, question)
    name = f"decode(labels) on {len(labels)} label vectors"
    images = read_images(values["images"], name, len(labels))
    results, start = [], 0
    for f in QUESTION_FACTORS[question]:
        m = probe_count(ctx, f)
        before, after = images[start:start + m], images[start + m:start + 2 * m]
        start += 2 * m
        lb, la = pairs(ctx)[f]
        err = float(np.mean(cv.factor_errors(f, before, after, sprites.render(lb),
                                             sprites.render(la))))
        results.append(below_bound(
            err, f, m, ctx.alpha, f"`decode` on {m} pairs of sprites that differ in {f}:",
            f"`decode` responds to {f} as the true images do: {WHAT[f]}.",
            f"the decoded images do not follow {f} as the true ones do (we expect that "
            f"{WHAT[f]}). Check that {f} enters the decoder (its column of the labels, "
            "features(labels)), that x is the image's column and y its row, and that the "
            "model was trained."))
    return results


@hw.question("test_position", calls=_decode_call("test_position"), n_checks=2)
def check_position(values, ctx):
    return factor_checks(values, ctx, "test_position")


@hw.question("test_form", calls=_decode_call("test_form"), n_checks=2)
def check_form(values, ctx):
    return factor_checks(values, ctx, "test_form")


@hw.question("test_orientation", calls=_decode_call("test_orientation"), n_checks=1)
def check_orientation(values, ctx):
    return factor_checks(values, ctx, "test_orientation")


# ------------------------------------------------------- known wrong answers
def _decoded_by(decoder, questions):
    """The submission whose decode (and reconstruct) is `decoder`, on the questions
    whose statistics the design sizes against it (`wrong_moments`)."""
    def wrong(values, ctx):
        labels, _ = heldout(ctx)
        return {**values, "test_reconstruct": {"images": decoder(labels)},
                **{q: {"images": decoder(probe_labels(ctx, q))} for q in questions}}
    return wrong


hw.wrong_answer("the decoder ignores the labels (an unsupervised VAE, or labels fed to the "
                "encoder only)",
                says="when the decoder never sees the labels, so every sprite decodes to the "
                     "same blur")(_decoded_by(ignoring_labels, QUESTION_FACTORS))
hw.wrong_answer("x and y swapped (images transposed)",
                says="when x and y are swapped: x should move the sprite along the columns, "
                     "y along the rows")(_decoded_by(swapping_xy, ["test_position"]))


# The manifest: what each file of solutions/causal_vae_m2/{mistakes,alternatives}/ scores.
hw.variant("alternatives/gaussian.py", seed=5)
# one run, two sections: the primitive model kept, so decode cannot see the labels
# (model_answer, functions_answer), and one pass over 500 sprites (train_answer; its loss
# still falls)
hw.variant(("mistakes/unsupervised.py", "mistakes/one_epoch.py"), seed=7,
           loses=["test_reconstruct", "test_position", "test_form", "test_orientation"],
           told={"test_position": "do not follow x"})
# images transposed: x moves the rows; the area still follows scale (test_form keeps that
# check). test_orientation is luck: a transposed turn overlaps the true turn only where
# x is close to y, and its size is derived against a decoder that ignores orientation, not
# against the swap, which test_position fails with power 0.999.
hw.variant("mistakes/transposed.py", seed=11,
           loses=["test_reconstruct", "test_position"], partly=["test_form"],
           luck=["test_orientation"], told={"test_position": "x is the image's column"})
