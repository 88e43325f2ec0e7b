"""Hidden checks for the latent-confounder homework (content brief, section 9).

Never released to students. The facts come from the SCM in autograder/studies/game.py:
the true ATE exactly (Y is linear), and what the two known biased estimators (the
difference in means, back-door adjustment on G only) converge to, by Gauss-Hermite
quadrature over the confounder Z. The bands (docs/statistics.md, "Latent-confounder
homework"): frontdoor_ate on fresh data sets within z x the bootstrap SE of the correct
estimators on each; vi_ate within a prediction interval of the reference's own runs
(reference/vi_reference.json, from solutions/latent_vi/calibrate_vi.py); unit_contrasts
with the grader's Z varying between calls by Monte Carlo error only; the loss falling.
"""
from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
from scipy import stats

from autograder.checks import (Threshold, all_of, as_array, as_float, close_to, close_to_runs,
                               failed, loss_falls, passed, prediction_band, required_n)
from autograder.homework import Homework, dataframe, kernel_global
from autograder.studies import game as scm

REFERENCE = Path(__file__).resolve().parent / "reference" / "vi_reference.json"
COURSE_DATA = Path(__file__).resolve().parents[2] / "datasets" / "game" / "game.csv"
hw = Homework()

TRUE_ATE = scm.true_ate()

FD_SETS = 3              # fresh data sets handed to frontdoor_ate; one check each + the mean


# ------------------------------------------- population facts by quadrature
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(120)   # E[f(Z)], Z ~ N(0, 1)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def _p_t1(g: int) -> np.ndarray:
    """P(T=1 | G=g, Z=z) at the quadrature nodes."""
    a, b, c = scm.T_COEF
    return 1.0 / (1.0 + np.exp(-(a + b * g + c * _NODES)))


def population() -> dict:
    """P(g, t), E[Z | t, g] and the cell probabilities P(g, t, m) (quadrature error ~1e-15)."""
    p_g = np.array([1 - scm.P_G1, scm.P_G1])
    p_gt, ez = np.zeros((2, 2)), np.zeros((2, 2))
    for g in (0, 1):
        for t in (0, 1):
            w = _WEIGHTS * (_p_t1(g) if t else 1 - _p_t1(g))
            p_gt[g, t] = p_g[g] * w.sum()
            ez[g, t] = (w * _NODES).sum() / w.sum()
    p_m1 = np.asarray(scm.P_M1_GIVEN_T)
    cells = np.stack([p_gt * (1 - p_m1)[None, :], p_gt * p_m1[None, :]], axis=-1)  # [g, t, m]
    return {"p_g": p_g, "p_gt": p_gt, "ez": ez, "cells": cells}


def _y_given_tg(pop) -> np.ndarray:
    """[g, t] = E[Y | T=t, G=g]: Z enters through E[Z | t, g], M through P(M=1 | t)."""
    b0, bm, bg, bz = scm.Y_COEF
    p_m1 = np.asarray(scm.P_M1_GIVEN_T)
    return b0 + bm * p_m1[None, :] + bg * np.array([[0.0], [1.0]]) + bz * pop["ez"]


def wrong_population_values() -> dict[str, float]:
    """What each known biased estimator converges to."""
    pop = population()
    ey = _y_given_tg(pop)
    p_t = pop["p_gt"].sum(0)
    naive = ((pop["p_gt"][:, 1] * ey[:, 1]).sum() / p_t[1]
             - (pop["p_gt"][:, 0] * ey[:, 0]).sum() / p_t[0])
    backdoor = float((pop["p_g"] * (ey[:, 1] - ey[:, 0])).sum())
    return {"naive difference in means": float(naive), "back-door adjustment on G only": backdoor}


