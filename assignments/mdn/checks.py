"""Hidden checks for the mixture density network homework (content brief, section 8).

Never released to students. The facts are Bishop's inverse problem
(autograder/studies/bishop.py): given x, t is uniform on S(x) = {t in [0, 1] :
|x - g(t)| < 0.1}, g(t) = t + 0.3 sin(2 pi t), so every truth is a one-dimensional
integral on a fine grid. The grader never trains anything: it calls the student's
fitted functions on fresh data (the NLL against bands from the reference fits, and
multimodality at x = 0.4 and 0.6), on logit rows drawn per submission (Gumbel-max),
and on fresh data from the notebook's initialisation (hard-EM). How every band and size
is derived: docs/calibration.md, "mdn: how the bands ... are derived".
"""
from __future__ import annotations

import functools
import itertools
import json
import math
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.special import logsumexp, softmax

from autograder.checks import (AnswerError, after_gate, as_array, as_indices, as_mixture,
                               dip_ratio, draw_probe, failed, frequencies, nll_at_most, passed,
                               required_n_chi2, twice)
from autograder.homework import Homework
from autograder.studies import bishop as data

FITS = Path(__file__).resolve().parent / "reference" / "fits.json"

K = 3
PARTS = {"test_experts": "predict_experts", "test_mdn": "predict_mdn", "test_bayes": "predict_bayes"}
POINTS = {"test_experts": "experts_points", "test_mdn": "mdn_points",   # the design's size of
          "test_bayes": "bayes_points"}                                 # each part's fresh data
GUMBEL_ROWS = 3             # distinct logit rows: one frequency test (one check) each
POWER = 0.999
DIP_X = (0.4, 0.6)          # near 0.5, where S(x) splits into two pieces (see truth_pieces)
HARD_EM_POINTS = data.N_POINTS
# Share of the grader's noise data sets (below) on which hard-EM from a start other than
# initial_clusters(x, seed) still ends in the reference's clusters: the largest measured over
# six wrong starts (a fixed seed, seed + 1, no x rule, another generator, terciles of t or of
# x) was 24 of 200 data sets, one-sided 95% upper bound 0.165, rounded up (measured by
# tests/test_accuracy_round3_a.py; docs/calibration.md, "mdn").
WRONG_START_SHARE = 0.17
LAMBDA_MIN = 0.05           # Pearson noncentrality per draw of each wrong sampler, on a row

hw = Homework()


# ---------------------------------------------------------------- the truth
@functools.lru_cache(maxsize=None)
def _t_grid(n: int = 40_001) -> np.ndarray:
    return np.linspace(0.0, 1.0, n)


def in_support(x: float) -> np.ndarray:
    """Boolean mask of S(x) on the t grid."""
    return np.abs(x - data.forward(_t_grid())) < data.NOISE


def truth_pieces(x: float) -> list[tuple[float, float]]:
    """S(x) as a list of (start, end) intervals."""
    mask = in_support(x).astype(np.int8)
    t = _t_grid()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask, [0]])))
    return [(float(t[a]), float(t[b - 1])) for a, b in zip(edges[::2], edges[1::2])]


@functools.lru_cache(maxsize=1)
def gaussian_floor(n_x: int = 1201) -> dict:
    """Population NLL per point, and its per-point sd, of the moment-matched Gaussian
    N(E[t|x], Var[t|x]): the best any single-Gaussian predictive can do (for each x it
    minimises the expected NLL among Gaussians)."""
    lo, hi = -data.NOISE, 1 + data.NOISE
    xs = np.linspace(lo, hi, n_x)
    t = _t_grid()
    gx = data.forward(t)
    mean_nll, mean_sq, mass = 0.0, 0.0, 0.0
    for x in xs:
        m = np.abs(x - gx) < data.NOISE
        w = m.mean()                      # p(x) up to a constant: the length of S(x)
        if w == 0:
            continue
        ts = t[m]
        mu, var = ts.mean(), ts.var()
        per_point = 0.5 * np.log(2 * np.pi * var) + (ts - mu) ** 2 / (2 * var)
        mean_nll += w * per_point.mean()
        mean_sq += w * (per_point ** 2).mean()
        mass += w
    mean_nll, mean_sq = mean_nll / mass, mean_sq / mass
    return {"nll": float(mean_nll), "point_sd": float(math.sqrt(mean_sq - mean_nll ** 2))}


