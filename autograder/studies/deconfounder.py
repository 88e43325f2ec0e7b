"""Facts of the deconfounder kit (synthetic movie casts, content brief section 10.3), shared
by its three milestones and by the students' helper file: the generator of casts and
revenue, the least-squares estimators the checks compare with, and the statistics the
checks compute (canonical correlations, an exact independence test, ranking measures).
Pure functions of plain data (and a reader of the recorded reference fits); each
milestone's checks.py decides sizes and bands.

The generator (`draw_casts`), one data set per seed:
- films i = 1..n carry two unobserved confounders z_i = (franchise, genre) ~ N(0, I);
- actor j is cast with P(A_ij = 1) = sigmoid(b_j + w_j . z_i): base rates U(0.1, 0.3),
  franchise loadings U(0.3, 1.5) (big productions cast more regulars), genre loadings
  U(-2.5, 2.5) (action stars against drama stars);
- one planted *franchise actor* at a random column has franchise loading 4, genre
  loading 0, base rate 0.2 and NO effect on revenue;
- log revenue y_i = 2 + sum_j beta_j A_ij + 1.5 franchise_i + 0.4 genre_i + N(0, 0.3^2),
  every other actor's effect beta_j ~ U(0, 0.5).
The franchise confounds every actor with a franchise loading, the franchise actor most:
a regression of revenue on the casts alone credits him with an effect he does not have.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.special import expit, log_expit

N_FILMS = 2000
N_ACTORS = 60
CONFOUNDERS = ("franchise", "genre")
INTERCEPT = 2.0
CONFOUNDER_EFFECTS = (1.5, 0.4)      # effect of (franchise, genre) on log revenue
NOISE_SD = 0.3
BASE_RATES = (0.1, 0.3)
FRANCHISE_LOADINGS = (0.3, 1.5)
GENRE_LOADINGS = (-2.5, 2.5)
EFFECTS = (0.0, 0.5)
FRANCHISE_ACTOR = {"loadings": (4.0, 0.0), "base_rate": 0.2}
HOLDOUT_SHARE = 0.2                  # share of cast entries the predictive check holds out
COURSE_SEED = 20270501               # the students' data set, datasets/casts/casts.csv

_FIRST = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea",
          "Milo", "Nia", "Otto", "Pia", "Quin", "Rosa", "Sam", "Tess", "Uma", "Vic", "Wren",
          "Xavi", "Yara", "Zed")
_LAST = ("Abbot", "Brink", "Castro", "Dahl", "Ekwe", "Fisher", "Garza", "Holm", "Ito", "Jansen",
         "Kaur", "Lund", "Moreau", "Novak", "Okafor", "Price", "Quist", "Rossi", "Sato", "Toivo",
         "Ulloa", "Varga", "Wolfe", "Yilmaz", "Zhou")


@dataclass(frozen=True)
class Casts:
    """One drawn data set and its truth. `casts` (films x actors, 0/1) and `revenue` are
    what an analyst sees; the rest is the truth the checks score against."""
    casts: np.ndarray            # (n, m) int, A_ij
    revenue: np.ndarray          # (n,) log revenue
    actors: tuple[str, ...]      # column names, one per actor
    confounders: np.ndarray      # (n, 2) true (franchise, genre)
    noise: np.ndarray            # (n,) the revenue noise
    effects: np.ndarray          # (m,) true effect of each actor on log revenue
    loadings: np.ndarray         # (m, 2)
    intercepts: np.ndarray       # (m,) logit base rates
    franchise_actor: int         # column of the planted franchise actor

    def columns(self, revenue: np.ndarray | None = None) -> dict[str, list]:
        """The data set as columns (film, one 0/1 column per actor, log_revenue), the form
        of the students' CSV; `revenue` replaces the revenue column (a grader's probe)."""
        y = self.revenue if revenue is None else np.asarray(revenue, dtype=float)
        out: dict[str, list] = {"film": list(range(len(y)))}
        for j, name in enumerate(self.actors):
            out[name] = self.casts[:, j].astype(int).tolist()
        out["log_revenue"] = [float(v) for v in y]
        return out


def actor_names(rng: np.random.Generator, m: int) -> tuple[str, ...]:
    """m distinct made-up names, in a random order."""
    pairs = [f"{a} {b}" for a in _FIRST for b in _LAST]
    return tuple(pairs[i] for i in rng.choice(len(pairs), size=m, replace=False))


def _logit(p):
    p = np.asarray(p, dtype=float)
    return np.log(p / (1 - p))


def draw_casts(seed: int, n_films: int = N_FILMS, n_actors: int = N_ACTORS) -> Casts:
    """One data set of the generator in the module docstring, fixed by `seed`."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_films, 2))
    intercepts = _logit(rng.uniform(*BASE_RATES, n_actors))
    loadings = np.column_stack([rng.uniform(*FRANCHISE_LOADINGS, n_actors),
                                rng.uniform(*GENRE_LOADINGS, n_actors)])
    star = int(rng.integers(n_actors))
    loadings[star] = FRANCHISE_ACTOR["loadings"]
    intercepts[star] = _logit(FRANCHISE_ACTOR["base_rate"])
    effects = rng.uniform(*EFFECTS, n_actors)
    effects[star] = 0.0
    casts = (rng.random((n_films, n_actors)) < expit(intercepts + z @ loadings.T)).astype(np.int64)
    noise = rng.normal(0.0, NOISE_SD, n_films)
    revenue = INTERCEPT + casts @ effects + z @ np.asarray(CONFOUNDER_EFFECTS) + noise
    return Casts(casts, revenue, actor_names(rng, n_actors), z, noise, effects, loadings,
                 intercepts, star)