# ------------------------------------------------------------ estimators
# Functions of the 8 cell counts and sums of Y over (G, T, M), so a bootstrap replicate
# is a reweighting of the cells: counts[..., g, t, m], sums[..., g, t, m].
def cell_stats(d: dict, resample=None) -> tuple[np.ndarray, np.ndarray]:
    """(counts, sums), shape (B or 1, 2, 2, 2), of the data set or of each bootstrap
    replicate when `resample` is a (B, n) array of row indices."""
    g, t, m = (np.asarray(d[k], dtype=np.int64) for k in "GTM")
    y = np.asarray(d["Y"], dtype=np.float64)
    cell = g * 4 + t * 2 + m
    idx = np.arange(cell.size)[None, :] if resample is None else np.asarray(resample)
    key = (np.arange(idx.shape[0])[:, None] * 8 + cell[idx]).ravel()
    size = idx.shape[0] * 8
    counts = np.bincount(key, minlength=size).astype(float).reshape(-1, 2, 2, 2)
    sums = np.bincount(key, weights=y[idx].ravel(), minlength=size).reshape(-1, 2, 2, 2)
    return counts, sums


def frontdoor_by_g(counts, sums):
    """sum_g P(g) sum_m [P(m | 1, g) - P(m | 0, g)] sum_t' E[Y | m, t', g] P(t' | g)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        n_gt = counts.sum(-1)                                   # [..., g, t]
        p_m1 = counts[..., 1] / n_gt                            # [..., g, t]
        p_t1 = n_gt[..., 1] / n_gt.sum(-1)                      # [..., g]
        mean_y = sums / counts                                  # [..., g, t, m]
        inner = mean_y[..., 0, :] * (1 - p_t1)[..., None] + mean_y[..., 1, :] * p_t1[..., None]
        p_g = n_gt.sum(-1) / n_gt.sum((-1, -2))[..., None]
        return (p_g * (p_m1[..., 1] - p_m1[..., 0]) * (inner[..., 1] - inner[..., 0])).sum(-1)


def two_stage(counts, sums):
    """(M ~ 1 + T) coefficient of T times (Y ~ 1 + M + T + G) coefficient of M, by
    least squares; the normal equations need only cell counts and sums."""
    levels = np.array([[1, g, t, m] for g in (0, 1) for t in (0, 1) for m in (0, 1)], float)
    c = counts.reshape(*counts.shape[:-3], 8)
    s = sums.reshape(*sums.shape[:-3], 8)
    x = levels[:, [0, 3, 2, 1]]                                 # columns 1, M, T, G
    xtx = np.einsum("...k,ki,kj->...ij", c, x, x)
    xty = np.einsum("...k,ki->...i", s, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta_m = np.linalg.solve(xtx, xty[..., None])[..., 1, 0]
        n_t = np.stack([c[..., levels[:, 2] == t].sum(-1) for t in (0, 1)], -1)
        m1_t = np.stack([c[..., (levels[:, 2] == t) & (levels[:, 3] == 1)].sum(-1)
                         for t in (0, 1)], -1)
        alpha_t = m1_t[..., 1] / n_t[..., 1] - m1_t[..., 0] / n_t[..., 0]
    return alpha_t * beta_m


def naive(counts, sums):
    with np.errstate(invalid="ignore", divide="ignore"):
        by_t = sums.sum((-1, -3)) / counts.sum((-1, -3))         # [..., t]
    return by_t[..., 1] - by_t[..., 0]


def backdoor_g(counts, sums):
    with np.errstate(invalid="ignore", divide="ignore"):
        by_gt = sums.sum(-1) / counts.sum(-1)                    # [..., g, t]
        p_g = counts.sum((-1, -2)) / counts.sum((-1, -2, -3))[..., None]
    return (p_g * (by_gt[..., 1] - by_gt[..., 0])).sum(-1)


CORRECT = {"front-door formula within G": frontdoor_by_g, "two-stage regression": two_stage}
WRONG = {"naive difference in means": naive, "back-door adjustment on G only": backdoor_g}
HINTS = {"naive difference in means": "It equals the plain difference in mean purchases "
                                      "between engaged and other players, which the confounders "
                                      "bias.",
         "back-door adjustment on G only": "It equals back-door adjustment for guild membership "
                                           "alone, which leaves the unobserved Z confounding T "
                                           "and Y."}


def estimate(func, d: dict) -> float:
    return float(func(*cell_stats(d))[0])


BOOTSTRAP = 2000   # replicates: the SE estimate's relative error is ~1/sqrt(2B) = 1.6%


def bootstrap_se(d: dict, seed: int, replicates: int = BOOTSTRAP) -> float:
    """The larger bootstrap SD of the correct estimators on this data set."""
    n = len(d["Y"])
    cells = cell_stats(d, np.random.default_rng(seed).integers(0, n, size=(replicates, n)))
    return max(float(np.nanstd(v[np.isfinite(v)], ddof=1))
               for v in (func(*cells) for func in CORRECT.values()))


# ------------------------------------------------------------------ design
MIN_CELL_COUNT = 30      # expected players per (G, T, M) cell in a fresh data set
DESIGN_SIMS = 1000       # simulated data sets for sqrt(n) x SD of the estimators


@functools.lru_cache(maxsize=4)
def root_n_sds(n: int = 2000, sims: int = DESIGN_SIMS, seed: int = 99) -> dict[str, float]:
    """sqrt(n) x the sampling SD at n of each estimator (right and wrong), by simulation."""
    values = {k: [] for k in (*CORRECT, *WRONG)}
    for i in range(sims):
        cells = cell_stats(scm.sample(n, seed * 100_003 + i))
        for k, f in {**CORRECT, **WRONG}.items():
            values[k].append(float(f(*cells)[0]))
    return {k: float(np.std(v, ddof=1) * math.sqrt(n)) for k, v in values.items()}


def fd_power_n(alpha: float) -> int:
    """Players per data set at which each known biased estimator fails with power 0.999
    at level alpha (sigma: the larger sqrt(n) SD of the right and the wrong estimator)."""
    sds = root_n_sds()
    sigma_right = max(sds[k] for k in CORRECT)
    need = 1
    for label, value in wrong_population_values().items():
        need = max(need, required_n(max(sigma_right, sds[label]), abs(value - TRUE_ATE), alpha,
                                    power=0.999))
    return need


def fd_cell_n() -> int:
    """Players per data set at which the rarest (G, T, M) cell expects MIN_CELL_COUNT."""
    return math.ceil(MIN_CELL_COUNT / population()["cells"].min())


@hw.design
def design(budget: float) -> dict[str, int]:
    """fd_n: players per fresh data set, enough for power and for the rarest cell (no
    cell empty, P ~ e^-30; cell means near normal), rounded up to 500; num_z_samples: Z
    draws per player in vi_ate, as in the calibration runs; the same-Z test's players
    and draws (its power against a Z redrawn per arm is ~1 at a few hundred players)."""
    alpha = budget / hw.total_checks
    need = max(fd_power_n(alpha), fd_cell_n())
    return {"fd_n": int(math.ceil(need / 500) * 500),
            "num_z_samples": load_reference()["num_z_samples"],
            "same_z_units": same_z_units(alpha, SAME_Z_SAMPLES),
            "same_z_samples": SAME_Z_SAMPLES}


SAME_Z_SAMPLES = 20      # N: a Z redrawn per arm raises d by (N - 1) Var(2 Z), 76 at N = 20
SAME_Z_CLT_UNITS = 500   # the size at which the statistic's null was checked N(0, 1)


def same_z_units(alpha: float, n: int, power: float = 0.999) -> int:
    """Players for the same-Z test: power `power` at level alpha against a Z redrawn per
    arm (once per player and call, the registered mistake), and at least SAME_Z_CLT_UNITS,
    rounded up to 100. Per player, d = N (A - B)^2 / 2 - (E - F)^2 / 2 with v the variance
    of one draw's contrast (M and Y noise of the SCM): right, each term is v chi2(1) and d
    has mean 0; with the mistake the terms are (N b^2 + v) chi2(1) and (b^2 + v) chi2(1),
    b = Z's coefficient, so the mean moves by (N - 1) b^2 and the sd is at most
    sqrt(2 (N b^2 + v)^2 + 2 (b^2 + v)^2). At the default budget the power needs about 120
    players: the CLT floor sets the size."""
    p0, p1 = scm.P_M1_GIVEN_T
    b_m, b_z = scm.Y_COEF[1], scm.Y_COEF[3]
    v = b_m ** 2 * (p0 * (1 - p0) + p1 * (1 - p1)) + 2 * scm.Y_SD ** 2
    sd = math.sqrt(2 * (n * b_z ** 2 + v) ** 2 + 2 * (b_z ** 2 + v) ** 2)
    need = required_n(sd, (n - 1) * b_z ** 2, alpha, power=power)
    return int(math.ceil(max(need, SAME_Z_CLT_UNITS) / 100) * 100)


@functools.lru_cache(maxsize=1)
def load_reference(path: Path = REFERENCE) -> dict:
    return json.loads(path.read_text())


def vi_band(alpha: float) -> tuple[float, float]:
    """(centre, half-width): a prediction interval for one more reference run."""
    return prediction_band(load_reference()["reference_ates"], alpha)


def fresh_data(ctx, label: str, n: int) -> dict:
    return scm.sample(n, ctx.seed_for(f"latent_vi:{label}"))


def as_frame(d: dict) -> dict:
    return dataframe({k: d[k] for k in scm.COLUMNS})


@hw.probe
def fd_sets(ctx) -> dict[str, dict]:
    """The fresh data sets frontdoor_ate is called on, drawn per submission."""
    n = ctx.sizes["fd_n"]
    return {f"set {i + 1}": fresh_data(ctx, f"fd{i}", n) for i in range(FD_SETS)}


# ------------------------------------------------------------------ checks
FLOAT_TOL = 1e-5   # a float32 computation of the same estimator, relative


@hw.question("test_frontdoor", n_checks=FD_SETS + 1,
             calls=lambda ctx: {label: ("frontdoor_ate", {"df": as_frame(d)})
                                for label, d in fd_sets(ctx).items()})
def check_frontdoor(values, ctx):
    results, answers, ses = [], [], []
    for i, (label, d) in enumerate(fd_sets(ctx).items()):
        name = f"frontdoor_ate(df) on the grader's fresh data {label}"
        x = as_float(values[label], name)
        se = bootstrap_se(d, ctx.seed_for(f"latent_vi:bootstrap{i}"))
        misconception = next((HINTS[k] for k, f in WRONG.items()
                              if abs(x - (w := estimate(f, d))) <= FLOAT_TOL * (1 + abs(w))),
                             "Check that you weight P(M | T) by the outcome means averaged "
                             "over T with P(T) (within each guild), not conditioned on T.")
        results.append(close_to(x, TRUE_ATE, se, ctx.alpha, name=name, hint=misconception))
        answers.append(x)
        ses.append(se)
    mean_se = math.sqrt(sum(s * s for s in ses)) / len(ses)
    results.append(close_to(float(np.mean(answers)), TRUE_ATE, mean_se, ctx.alpha,
                            name="the mean of frontdoor_ate over the grader's data sets",
                            hint="A consistent estimator is right on average; a systematic "
                                 "offset points to a formula that is biased."))
    return all_of(results, "frontdoor_ate")


def _vi_calls(ctx):
    base = {"model": kernel_global("model"), "guide": kernel_global("guide"),
            "df": kernel_global("df")}
    return {"ate": ("vi_ate", {**base, "num_samples": ctx.sizes["num_z_samples"],
                               "seed": ctx.seed_for("latent_vi:vi_ate")}),
            **{key: ("vi_ate", {**base, "num_samples": 1,
                                "seed": ctx.seed_for(f"latent_vi:vi_ate:{key}")})
               for key in ("one_draw", "one_draw_again")}}


@hw.question("test_vi_ate", n_checks=1, calls=_vi_calls)
def check_vi_ate(values, ctx):
    """The centre is the reference runs' mean, not the truth: every student fits the same
    2,000 players, whose own sampling error is no student's fault. The band alone passes a
    number computed from the data (the front-door estimate on the same players, 0.978, sits
    inside it), so the check also sees the draws: called twice with one draw of Z per player
    and two seeds, a VI estimate changes (its Monte Carlo sd with one draw is about
    sqrt(3.5 / 2000) = 0.04, so two equal values have probability ~1e-6); a function of the
    data alone returns the same number (no share of the budget)."""
    name = "vi_ate(model, guide, df, num_samples, seed)"
    first, again = (as_float(values[k], f"{name} with num_samples=1")
                    for k in ("one_draw", "one_draw_again"))
    if first == again:
        return failed(f"`{name}` returned the same value for two different seeds with one draw "
                      "of Z per player, so it draws nothing: a number computed from the data "
                      "alone (such as the front-door estimate) is not the VI estimate. Draw Z "
                      "from the guide for every player, num_samples times, and apply do(T=1) and "
                      "do(T=0) to the fitted model with those draws.",
                      evidence=Threshold(False, abs(first - again), 0.0))
    return close_to_runs(values["ate"], load_reference()["reference_ates"], ctx.alpha, name,
                         "Check that the model was trained (the loss levelled off), that Y "
                         "depends on M, G and Z only, and that both arms use pyro.do on T with Z "
                         "drawn from the guide.")


@hw.probe
def same_z(ctx) -> tuple[dict, np.ndarray]:
    """The players (fresh data) and the latent value z of each that unit_contrasts gets."""
    n = ctx.sizes["same_z_units"]
    return (fresh_data(ctx, "same_z_units", n),
            np.random.default_rng(ctx.seed_for("latent_vi:z")).standard_normal(n))


def _same_z_calls(ctx):
    dz, (d, z) = ctx.sizes, same_z(ctx)
    base = {"model": kernel_global("model"), "df": as_frame(d), "z": z.tolist()}
    return {key: ("unit_contrasts", {**base, "num_samples": n,
                                     "seed": ctx.seed_for(f"latent_vi:contrasts:{key}")})
            for key, n in (("a", dz["same_z_samples"]), ("b", dz["same_z_samples"]),
                           ("single_a", 1), ("single_b", 1))}


@hw.question("test_same_z", n_checks=1, calls=_same_z_calls)
def check_same_z(values, ctx):
    """d = N (A - B)^2 / 2 - (E - F)^2 / 2 per player (A, B: calls with N draws; E, F:
    with one) has mean 0 when Z is the grader's; a Z redrawn in either arm raises it.
    One-sided z-test on mean(d) (docs/statistics.md, "Same Z")."""
    n_units, n = ctx.sizes["same_z_units"], ctx.sizes["same_z_samples"]
    name = "unit_contrasts(model, df, z, num_samples, seed)"
    arr = {k: as_array(values[k], name, shape=(n_units,)) for k in ("a", "b", "single_a",
                                                                    "single_b")}
    d = n * (arr["a"] - arr["b"]) ** 2 / 2 - (arr["single_a"] - arr["single_b"]) ** 2 / 2
    mean, se = float(d.mean()), float(d.std(ddof=1) / math.sqrt(n_units))
    z_one = float(stats.norm.isf(ctx.alpha))
    ok = (se == 0 and mean <= 0) or (se > 0 and mean <= z_one * se)
    detail = dict(statistic=mean, statistic_se=se, z_crit=z_one,
                  z=(mean / se if se > 0 else 0.0), evidence=Threshold(ok, mean, z_one * se))
    if ok:
        return passed(f"`{name}` gives the same contrasts for the same z.", **detail)
    return failed(f"`{name}` gives contrasts for the same z that differ between calls by more "
                  "than the randomness of M and Y can explain. Use the z you are given, the same "
                  "for both arms (condition Z on it, then intervene on T); do not draw a new Z "
                  "per arm or per call, and average over exactly num_samples draws.", **detail)


@hw.question("test_training", answers=["losses"], n_checks=0)
def check_training(values, ctx):
    """Deterministic in effect for a trained model (z of order 100 for the reference):
    at the submission's whole budget, and no share of it."""
    return loss_falls(values["losses"], ctx.budget, "losses", hint="Run the SVI loop "
                      "(svi.step) and record every step's loss.")