@functools.lru_cache(maxsize=1)
def _moment_table(n_x: int = 2401) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs = np.linspace(-data.NOISE, 1 + data.NOISE, n_x)
    t = _t_grid()
    rows = []
    for x in xs:
        ts = t[in_support(x)]
        rows.append((ts.mean(), ts.std()) if ts.size else (0.5, 0.3))
    rows = np.array(rows)
    return xs, rows[:, 0], rows[:, 1]


def moment_matched(x) -> tuple[np.ndarray, np.ndarray]:
    """E[t | x] and sd(t | x) for each x (the single-Gaussian wrong answer), interpolated
    from a table on a grid of x."""
    xs, mean, sd = _moment_table()
    x = np.asarray(x, dtype=float)
    return np.interp(x, xs, mean), np.interp(x, xs, sd)


@functools.lru_cache(maxsize=1)
def reference_fits() -> dict:
    return json.loads(FITS.read_text())


# ------------------------------------------------------------------- design
def nll_threshold(part: str, n: int, alpha: float) -> float:
    ref = reference_fits()[part]
    z = stats.norm.isf(alpha)
    return ref["mean"] + z * math.sqrt(ref["sd"] ** 2 + ref["point_sd"] ** 2 / n)


def nll_points(part: str, alpha: float) -> int:
    """Smallest multiple of 500 at which a single Gaussian fails with power POWER."""
    floor = gaussian_floor()
    z_beta = stats.norm.ppf(POWER)
    for n in range(500, 200_001, 500):
        if floor["nll"] - z_beta * floor["point_sd"] / math.sqrt(n) > nll_threshold(part, n, alpha):
            return n
    raise ValueError(f"{part}: the reference fits are not separable from a single Gaussian")


@hw.design
def design(budget: float) -> dict[str, int]:
    """The fresh points of each part; the draws per Gumbel row (power POWER at
    noncentrality LAMBDA_MIN per draw, chi2 on 2 df, rounded up to a hundred); hard-EM's
    points (fixed: its check is deterministic)."""
    alpha = budget / hw.total_checks
    return {**{POINTS[part]: nll_points(part, alpha) for part in PARTS},
            "gumbel_draws": math.ceil(required_n_chi2(LAMBDA_MIN, K - 1, alpha, POWER) / 100) * 100,
            "hard_em_points": HARD_EM_POINTS, "hard_em_sets": hard_em_sets()}


def hard_em_sets(power: float = POWER) -> int:
    """Noise data sets hard_em is also called on: a run from another start ends in the
    reference's clusters on all of them with probability WRONG_START_SHARE ** sets, at most
    1 - power (the data sets are independent, so are the events)."""
    return math.ceil(math.log(1 - power) / math.log(WRONG_START_SHARE))


# ------------------------------------------------------------ Gumbel probes
def wrong_samplers(rows: np.ndarray, counts: np.ndarray) -> dict[str, np.ndarray]:
    """Component probabilities each known wrong sampler draws with, per row."""
    p = softmax(rows, axis=1)
    # softmax over the rows (axis 0) of the full matrix, then a correct Gumbel-max on its log
    col = logsumexp(rows + np.log(counts)[:, None], axis=0)
    return {"argmax without Gumbel noise": np.eye(K)[np.argmax(rows, axis=1)],
            "softmax over the wrong axis": softmax(rows - col, axis=1),
            # argmax(p + G) is Gumbel-max on logits p: it draws with softmax(p)
            "Gumbel noise added to probabilities": softmax(p, axis=1)}


def _propose_rows(rng) -> np.ndarray:
    return rng.normal(0.0, 1.5, size=(GUMBEL_ROWS, K))


def _rows_ok(rows: np.ndarray) -> bool:
    p = softmax(rows, axis=1)
    if p.min() < 0.02:             # every cell expects >= 5 draws at any design size
        return False
    counts = np.ones(GUMBEL_ROWS)
    return all(np.sum((q - p) ** 2 / p, axis=1).max() >= LAMBDA_MIN
               for q in wrong_samplers(rows, counts).values())


