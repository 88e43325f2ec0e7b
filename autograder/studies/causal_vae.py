"""Facts of the causal-VAE project kit (course projects, section 10.4), shared by the checks
of its three milestones: the DAG over the sprite factors and what it implies, an SCM's
joint law over the factor grid, the laws of the known wrong answers (independent factors,
every arrow reversed), the course's training set, image statistics for the later
milestones (centroid, mass, IoU, pixel error), milestone 2's probe pairs (label vectors that
differ in one factor) with each factor's error statistic, and the prediction bound of
reference runs its checks compare them with. Pure functions of plain data; each
milestone's checks.py chooses sizes and bands. The renderer itself is `sprites` (shipped
to students as a copy).
"""
from __future__ import annotations

import functools
import itertools

import networkx as nx
import numpy as np

from . import sprites
from .sprites import FACTORS, LEVELS, PARENT

NODES = FACTORS + ("image",)
EDGES = frozenset([(PARENT[f], f) for f in FACTORS if PARENT[f]] + [(f, "image") for f in FACTORS])
# the pairwise conditional independences the DAG implies that the checks test:
# (a, b, given): a independent of b within the strata of `given`
IMPLIED_INDEPENDENCES = (("orientation", "scale", "shape"),   # siblings given their parent
                         ("x", "shape", "orientation"),       # x depends on shape via orientation
                         ("y", "shape", "scale"),             # y depends on shape via scale
                         ("x", "y", "shape"))                 # two chains apart given shape
ARROWS = tuple((PARENT[f], f) for f in FACTORS if PARENT[f])   # the four factor -> factor edges
COLUMN = {f: i for i, f in enumerate(FACTORS)}

# the course's training set: resampled from the grid with the instructor's SCM
TRAIN_SIZE = 10_000
TRAIN_SEED = 20270430


def implied_independences(edges=EDGES) -> frozenset:
    """Every statement "a is independent of b given c" (a, b, c single factors; the image
    left out) that d-separation reads off the DAG with these edges, as
    (frozenset({a, b}), c)."""
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(FACTORS)
    out = set()
    for a, b in itertools.combinations(FACTORS, 2):
        for c in FACTORS:
            if c not in (a, b) and nx.is_d_separator(graph, {a}, {b}, {c}):
                out.add((frozenset((a, b)), c))
    return frozenset(out)


# --------------------------------------------------------------- an SCM's law
def cpt_shapes() -> dict[str, tuple[int, ...]]:
    """The shape of each factor's table: (levels,) for the root, else (parent levels,
    levels)."""
    return {f: (LEVELS[COLUMN[f]],) if PARENT[f] is None
            else (LEVELS[COLUMN[PARENT[f]]], LEVELS[COLUMN[f]]) for f in FACTORS}


def joint(cpts: dict) -> np.ndarray:
    """P(shape, scale, orientation, x, y) of the SCM with these tables: an array of shape
    LEVELS whose ravel is in `sprites.grid()` row order."""
    p_s, p_c, p_o = (np.asarray(cpts[f], dtype=float) for f in ("shape", "scale", "orientation"))
    p_x, p_y = np.asarray(cpts["x"], dtype=float), np.asarray(cpts["y"], dtype=float)
    return np.einsum("s,sc,so,ox,cy->scoxy", p_s, p_c, p_o, p_x, p_y)


def marginal(table: np.ndarray, keep: tuple[str, ...]) -> np.ndarray:
    """The joint (array over LEVELS) summed to the factors in `keep`, in that order."""
    idx = [COLUMN[f] for f in keep]
    summed = table.sum(axis=tuple(i for i in range(len(FACTORS)) if i not in idx))
    order = np.argsort(np.argsort(idx))       # positions of keep's factors among the kept axes
    return np.transpose(summed, order)


def family(table: np.ndarray, child: str) -> np.ndarray:
    """P(parent, child) of one family (P(child) for the root)."""
    parent = PARENT[child]
    return marginal(table, (child,) if parent is None else (parent, child))


def family_codes(labels: np.ndarray, child: str) -> np.ndarray:
    """One integer per draw for its (parent, child) cell, in `family(...).ravel()` order."""
    parent = PARENT[child]
    c = labels[:, COLUMN[child]]
    return c if parent is None else labels[:, COLUMN[parent]] * LEVELS[COLUMN[child]] + c


def reversed_joint(table: np.ndarray) -> np.ndarray:
    """The law of an SCM on the DAG with every arrow reversed (x -> orientation -> shape
    <- scale <- y), each table taken from `table`'s own conditionals: P(o, x) P(c, y)
    P(s | o, c). Shape becomes a collider, so orientation and scale are dependent given it."""
    p_ox = marginal(table, ("orientation", "x"))
    p_cy = marginal(table, ("scale", "y"))
    p_sco = marginal(table, ("shape", "scale", "orientation"))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_s_given = np.nan_to_num(p_sco / p_sco.sum(axis=0, keepdims=True))
    return np.einsum("sco,ox,cy->scoxy", p_s_given, p_ox, p_cy)