# ------------------------------------------- known wrong answers (brief, §9)
# Each returns what a submission making that mistake hands the checks.
SAYS = {"naive difference in means": "from the plain difference in mean purchases, which the "
                                    "confounders bias",
        "back-door adjustment on G only": "by adjusting for guild membership alone, which leaves "
                                          "the unobserved Z confounding engagement and purchases"}


def _biased_frontdoor(label):
    """A frontdoor_ate that computes the biased estimator WRONG[label] on each fresh set."""
    return lambda values, ctx: {**values, "test_frontdoor": {
        k: estimate(WRONG[label], d) for k, d in fd_sets(ctx).items()}}


for _label, _says in SAYS.items():
    hw.wrong_answer(_label, says=_says)(_biased_frontdoor(_label))


def simulated_contrasts(ctx, redraw_z: bool) -> dict:
    """What unit_contrasts returns when the model is the true SCM: the same-Z version,
    or one that draws its own Z for the T=0 arm (once per player and call)."""
    dz = ctx.sizes
    n_units = dz["same_z_units"]
    rng = ctx.noise()
    d, z = same_z(ctx)
    b0, bm, bg, bz = scm.Y_COEF
    p_m = np.asarray(scm.P_M1_GIVEN_T)

    def call(n):
        z0 = rng.standard_normal(n_units) if redraw_z else z
        y = {}
        for t, zt in ((1, z), (0, z0)):
            m = rng.random((n, n_units)) < p_m[t]
            y[t] = (b0 + bm * m + bg * d["G"] + bz * zt
                    + scm.Y_SD * rng.standard_normal((n, n_units)))
        return (y[1] - y[0]).mean(0)

    n = dz["same_z_samples"]
    return {"a": call(n), "b": call(n), "single_a": call(1), "single_b": call(1)}