@hw.probe
def gumbel(ctx) -> dict[str, np.ndarray]:
    """The logit rows drawn for the submission, and the logits matrix handed to the
    student: every row repeated gumbel_draws times, shuffled (ids: each line's row)."""
    seed = ctx.seed_for("gumbel:rows")
    rows = draw_probe(seed, _propose_rows, _rows_ok)
    ids = np.random.default_rng(seed + 1).permutation(
        np.repeat(np.arange(GUMBEL_ROWS), ctx.sizes["gumbel_draws"]))
    return {"rows": rows, "logits": rows[ids], "ids": ids}


@hw.probe
def fresh(ctx) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(x, t) of each part's fresh data, drawn per submission."""
    return {part: data.fresh_draws(ctx.sizes[POINTS[part]], ctx.seed_for(f"{part}:data"))
            for part in PARTS}


# ------------------------------------------------------------------ checks
def mixture(value, name: str, n: int):
    return as_mixture(value, name, n, K, "Check the exp(.) + 0.01 transform of the sigma head.")


def dip_check(w, mu, s, name: str):
    """At each x in DIP_X, the density must be lower somewhere in the gap between the two
    pieces of S(x) than at its peak on either piece."""
    ratios = [dip_ratio(w[i], mu[i], s[i], *truth_pieces(x)) for i, x in enumerate(DIP_X)]
    detail = dict(dip_ratios=ratios, x=list(DIP_X))
    if max(ratios) < 1:
        return passed(f"The predictive of `{name}` is multimodal near x = 0.5: it separates "
                      "the branches of t.", **detail)
    return failed(f"The predictive density of `{name}` is unimodal near x = 0.5 (it does not "
                  "dip between the branches of t at x = 0.4 and 0.6). A mixture whose "
                  "components all sit on the same branch, or a single Gaussian, cannot "
                  "represent several values of t for one x.", **detail)


def structure_check(w, s, name: str):
    """The question gives every component its own sigma(x) (sigma_k = exp(.) + 0.01 of its
    own head) and weights that depend on x. A sigma shared by the components returns equal
    columns on every row, weights without x equal rows; a fitted model with the required
    structure never does (its branches have different widths: the slope of the forward map
    differs between them, by a factor of about three near x = 0.5). Deterministic: no share
    of the budget, power 1 against both."""
    spread = float(np.max(s.max(axis=1) / s.min(axis=1) - 1))
    moves = float(np.max(np.ptp(w, axis=0)))
    detail = dict(sigma_spread=spread, weight_range=moves)
    if spread <= STRUCTURE_TOL:
        return failed(f"`{name}` gives the three components the same sigma at every x the grader "
                      "tried: the sigma is shared. The question asks for a sigma per component "
                      "(each component its own exp(.) + 0.01), because the branches of t have "
                      "different widths.", **detail)
    if moves <= STRUCTURE_TOL:
        return failed(f"`{name}` returns the same mixing weights at every x the grader tried. "
                      "The weights are a softmax of functions of x, so the share of each "
                      "component can change along x.", **detail)
    return passed(f"`{name}` has a sigma per component and weights that depend on x.", **detail)


STRUCTURE_TOL = 1e-6     # relative: equal up to float32 rounding


def nll_check(values, ctx, part: str, name: str):
    x, t = fresh(ctx)[part]
    w, mu, s = mixture(values["fresh"], f"{name}(x)", len(x))
    nll = nll_at_most(w, mu, s, t, nll_threshold(part, len(x), ctx.alpha), name,
                      "Check the likelihood you train on, that training converged (look at your "
                      "loss curve), and that the function returns the fitted model's weights, "
                      "means and sigmas.", floor=gaussian_floor()["nll"])
    wd, mud, sd = mixture(values["modes"], f"{name}(x)", len(DIP_X))
    # the structure the question asks for is a precondition: a shared sigma earns nothing,
    # however well its density scores (a unimodal answer is told it is unimodal first)
    structure, dip = structure_check(w, s, f"{name}(x)"), dip_check(wd, mud, sd, name)
    if not structure.passed:
        return [structure if dip.passed else dip]
    return after_gate(structure, [nll, dip])


