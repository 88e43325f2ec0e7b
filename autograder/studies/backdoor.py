"""Facts of the promotions study (homework 2, back-door adjustment), shared by every
homework built on it (ipw): the maximum-likelihood CPTs of the DAG Z -> X, Z -> Y,
X -> Y from the counts, the adjustment formulas, the brief's typed-in numbers, and the
family of tables the grader draws probes from. Pure functions of plain data; each
homework's checks.py decides which sizes and bands to use.
"""
from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np

from .counts import load_cell_counts


def load_counts(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """renewed[x, z] and total[x, z] from the data file (datasets/backdoor/promotions.csv)."""
    return load_cell_counts(path, "promotion", "happiness", "renewed")


def cpts_from_counts(renewed: np.ndarray, total: np.ndarray) -> dict:
    """Maximum-likelihood CPTs of the DAG Z -> X, Z -> Y, X -> Y."""
    n_z = total.sum(axis=0)                               # subscribers per happiness level
    return {
        "p_z1": float(n_z[1] / n_z.sum()),                # P(Z=1)
        "p_x_given_z": (total / n_z).T.tolist(),          # [z][x] = P(X=x | Z=z)
        "p_y_given_xz": (renewed / total).tolist(),       # [x][z] = P(Y=1 | X=x, Z=z)
    }


def joint(cpts: dict) -> np.ndarray:
    """P(Z=z, X=x, Y=y) as an array indexed [z, x, y], by the chain rule on the DAG."""
    p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
    p_x = np.asarray(cpts["p_x_given_z"])               # [z][x]
    p_y1 = np.asarray(cpts["p_y_given_xz"])             # [x][z] = P(Y=1 | x, z)
    out = np.empty((2, 2, 2))
    for z, x, y in itertools.product((0, 1), repeat=3):
        p_y = p_y1[x, z] if y == 1 else 1 - p_y1[x, z]
        out[z, x, y] = p_z[z] * p_x[z, x] * p_y
    return out


def interventional(cpts: dict) -> np.ndarray:
    """[P(Y=1 | do(X=0)), P(Y=1 | do(X=1))] by the back-door adjustment formula."""
    p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
    return np.asarray(cpts["p_y_given_xz"]) @ p_z


def ace(cpts: dict) -> float:
    p = interventional(cpts)
    return float(p[0] - p[1])


def observational(cpts: dict) -> np.ndarray:
    """[P(Y=1 | X=0), P(Y=1 | X=1)]: association, not causation."""
    p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
    joint_xz = (np.asarray(cpts["p_x_given_z"]) * p_z[:, None]).T   # [x][z] = P(x, z)
    return (joint_xz * np.asarray(cpts["p_y_given_xz"])).sum(1) / joint_xz.sum(1)


def stratum_rates(cpts: dict, z: int) -> np.ndarray:
    """[P(Y=1 | X=0, Z=z), P(Y=1 | X=1, Z=z)]: the renewal rates of one happiness level,
    what an effect computed from that stratum's subscribers alone contrasts."""
    return np.asarray(cpts["p_y_given_xz"], dtype=float)[:, z]


def stratum_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    """{label: (the contrast within one happiness level only, sqrt(n) x its SD from n draws
    per rate)}: an effect from a subset of the units, which the grader's second table must
    reject (docs/statistics.md, "Probe inputs drawn per submission")."""
    out = {}
    for z, who in ((0, "unhappy"), (1, "happy")):
        p = stratum_rates(cpts, z)
        out[f"effect among {who} subscribers only"] = (float(p[0] - p[1]),
                                                        math.sqrt(float((p * (1 - p)).sum())))
    return out


def naive_contrast(cpts: dict) -> float:
    p = observational(cpts)
    return float(p[0] - p[1])


def transposed_y(cpts: dict) -> dict:
    """The classic indexing slip: reading P(Y | X, Z) as if it were [z][x]."""
    return {**cpts, "p_y_given_xz": np.asarray(cpts["p_y_given_xz"]).T.tolist()}


# The brief's "Overall" row (renewed / total per promotion). Its numerators are
# not the sums of its strata (27272 vs 27401, 28902 vs 28921), so the naive
# contrast it gives (-0.0466) differs from the one the strata give (-0.0434);
# both are the Simpson's-paradox answer and both must fail.
BRIEF_OVERALL = {0: (27272, 35000), 1: (28902, 35000)}


def brief_overall_rates(cpts: dict = None) -> np.ndarray:
    """The Overall row's renewal rates. They are numbers typed in from the brief, so a
    function that uses them returns them whatever table it is handed."""
    return np.array([BRIEF_OVERALL[x][0] / BRIEF_OVERALL[x][1] for x in (0, 1)])


def ace_se(cpts: dict, n: int) -> float:
    """SE of an ACE estimated from n draws of each interventional distribution.

    The question asks for num_samples draws per probability estimated; drawing
    from P(Y | do(x)) directly is the noisiest such estimator (per-stratum
    estimates of P(Y | x, z) have variance sum_z P(z)^2 p(1-p)/n, which is
    smaller by the law of total variance, on every table), so this SE bounds
    every method the question allows.
    """
    p = interventional(cpts)
    return math.sqrt(float((p * (1 - p)).sum()) / n)


# The grader's probe tables: CPTs of the same DAG with each of the 7 probabilities
# uniform on this range (each homework keeps the draws its design accepts).
PROBE_RANGE = (0.05, 0.95)


def random_cpts(rng) -> dict:
    """One candidate table, as plain floats (the kernel gets it as a literal)."""
    p = rng.uniform(*PROBE_RANGE, size=7).tolist()
    return {"p_z1": p[0],
            "p_x_given_z": [[1 - p[1], p[1]], [1 - p[2], p[2]]],
            "p_y_given_xz": [[p[3], p[4]], [p[5], p[6]]]}
