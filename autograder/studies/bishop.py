"""Bishop's one-to-many inverse problem (content brief, section 8), the study of the
mixture density network homework:

    t = linspace(0, 1, N),  x = t + 0.3 sin(2 pi t) + U(-0.1, 0.1)

The homework models t given x. `course_data` is the fixed, seeded set the students get
(datasets/mdn/generate.py writes it to datasets/mdn/bishop.csv); `fresh_draws` is what
the hidden checks score on: the same law with t ~ U(0, 1) drawn i.i.d. (the limit of
the linspace grid), so that per-point scores are independent and their standard errors
are the usual ones.
"""
from __future__ import annotations

import numpy as np

N_POINTS = 1000
NOISE = 0.1          # half-width of the uniform noise on x
AMPLITUDE = 0.3      # of the sine
COURSE_SEED = 8008   # the seed of the students' data set


def forward(t):
    """The noiseless map t -> x."""
    t = np.asarray(t, dtype=np.float64)
    return t + AMPLITUDE * np.sin(2 * np.pi * t)


def course_data(n: int = N_POINTS, seed: int = COURSE_SEED) -> tuple[np.ndarray, np.ndarray]:
    """(x, t) exactly as the brief writes it: t on a grid, x with uniform noise."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, n)
    return forward(t) + rng.uniform(-NOISE, NOISE, n), t


def fresh_draws(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n independent (x, t) pairs from the same law, t ~ U(0, 1)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, 1.0, n)
    return forward(t) + rng.uniform(-NOISE, NOISE, n), t