def _predict_call(func: str, part: str):
    return lambda ctx: {"fresh": (func, {"x": fresh(ctx)[part][0].tolist()}),
                        "modes": (func, {"x": list(DIP_X)})}


def _register_part(part: str, func: str):
    @hw.question(part, calls=_predict_call(func, part), n_checks=1)
    def check(values, ctx):
        return nll_check(values, ctx, part, func)
    return check


for _part, _func in PARTS.items():
    _register_part(_part, _func)


# ------------------------------------------------------------------ Gumbel
@hw.question("test_gumbel", n_checks=GUMBEL_ROWS,
             calls=twice("sample_component", lambda ctx: {"logits": gumbel(ctx)["logits"].tolist()},
                         ("gumbel:seed", "gumbel:seed again")))
def check_gumbel(values, ctx):
    ids = gumbel(ctx)["ids"]
    name = "sample_component(logits, seed)"
    first = as_indices(values["draws"], name, len(ids), K)
    second = as_indices(values["again"], name, len(ids), K)
    if np.array_equal(first, second):
        return failed(f"`{name}` returned the same draws when the grader called it again with "
                      "another seed. Draw the Gumbel noise from a generator seeded with the "
                      "`seed` argument on every call.", repeated_share=1.0)
    probs = softmax(gumbel(ctx)["rows"], axis=1)
    return [frequencies(first[ids == r], dict(enumerate(probs[r].tolist())), ctx.alpha,
                        name=f"the components {name} draws for one row",
                        hint="Add standard Gumbel noise -log(-log(U)) to the logits (not to the "
                             "probabilities) and take the argmax over the components of each row.")
            for r in range(GUMBEL_ROWS)]


# ------------------------------------------------------------------ hard-EM
def initial_clusters(x, seed) -> np.ndarray:
    """The brief's initialisation, exactly as the notebook's setup cell gives it."""
    x = np.asarray(x, dtype=float)
    z = np.random.default_rng(seed).integers(0, 3, size=len(x))
    z[x < 0.3] = 0
    z[x > 0.7] = 2
    return z


def hard_em_from(x, t, z, max_iter: int = 500):
    """Hard-EM from the clusters z (the reference's loop, any start)."""
    design_x = np.column_stack([np.ones_like(x), x])
    coef = np.zeros((K, 2))
    for _ in range(max_iter):
        for k in range(K):
            if np.sum(z == k) >= 2:
                coef[k] = np.linalg.lstsq(design_x[z == k], t[z == k], rcond=None)[0]
        nearest = np.argmin((t[:, None] - design_x @ coef.T) ** 2, axis=1)
        if np.array_equal(nearest, z):
            break
        z = nearest
    return coef, z


def reference_hard_em(x, t, seed, max_iter: int = 500):
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    return hard_em_from(x, t, initial_clusters(x, seed), max_iter)


@hw.probe
def hard_em_inputs(ctx):
    """(x, t, seed) hard_em is called with: fresh data and an initialisation seed."""
    x, t = data.fresh_draws(ctx.sizes["hard_em_points"], ctx.seed_for("hard_em:data"))
    return x, t, ctx.seed_for("hard_em:seed")


@hw.probe
def hard_em_noise(ctx) -> dict[str, tuple[np.ndarray, np.ndarray, int]]:
    """(x, t, seed) of each noise data set: x and t independent U(0, 1). On Bishop's data
    hard-EM ends in the same three branches from most starts, so a run that ignores the
    given initialisation passes there for most seeds; on noise, every start has its own
    end, so the end shows the start (WRONG_START_SHARE)."""
    out = {}
    for i in range(ctx.sizes["hard_em_sets"]):
        rng = np.random.default_rng(ctx.seed_for(f"hard_em:noise{i}"))
        n = ctx.sizes["hard_em_points"]
        out[f"noise{i}"] = (rng.uniform(0, 1, n), rng.uniform(0, 1, n), int(rng.integers(2**31)))
    return out


def _hard_em_inputs_all(ctx) -> dict[str, tuple[np.ndarray, np.ndarray, int]]:
    return {"fit": hard_em_inputs(ctx), **hard_em_noise(ctx)}


def _hard_em_call(ctx):
    return {key: ("hard_em", {"x": x.tolist(), "t": t.tolist(), "seed": seed})
            for key, (x, t, seed) in _hard_em_inputs_all(ctx).items()}