def holdout_mask(seed: int, shape: tuple[int, int], share: float = HOLDOUT_SHARE) -> np.ndarray:
    """0/1 matrix of the cast entries a predictive check holds out (1 = held out)."""
    return (np.random.default_rng(seed).random(shape) < share).astype(np.int64)


# ------------------------------------------------------------ the truth's posterior
def posterior_mean(casts: np.ndarray, loadings: np.ndarray, intercepts: np.ndarray,
                   grid: int = 61) -> np.ndarray:
    """E[z_i | A_i] under the true casting model (two confounders, N(0, I) prior), by
    quadrature on a grid of +-5 sd: the substitute confounder an ideal factor model would
    give. (n, 2) in the coordinates of the truth."""
    x = np.linspace(-5.0, 5.0, grid)
    nodes = np.stack(np.meshgrid(x, x, indexing="ij"), -1).reshape(-1, 2)
    logits = intercepts + nodes @ loadings.T                   # (G, m)
    a = np.asarray(casts, dtype=float)
    loglik = a @ log_expit(logits).T + (1 - a) @ log_expit(-logits).T - 0.5 * (nodes ** 2).sum(1)
    loglik -= loglik.max(axis=1, keepdims=True)
    w = np.exp(loglik)
    return (w @ nodes) / w.sum(axis=1, keepdims=True)


# ------------------------------------------------------------------ estimators
@dataclass(frozen=True)
class LeastSquares:
    """Revenue regressed on the casts (and optional adjustment columns), with intercept."""
    effects: np.ndarray          # (m,) coefficients of the casts
    effect_se: np.ndarray        # (m,) their standard errors
    intercept: float
    adjust: np.ndarray           # coefficients of the adjustment columns (may be empty)
    sigma: float                 # residual standard deviation


def least_squares(casts, revenue, adjust=None) -> LeastSquares:
    """OLS of revenue on [1, casts, adjust]: the naive model without `adjust`, the
    deconfounder's outcome model with the substitute confounder as `adjust`."""
    a = np.asarray(casts, dtype=float)
    cols = [np.ones((a.shape[0], 1)), a]
    if adjust is not None:
        cols.append(np.asarray(adjust, dtype=float).reshape(a.shape[0], -1))
    x = np.hstack(cols)
    y = np.asarray(revenue, dtype=float)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    dof = x.shape[0] - x.shape[1]
    sigma = float(math.sqrt(resid @ resid / dof))
    cov = sigma ** 2 * np.linalg.pinv(x.T @ x)
    m = a.shape[1]
    return LeastSquares(coef[1:m + 1], np.sqrt(np.diag(cov))[1:m + 1], float(coef[0]),
                        coef[m + 1:], sigma)


