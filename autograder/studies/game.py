"""The online-game SCM of the latent-confounder homework (content brief, section 9);
datasets/game/generate.py writes the course's data file from it.

G guild membership (binary, observed), Z an unobserved confounder (standard
normal), T side-quest engagement (binary treatment), M won items (binary, the
full mediator T -> M -> Y), Y in-game purchases (continuous):

    G ~ Bernoulli(P_G1)
    Z ~ Normal(0, 1)
    T ~ Bernoulli(sigmoid(T_COEF[0] + T_COEF[1] G + T_COEF[2] Z))
    M ~ Bernoulli(P_M1_GIVEN_T[T])
    Y = Y_COEF[0] + Y_COEF[1] M + Y_COEF[2] G + Y_COEF[3] Z + Normal(0, Y_SD)

Everything the homework needs follows from these numbers: the course file, fresh
data sets for the hidden checks (seeded by the grader), and the true ATE of T on Y.
"""
from __future__ import annotations

import numpy as np

P_G1 = 0.4
T_COEF = (-0.6, 1.0, 1.5)          # intercept, G, Z (log-odds)
P_M1_GIVEN_T = (0.2, 0.7)
Y_COEF = (1.0, 2.0, 1.5, 2.0)      # intercept, M, G, Z
Y_SD = 1.0
COLUMNS = ("G", "T", "M", "Y")


def sample(n: int, seed: int, do_t: int | None = None, with_z: bool = False) -> dict:
    """n units as {column: array}; do_t replaces T's equation by T := do_t."""
    rng = np.random.default_rng(seed)
    g = (rng.random(n) < P_G1).astype(np.int64)
    z = rng.standard_normal(n)
    if do_t is None:
        logit = T_COEF[0] + T_COEF[1] * g + T_COEF[2] * z
        t = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    else:
        t = np.full(n, int(do_t), dtype=np.int64)
    m = (rng.random(n) < np.asarray(P_M1_GIVEN_T)[t]).astype(np.int64)
    y = (Y_COEF[0] + Y_COEF[1] * m + Y_COEF[2] * g + Y_COEF[3] * z
         + Y_SD * rng.standard_normal(n))
    out = {"G": g, "T": t, "M": m, "Y": y}
    if with_z:
        out["Z"] = z
    return out


def interventional_mean(t: int) -> float:
    """E[Y | do(T=t)], exactly: Y is linear, so its mean under do(T=t) is the equation
    evaluated at the means of its parents there (E[M] = P(M=1 | T=t), E[G] = P_G1,
    E[Z] = 0); do(T=t) leaves G and Z alone because they are not descendants of T."""
    return float(Y_COEF[0] + Y_COEF[1] * P_M1_GIVEN_T[t] + Y_COEF[2] * P_G1 + Y_COEF[3] * 0.0)


def true_ate() -> float:
    """E[Y | do(T=1)] - E[Y | do(T=0)] of the SCM (exact)."""
    return interventional_mean(1) - interventional_mean(0)