@hw.question("test_hard_em", calls=_hard_em_call, n_checks=0)
def check_hard_em(values, ctx):
    """Right on every data set or nothing: the first data set it gets wrong is reported."""
    results = [hard_em_check(values[key], *inputs, "on fresh data" if key == "fit" else
                             "on the grader's data without branches")
               for key, inputs in _hard_em_inputs_all(ctx).items()]
    return next((r for r in results if not r.passed), results[0])


def hard_em_check(fit, x, t, seed, where: str):
    name = "hard_em(x, t, seed)"
    if not isinstance(fit, (list, tuple)) or len(fit) != 2:
        raise AnswerError(f"`{name}` should return a tuple (coefficients, assignments).")
    coef = as_array(fit[0], f"{name}: coefficients", shape=(K, 2))
    z = as_indices(fit[1], f"{name}: assignments", len(x), K)
    ref_coef, ref_z = reference_hard_em(x, t, seed)
    bands = reference_fits()["hard_em"]
    # labels are fixed by the initialisation, but a relabelling is no mistake
    perm = np.asarray(max(itertools.permutations(range(K)),
                          key=lambda perm: np.mean(np.asarray(perm)[z] == ref_z)))
    agree = float(np.mean(perm[z] == ref_z))
    coef_diff = float(np.abs(coef[np.argsort(perm)] - ref_coef).max())
    detail = dict(agreement=agree, coef_diff=coef_diff, bands=bands)
    if agree >= 1 - bands["assignment_band"] and coef_diff <= bands["coef_band"]:
        return passed(f"`{name}` converges {where} to the same three lines and clusters as a "
                      "reference run from the same initialisation.", **detail)
    if agree >= 1 - bands["assignment_band"]:
        return failed(f"`{name}` finds the right clusters {where}, but the coefficients it "
                      "returns are not the least-squares lines of those clusters. Return "
                      "(intercept, slope) per row, refitted after the last reassignment.",
                      **detail)
    return failed(f"`{name}` ends {where} with different clusters than hard-EM from the same "
                  "start. Start from initial_clusters(x, seed) with the seed you are given "
                  "(on data without branches, where the end depends on the start, another "
                  "start shows), then alternate: fit a least-squares line per cluster, move "
                  "every point to the line with the smallest squared residual, until no point "
                  "moves.", **detail)


# ------------------------------------------- known wrong answers (brief, §8)
def _single_gaussian(x):
    m, sd = moment_matched(x)
    return (np.full((len(m), K), 1 / K), np.repeat(m[:, None], K, 1), np.repeat(sd[:, None], K, 1))


def _with_all_parts(values, ctx, make):
    return {**values, **{part: {"fresh": make(fresh(ctx)[part][0]), "modes": make(np.asarray(DIP_X))}
                         for part in PARTS}}


@hw.wrong_answer("a single Gaussian per x (the best one, moment-matched) for B, C and D",
                 says="from a single Gaussian per x instead of a mixture of three")
def wrong_single_gaussian(values, ctx):
    return _with_all_parts(values, ctx, _single_gaussian)


@hw.wrong_answer("mixing weights not normalised (exp of the gate outputs, no softmax)",
                 says="when the mixing weights are not normalised with a softmax")
def wrong_unnormalised(values, ctx):
    def make(x):
        w, mu, s = _single_gaussian(x)
        return (np.exp(np.log(w) + 1.0), mu, s)
    return _with_all_parts(values, ctx, make)


@hw.wrong_answer("one sigma shared by the three components (Parts B, C and D)",
                 says="when one sigma is shared by the three components instead of one per "
                      "component")
def wrong_shared_sigma(values, ctx):
    """The reference run's own mixtures with each row's sigmas replaced by their mean: the
    density may still score, the structure the question asks for is gone."""
    def shared(answer):
        w, mu, s = (np.asarray(a, dtype=float) for a in answer)
        return (w, mu, np.repeat(s.mean(axis=1, keepdims=True), K, axis=1))
    return {**values, **{part: {key: shared(values[part][key]) for key in ("fresh", "modes")}
                         for part in PARTS}}