@hw.wrong_answer("a different Z per arm",
                 says="when each arm draws its own Z: both interventions must use the same Z "
                      "for a player",
                 check_says="do not draw a new Z per arm")
def different_z(values, ctx):
    return {**values, "test_same_z": simulated_contrasts(ctx, redraw_z=True)}


@hw.wrong_answer("untrained model", says="from a model whose SVI loop never ran")
def untrained(values, ctx):
    """The SVI loop never ran: no losses, and vi_ate of a freshly initialised model
    (its spread over initialisations recorded with the calibration runs; the one-draw
    calls scatter around it with the Monte Carlo sd of one draw)."""
    ref = np.asarray(load_reference()["untrained_ates"], dtype=float)
    rng = ctx.noise()
    ate = float(rng.choice(ref))
    return {**values, "test_training": {"losses": []},
            "test_vi_ate": {"ate": ate, **{k: ate + 0.04 * float(rng.standard_normal())
                                           for k in ("one_draw", "one_draw_again")}}}


@functools.lru_cache(maxsize=1)
def course_frontdoor() -> float:
    """The front-door estimate on the students' 2,000 players."""
    rows = np.loadtxt(COURSE_DATA, delimiter=",", skiprows=1)
    return estimate(frontdoor_by_g, dict(zip(scm.COLUMNS, rows.T)))