def independent_joint(table: np.ndarray) -> np.ndarray:
    """The product of the five marginals: the factors resampled independently."""
    out = np.ones(LEVELS)
    for f in FACTORS:
        shape = [1] * len(FACTORS)
        shape[COLUMN[f]] = LEVELS[COLUMN[f]]
        out = out * marginal(table, (f,)).reshape(shape)
    return out


def conditional_table(table: np.ndarray, a: str, b: str, given: str) -> np.ndarray:
    """P(given, a, b): the strata of one implied independence."""
    return marginal(table, (given, a, b))


def sample_rows(table: np.ndarray, n: int, rng) -> np.ndarray:
    """n rows of `sprites.grid()` drawn with probabilities `table` (with replacement)."""
    p = np.asarray(table, dtype=float).ravel()
    cdf = np.cumsum(p / p.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), cdf.size - 1)


def labels_of(rows: np.ndarray) -> np.ndarray:
    """The label vectors of rows of `sprites.grid()`."""
    return np.stack(np.unravel_index(np.asarray(rows, dtype=np.int64), LEVELS), axis=1)


# ------------------------------------------------------------ training set
@functools.lru_cache(maxsize=1)
def instructor_joint() -> np.ndarray:
    return joint(sprites.instructor_cpts())


def training_labels() -> np.ndarray:
    """The course's training set (datasets/sprites/train.csv): TRAIN_SIZE rows of the grid
    resampled with the instructor's SCM."""
    rng = np.random.default_rng(TRAIN_SEED)
    return labels_of(sample_rows(instructor_joint(), TRAIN_SIZE, rng))