# ------------------------------------------------------------------ statistics
def canonical_correlations(a, b) -> np.ndarray:
    """Canonical correlations between the columns of a and of b (descending), invariant
    to any invertible linear map of either: a substitute confounder is identified only up
    to such a map. Missing directions (b with fewer columns) count as 0."""
    a = np.asarray(a, dtype=float).reshape(len(a), -1)
    b = np.asarray(b, dtype=float).reshape(len(b), -1)
    qa, _ = np.linalg.qr(a - a.mean(0))
    qb, _ = np.linalg.qr(b - b.mean(0))
    rho = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return np.concatenate([np.clip(rho, 0.0, 1.0), np.zeros(max(0, a.shape[1] - rho.size))])


def independence_pvalue(column, z_hat) -> float:
    """F-test that `column` is unrelated to the columns of z_hat (regression with an
    intercept). Exact when `column` is i.i.d. normal and independent of z_hat, whatever
    z_hat is: the grader's noise column against a substitute confounder computed from
    the casts alone."""
    y = np.asarray(column, dtype=float)
    z = np.asarray(z_hat, dtype=float).reshape(len(y), -1)
    x = np.column_stack([np.ones(len(y)), z])
    k = np.linalg.matrix_rank(x) - 1
    if k < 1:
        return 1.0
    resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    rss1, rss0 = float(resid @ resid), float(((y - y.mean()) ** 2).sum())
    dof = len(y) - k - 1
    f = ((rss0 - rss1) / k) / (rss1 / dof)
    return float(stats.f.sf(f, k, dof))


def rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) ** 2)))


def error_ratio(effects, data: Casts) -> float:
    """RMSE of `effects` against the true effects, over the RMSE of the naive model's
    (revenue on the casts alone, on the same data): below 1 means closer to the truth
    than the naive estimates."""
    naive = least_squares(data.casts, data.revenue).effects
    return rmse(effects, data.effects) / rmse(naive, data.effects)


def rank_correlation(order: list[str], data: Casts) -> float:
    """Spearman correlation between a ranking of the actors (best first) and the
    ranking by their true effects."""
    position = {name: i for i, name in enumerate(order)}
    ranks = np.array([position[name] for name in data.actors], dtype=float)
    return float(stats.spearmanr(-ranks, data.effects)[0])


def ranking(names, scores) -> list[str]:
    """Names sorted by score, largest first."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    return [names[i] for i in order]


def do_contrast_sd(params: dict, z) -> np.ndarray:
    """Per actor, the SD of one draw's contrast Y(do A_j = 1) - Y(do A_j = 0) in the film
    model with these parameters, the two arms drawn independently and averaged over the
    rows of z: sqrt(2 (sigma^2 + sum_{k != j} beta_k^2 mean_i p_ik (1 - p_ik))). Shared
    draws between the arms only lower it."""
    p = expit(np.asarray(params["b"]) + np.asarray(z, dtype=float) @ np.asarray(params["W"]).T)
    beta = np.asarray(params["beta"], dtype=float)
    var_k = beta ** 2 * (p * (1 - p)).mean(0)
    others = var_k.sum() - var_k
    return np.sqrt(2 * (float(params["sigma"]) ** 2 + others))


@functools.lru_cache(maxsize=8)
def _recorded(path: str) -> dict:
    return json.loads(Path(path).read_text())["runs"]


def recorded_rows(path, style: str = "reference") -> list[dict]:
    """The runs of one style in a reference-fits file (solutions/deconfounder_m1/
    reference_fits.py writes them: {style: [run, ...]}, the reference and its registered
    alternative), each a dict of the statistics that run recorded."""
    return _recorded(str(path))[style]


def recorded_runs(path, stat: str) -> dict[str, list[float]]:
    """One statistic of a reference-fits file per style, in the form
    checks.prediction_band, prediction_bound and close_to_runs take."""
    return {style: [float(r[stat]) for r in rows if stat in r]
            for style, rows in _recorded(str(path)).items()}