def _wrong_sampler(label):
    def wrong(values, ctx):
        probe, rng = gumbel(ctx), ctx.noise()
        ids = probe["ids"]
        q = np.cumsum(wrong_samplers(probe["rows"], np.bincount(ids, minlength=GUMBEL_ROWS))
                      [label][ids], axis=1)
        draws = {key: (rng.uniform(size=len(ids))[:, None] > q).sum(axis=1).clip(0, K - 1)
                 for key in ("draws", "again")}
        return {**values, "test_gumbel": draws}
    return wrong


GUMBEL_SAYS = {"argmax without Gumbel noise": "from the argmax of the logits without Gumbel noise",
               "softmax over the wrong axis": "when the softmax runs over the wrong axis",
               "Gumbel noise added to probabilities": "when the Gumbel noise is added to "
                                                      "probabilities instead of logits"}
for _label, _says in GUMBEL_SAYS.items():
    hw.wrong_answer(f"Gumbel-max: {_label}", says=_says)(_wrong_sampler(_label))


def _hard_em_answers(ctx, fit) -> dict:
    """What a hard_em(x, t, seed) that runs `fit(x, t, seed)` hands every call."""
    return {"test_hard_em": {key: fit(*inputs)
                             for key, inputs in _hard_em_inputs_all(ctx).items()}}


def _lines(x, t, z) -> np.ndarray:
    design_x = np.column_stack([np.ones_like(x), x])
    return np.array([np.linalg.lstsq(design_x[z == k], t[z == k], rcond=None)[0]
                     for k in range(K)])


@hw.wrong_answer("hard-EM: lines fitted once to the initial clusters, never reassigned",
                 says="when the lines are fitted once and the points never reassigned")
def wrong_no_reassignment(values, ctx):
    def once(x, t, seed):
        z = initial_clusters(x, seed)
        return _lines(x, t, z), z
    return {**values, **_hard_em_answers(ctx, once)}


@hw.wrong_answer("hard-EM: not started from initial_clusters(x, seed) (random clusters of its own)",
                 says="when hard-EM starts from clusters of its own instead of "
                      "initial_clusters(x, seed)",
                 # the end it reaches carries no number to weigh: the check's own hint names it
                 check_says="Start from initial_clusters(x, seed) with the seed you are given")
def wrong_start(values, ctx):
    rng = ctx.noise()
    return {**values, **_hard_em_answers(
        ctx, lambda x, t, seed: hard_em_from(x, t, rng.integers(0, K, size=len(x))))}


# The manifest (autograder/homework.py): what each file of solutions/mdn/ scores.
hw.variant(("alternatives/sequential.py", "alternatives/hand_written_mixture.py"), seed=41)
# Not run by the suite (a notebook run takes about a minute); measured once, seeds 42-47.
hw.variant("alternatives/no_floor.py")          # correct: see docs/calibration.md, "mdn"
hw.variant("mistakes/single_gaussian.py", loses=["test_mdn", "test_bayes"],
           told={"test_mdn": "unimodal", "test_bayes": "unimodal"})
hw.variant("mistakes/argmax.py", loses=["test_gumbel"],
           told={"test_gumbel": "argmax of the logits without Gumbel noise"})
# exp() weights let the loss run off: training breaks before predict_mdn is defined
hw.variant("mistakes/unnormalised.py", loses=["test_mdn", "test_bayes"])
hw.variant("mistakes/noise_on_probs.py", loses=["test_gumbel"])
# one run, two slips of issue 24: a sigma shared by the experts (Part B) and hard-EM from a
# start of its own (Part A)
# not run by the suite (its plain-data form is in tests/test_hw_mdn.py); Part B starts ADVI
# at the hard-EM lines, which here are the initial clusters' lines, so whether the experts
# still find the branches is chance
hw.variant("mistakes/no_reassignment.py", loses=["test_hard_em"], luck=["test_experts"])
hw.variant(("mistakes/shared_sigma.py", "mistakes/own_start.py"), seed=43,
           loses=["test_experts", "test_hard_em"],
           told={"test_experts": "sigma is shared", "test_hard_em": "initial_clusters(x, seed)"})
hw.variant("mistakes/wrong_axis.py", loses=["test_gumbel"])