@hw.wrong_answer("the front-door estimate returned as the VI estimate",
                 says="when vi_ate returns the front-door estimate of the data instead of "
                      "averaging contrasts over draws of Z from the guide")
def frontdoor_as_vi(values, ctx):
    fd = course_frontdoor()
    return {**values, "test_vi_ate": {k: fd for k in ("ate", "one_draw", "one_draw_again")}}


# The manifest (autograder/homework.py): what each file of solutions/latent_vi/ scores. A
# notebook run trains the SVI model, so files in different cells share one run.
hw.variant(("alternatives/two_stage.py", "alternatives/exact_contrasts.py"), seed=5)
hw.variant(("mistakes/different_z.py", "mistakes/naive.py"), seed=6,
           loses=["test_frontdoor", "test_same_z"],
           told={"test_same_z": "same for both arms"})            # the mean vi_ate is fine
hw.variant(("mistakes/untrained.py", "mistakes/backdoor_g.py"), seed=7,
           loses=["test_frontdoor", "test_training", "test_vi_ate"],
           told={"test_frontdoor": "back-door adjustment for guild membership"})
# issue 24: vi_ate returns frontdoor_ate(df); its value sits inside the VI band, the one-draw
# calls with two seeds show that it draws nothing
hw.variant("mistakes/frontdoor_as_vi.py", seed=8, loses=["test_vi_ate"],
           told={"test_vi_ate": "draws nothing"})