# ------------------------------------------- image statistics (milestones 2, 3)
def as_images(images, n: int | None = None) -> np.ndarray:
    """Images as a float array (n, 32, 32) of pixel values or probabilities in [0, 1];
    ValueError for another shape, a non-finite value or one outside [0, 1]."""
    arr = np.asarray(images, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == sprites.SIZE ** 2:
        arr = arr.reshape(-1, sprites.SIZE, sprites.SIZE)
    if arr.ndim != 3 or arr.shape[1:] != (sprites.SIZE, sprites.SIZE) \
            or (n is not None and arr.shape[0] != n):
        raise ValueError(f"images should have shape ({n if n is not None else 'n'}, "
                         f"{sprites.SIZE}, {sprites.SIZE}); got {arr.shape}")
    if not np.all(np.isfinite(arr)) or arr.min() < 0 or arr.max() > 1:
        raise ValueError("images should hold values between 0 and 1 (pixels or probabilities)")
    return arr


def centroid(images) -> np.ndarray:
    """Each image's centre of mass (column, row) in pixels: array (n, 2); NaN for an
    empty image. Column grows with x, row with y."""
    arr = as_images(images)
    mass = arr.sum(axis=(1, 2))
    idx = np.arange(sprites.SIZE, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        col = (arr.sum(axis=1) @ idx) / mass
        row = (arr.sum(axis=2) @ idx) / mass
    return np.column_stack([col, row])


def mass(images) -> np.ndarray:
    """Each image's total intensity (its area in pixels for a binary image)."""
    return as_images(images).sum(axis=(1, 2))


def iou(images, truth) -> np.ndarray:
    """Intersection over union of each image thresholded at 1/2 with the true binary image
    (1 where both are empty)."""
    a, b = as_images(images) > 0.5, as_images(truth) > 0.5
    inter = np.sum(a & b, axis=(1, 2))
    union = np.sum(a | b, axis=(1, 2))
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def pixel_error(images, truth) -> np.ndarray:
    """The share of pixels where the image thresholded at 1/2 differs from the truth."""
    a, b = as_images(images) > 0.5, as_images(truth) > 0.5
    return np.mean(a != b, axis=(1, 2))


# --------------------------------------- milestone 2: the decoder's responses
# Each probe is a pair of label vectors that differ in one factor (the other four as drawn
# from the training law); the decoder's images of the pair must change the way the true
# images do. The statistic of each factor is an error (0 for the renderer itself):
#   x, y:        |decoded shift of the centroid - true shift| in pixels (column, row);
#   scale:       |decoded change of log area - true change|;
#   shape, orientation: 1 - the correlation, over pixels, between the decoded change of
#                the image and the true change (1 when the decoded image does not change;
#                orientation probes turn an ellipse, whose turn shows in its mask).
PROBE_FACTORS = ("x", "y", "scale", "shape", "orientation")
MIN_MOVE = {"x": 8, "y": 8, "scale": 3}          # levels a moved factor travels at least
BIG_SCALE = 3                                    # shape and orientation probes: scale >= 0.8
MIN_TURN = np.pi / 8                             # orientation probes: the axis turns this much


def _other_level(current: np.ndarray, levels: int, min_move: int, rng) -> np.ndarray:
    """A level per entry drawn uniformly among those at least min_move away."""
    out = np.empty_like(current)
    for i, c in enumerate(current):
        choices = np.flatnonzero(np.abs(np.arange(levels) - c) >= min_move)
        out[i] = rng.choice(choices)
    return out


def axis_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The angle between two undirected axes given by angles a and b: in [0, pi/2]."""
    d = np.mod(np.asarray(a) - np.asarray(b), np.pi)
    return np.minimum(d, np.pi - d)


def factor_pairs(factor: str, m: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """m probe pairs (before, after) for one factor: label arrays (m, 5) each."""
    before = labels_of(sample_rows(instructor_joint(), m, rng))
    col = COLUMN[factor]
    if factor in MIN_MOVE:
        after = before.copy()
        after[:, col] = _other_level(before[:, col], LEVELS[col], MIN_MOVE[factor], rng)
        return before, after
    before[:, COLUMN["scale"]] = rng.integers(BIG_SCALE, LEVELS[1], m)
    after = before.copy()
    if factor == "shape":
        after[:, col] = (before[:, col] + rng.integers(1, LEVELS[0], m)) % LEVELS[0]
        return before, after
    # orientation: ellipses (the shape whose axis is defined), headings from their law
    before[:, COLUMN["shape"]] = after[:, COLUMN["shape"]] = 1
    p = sprites.instructor_cpts()["orientation"][1]
    before[:, col] = rng.choice(LEVELS[2], size=m, p=p)
    for i in range(m):
        ok = axis_gap(sprites.ORIENTATIONS, sprites.ORIENTATIONS[before[i, col]]) >= MIN_TURN
        after[i, col] = rng.choice(np.flatnonzero(ok), p=p[ok] / p[ok].sum())
    return before, after


def factor_errors(factor: str, before, after, true_before, true_after) -> np.ndarray:
    """The statistic of each probe pair (see above): decoded images before/after against
    the rendered ones. An empty decoded image scores the worst error of its kind."""
    if factor in ("x", "y"):
        k = 0 if factor == "x" else 1
        shift = centroid(after)[:, k] - centroid(before)[:, k]
        truth = centroid(true_after)[:, k] - centroid(true_before)[:, k]
        return np.nan_to_num(np.abs(shift - truth), nan=float(sprites.SIZE))
    if factor == "scale":
        change = np.log(mass(after) + 1) - np.log(mass(before) + 1)
        truth = np.log(mass(true_after) + 1) - np.log(mass(true_before) + 1)
        return np.abs(change - truth)
    # shape, orientation: the pixels that change are those that change in the true images
    before, after, true_before, true_after = (as_images(v) for v in
                                              (before, after, true_before, true_after))
    return 1 - change_correlation(after - before, true_after - true_before)


def change_correlation(decoded, true) -> np.ndarray:
    """Per pair, the Pearson correlation over pixels between a decoded change of image and
    the true change; 0 where either does not change at all."""
    a = np.asarray(decoded, dtype=float).reshape(len(decoded), -1)
    b = np.asarray(true, dtype=float).reshape(len(true), -1)
    a, b = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
    den = np.sqrt(np.sum(a * a, axis=1) * np.sum(b * b, axis=1))
    return np.where(den > 0, np.sum(a * b, axis=1) / np.where(den > 0, den, 1.0), 0.0)


def run_bound(runs_mean: float, runs_sd: float, runs: int, point_sd: float, n: int,
              alpha: float) -> float:
    """Upper prediction bound, at level alpha, for the mean statistic of one more fitted
    model over n fresh probes, from K reference runs (each the mean over many probes): the
    runs' mean plus t_{K-1} times sqrt(runs_sd^2 (1 + 1/K) + point_sd^2 / n)."""
    from scipy import stats
    t = float(stats.t.isf(alpha, runs - 1))
    return runs_mean + t * float(np.sqrt(runs_sd ** 2 * (1 + 1 / runs) + point_sd ** 2 / n))


@functools.lru_cache(maxsize=1)
def mean_training_image(n: int = 5000) -> np.ndarray:
    """The average of n sprites drawn uniformly from the grid (milestone 2 trains on such
    sprites): what a decoder that ignores its inputs converges to."""
    rows = np.random.default_rng(0).choice(int(np.prod(LEVELS)), size=n, replace=False)
    return sprites.render(labels_of(rows)).mean(axis=0)


# ------------------------------------------- milestone 3: counterfactual shapes
# A probe is an observed sprite (labels drawn from the training law, scale >= BIG_SCALE so
# that the shape shows) and a target shape other than its own. The true counterfactual is
# the rendered sprite with the shape set and the other four factors as observed. Statistics
# per probe (0 for the renderer itself):
#   error:    pixel error of the counterfactual against the true one;
#   change:   1 - the correlation over pixels between (counterfactual - observed image) and
#             (true counterfactual - observed image): the shape did change, and as it should;
#   centroid: distance in pixels between the centres of mass (position kept);
#   area:     |difference of log area| (scale kept).
CF_STATS = ("error", "change", "centroid", "area")


def cf_probes(m: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """m observed sprites' labels (m, 5) and a target shape for each (m,)."""
    labels = labels_of(sample_rows(instructor_joint(), m, rng))
    labels[:, COLUMN["scale"]] = rng.integers(BIG_SCALE, LEVELS[1], m)
    targets = (labels[:, 0] + rng.integers(1, LEVELS[0], m)) % LEVELS[0]
    return labels, targets


def with_shape(labels: np.ndarray, targets) -> np.ndarray:
    """The labels with the shape set to the targets, the other factors as they were."""
    out = np.array(labels, copy=True)
    out[:, COLUMN["shape"]] = targets
    return out


def cf_statistics(cf, labels: np.ndarray, targets: np.ndarray) -> dict[str, np.ndarray]:
    """Each statistic of CF_STATS per probe for the counterfactual images `cf`. An empty
    image scores the worst centroid error."""
    cf = as_images(cf, len(labels))
    observed = sprites.render(labels).astype(float)
    truth = sprites.render(with_shape(labels, targets)).astype(float)
    return {"error": pixel_error(cf, truth),
            "change": 1 - change_correlation(cf - observed, truth - observed),
            "centroid": np.nan_to_num(np.linalg.norm(centroid(cf) - centroid(truth), axis=1),
                                      nan=float(sprites.SIZE)),
            "area": np.abs(np.log(mass(cf) + 1) - np.log(mass(truth) + 1))}


def _draw(p_rows: np.ndarray, rng) -> np.ndarray:
    """One level per row of conditional probabilities."""
    cdf = np.cumsum(p_rows, axis=1)
    return np.minimum((cdf < rng.random((len(p_rows), 1)) * cdf[:, -1:]).sum(axis=1),
                      p_rows.shape[1] - 1)


def redrawn_children(labels, targets, rng) -> np.ndarray:
    """Labels with the shape set and scale and orientation drawn afresh from the
    instructor's P(. | new shape); x and y kept (a known wrong counterfactual)."""
    cpts = sprites.instructor_cpts()
    out = with_shape(labels, targets)
    out[:, COLUMN["scale"]] = _draw(cpts["scale"][targets], rng)
    out[:, COLUMN["orientation"]] = _draw(cpts["orientation"][targets], rng)
    return out


def prior_sprites(targets, rng) -> np.ndarray:
    """Labels of fresh sprites of the target shapes, every other factor drawn from the
    instructor's SCM given the shape (a known wrong counterfactual: a new square)."""
    cpts = sprites.instructor_cpts()
    out = redrawn_children(np.zeros((len(targets), 5), dtype=np.int64), targets, rng)
    out[:, COLUMN["x"]] = _draw(cpts["x"][out[:, COLUMN["orientation"]]], rng)
    out[:, COLUMN["y"]] = _draw(cpts["y"][out[:, COLUMN["scale"]]], rng)
    return out


def styles_bound(reference: dict, stat: str, n: int, alpha: float) -> float:
    """The loosest over the accepted styles of `reference` ({style: {"runs": K, stat:
    {"mean", "run_sd", "point_sd"}}}) of the upper prediction bound of their runs, so that
    each style passes at alpha."""
    return max(run_bound(ref[stat]["mean"], ref[stat]["run_sd"], ref["runs"],
                         ref[stat]["point_sd"], n, alpha) for ref in reference.values())


def smallest_n_above(bound_of_n, wrong: dict, power: float, floor: int,
                     ceiling: int = 10_000) -> int:
    """Smallest n >= floor at which every wrong answer, given as (mean, point_sd, run_sd)
    of its statistic (one probe's sd, and the sd between trained runs of the mean), has its
    mean over n probes above bound_of_n(n) with `power` (normal approximation). ValueError
    when none up to `ceiling` does."""
    from scipy import stats
    z = float(stats.norm.isf(1 - power))
    for n in range(floor, ceiling + 1):
        if all(m - z * np.sqrt(s_run ** 2 + s ** 2 / n) > bound_of_n(n)
               for m, s, s_run in wrong.values()):
            return n
    raise ValueError("the known wrong answers cannot be told from the reference")
