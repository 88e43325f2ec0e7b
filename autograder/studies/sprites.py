"""Procedural sprites for the causal-VAE project kit: five factors, their grid, a renderer.

A sprite is a white shape on a black 32 x 32 binary image, fixed by five factors, each a
level index (a "label"):

    factor        levels  value of level k
    shape         3       0 square, 1 ellipse, 2 heart
    scale         6       0.5 + 0.1 k                      (0.5 ... 1.0)
    orientation   40      2 pi k / 40 radians              (0 ... 2 pi, counterclockwise)
    x             32      k / 31: 0 the left edge, 1 the right edge
    y             32      k / 31: 0 the top edge, 1 the bottom edge (image rows grow down)

as in the dSprites data set (737,280 images, every combination once), here drawn at 32 x 32
so that a model trains on a laptop in minutes. The image is a deterministic function of
the five labels: `render(labels)` draws it, so the true image of any combination (a
counterfactual one included) is always at hand.

Labels are integer arrays of shape (n, 5), columns in the order of FACTORS. `grid()` is the
whole data set's table of labels (each combination once, in row order), `row_of(labels)`
the row of each label vector in it, `values(labels)` the factors' real values, and
`instructor_cpts()` the conditional probability tables of the structural causal model the
course's training set was resampled with (shape -> scale, shape -> orientation,
orientation -> x, scale -> y).

This file is the course's own renderer: the grader imports the same code
(autograder/studies/sprites.py; datasets/sprites/sprites.py, shipped with the notebooks,
is a byte-for-byte copy). It needs numpy only (matplotlib for `show`).
"""
from __future__ import annotations

import csv
import functools
from pathlib import Path

import numpy as np

FACTORS = ("shape", "scale", "orientation", "x", "y")
SHAPES = ("square", "ellipse", "heart")
LEVELS = (3, 6, 40, 32, 32)
SCALES = np.linspace(0.5, 1.0, LEVELS[1])
ORIENTATIONS = np.arange(LEVELS[2]) * (2 * np.pi / LEVELS[2])
POSITIONS = np.linspace(0.0, 1.0, LEVELS[3])
# parent of each factor in the course's DAG (None: a root); the image has all five
PARENT = {"shape": None, "scale": "shape", "orientation": "shape", "x": "orientation",
          "y": "scale"}

SIZE = 32            # pixels per side
SUB = 3              # sub-pixels per pixel side: a pixel is white when >= 5 of its 9 are
HALF = 17            # half-width of a sprite's box, in sub-pixels: the radius of scale 1
STEP = 2             # sub-pixels between neighbouring x (or y) levels


def _inside(shape: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Which points (u along the sprite's heading, v across it) the shape covers; every
    shape lies in the unit disk."""
    if shape == 0:                                   # square: corners on the unit circle
        return (np.abs(u) <= 2 ** -0.5) & (np.abs(v) <= 2 ** -0.5)
    if shape == 1:                                   # ellipse, 2:1, long axis along u
        return u ** 2 + (v / 0.5) ** 2 <= 1.0
    # heart: the curve (a^2 + b^2 - 1)^3 = a^2 b^3, its tip pointing along u
    a, b = 1.25 * v, 0.25 - 1.25 * u
    return (a * a + b * b - 1) ** 3 - a * a * b ** 3 <= 0


@functools.lru_cache(maxsize=1)
def _stamps() -> np.ndarray:
    """The sub-pixel mask of every (shape, scale, orientation), centred in a box of
    2 HALF sub-pixels: uint8 array (3, 6, 40, 2 HALF, 2 HALF)."""
    offsets = np.arange(-HALF, HALF) + 0.5
    dy, dx = np.meshgrid(offsets, offsets, indexing="ij")   # rows grow downwards
    out = np.zeros(LEVELS[:3] + (2 * HALF, 2 * HALF), dtype=np.uint8)
    for s in range(LEVELS[0]):
        for c, scale in enumerate(SCALES):
            px, py = dx / (HALF * scale), -dy / (HALF * scale)  # y up: counterclockwise turns
            for o, theta in enumerate(ORIENTATIONS):
                u = np.cos(theta) * px + np.sin(theta) * py
                v = -np.sin(theta) * px + np.cos(theta) * py
                out[s, c, o] = _inside(s, u, v)
    return out


def check_labels(labels, name: str = "labels") -> np.ndarray:
    """`labels` as an int64 array (n, 5) of level indices; ValueError if it is not one."""
    arr = np.asarray(labels)
    if arr.ndim == 1 and arr.shape[0] == len(FACTORS):
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != len(FACTORS):
        raise ValueError(f"{name} should be an array of shape (n, 5): one row per sprite, "
                         f"columns {', '.join(FACTORS)}; got shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} should hold level indices (whole numbers), not factor "
                             "values; sprites.values(labels) gives the values")
    elif arr.dtype.kind not in "iub":
        raise ValueError(f"{name} should hold integer level indices, not {arr.dtype}")
    arr = arr.astype(np.int64)
    for j, (factor, n_levels) in enumerate(zip(FACTORS, LEVELS)):
        if arr.shape[0] and (arr[:, j].min() < 0 or arr[:, j].max() >= n_levels):
            raise ValueError(f"{name}: column {j} ({factor}) should lie in 0..{n_levels - 1}")
    return arr


def render(labels, chunk: int = 1000) -> np.ndarray:
    """The binary image of each label vector: uint8 array (n, 32, 32), 1 = white."""
    labels = check_labels(labels)
    stamps = _stamps()
    out = np.empty((len(labels), SIZE, SIZE), dtype=np.uint8)
    box = np.arange(2 * HALF)
    for start in range(0, len(labels), chunk):
        part = labels[start:start + chunk]
        m = len(part)
        canvas = np.zeros((m, SIZE * SUB, SIZE * SUB), dtype=np.uint8)
        rows = (STEP * part[:, 4])[:, None, None] + box[None, :, None]
        cols = (STEP * part[:, 3])[:, None, None] + box[None, None, :]
        canvas[np.arange(m)[:, None, None], rows, cols] = stamps[part[:, 0], part[:, 1], part[:, 2]]
        counts = canvas.reshape(m, SIZE, SUB, SIZE, SUB).sum(axis=(2, 4))
        out[start:start + m] = counts * 2 > SUB * SUB
    return out


def grid() -> np.ndarray:
    """Every combination of the five factors once (737,280 rows, the dSprites data set's
    table of labels): int64 array (737280, 5), shape varying slowest, y fastest."""
    return np.stack(np.unravel_index(np.arange(int(np.prod(LEVELS))), LEVELS), axis=1)


def row_of(labels) -> np.ndarray:
    """The row of `grid()` that holds each label vector."""
    return np.ravel_multi_index(check_labels(labels).T, LEVELS)


def values(labels) -> np.ndarray:
    """The real values of the factors: float array (n, 5) with columns shape (0, 1, 2 as a
    float), scale, orientation in radians, x and y in [0, 1]."""
    labels = check_labels(labels)
    return np.column_stack([labels[:, 0].astype(float), SCALES[labels[:, 1]],
                            ORIENTATIONS[labels[:, 2]], POSITIONS[labels[:, 3]],
                            POSITIONS[labels[:, 4]]])


def _bump(levels: np.ndarray, centre: float, width: float) -> np.ndarray:
    p = np.exp(-0.5 * ((levels - centre) / width) ** 2)
    return p / p.sum()


def _heading(centre: float, concentration: float) -> np.ndarray:
    p = np.exp(concentration * np.cos(ORIENTATIONS - centre))
    return p / p.sum()


def instructor_cpts() -> dict[str, np.ndarray]:
    """The structural causal model the course's training set was resampled with, as
    conditional probability tables: {factor: table}, a row per level of the factor's
    parent (`PARENT`), a column per level of the factor.

    The story: squares are common and large, hearts rarer and small (shape -> scale);
    each shape has a usual heading (shape -> orientation); a sprite drifts the way it
    points (orientation -> x); big sprites sink to the bottom (scale -> y)."""
    return {
        "shape": np.array([0.4, 0.35, 0.25]),
        "scale": np.stack([_bump(np.arange(LEVELS[1]), c, 1.0) for c in (4.0, 2.5, 1.0)]),
        "orientation": np.stack([_heading(c, 2.0) for c in (0.0, np.pi / 2, np.pi)]),
        "x": np.stack([_bump(POSITIONS, 0.5 + 0.35 * np.cos(t), 0.12) for t in ORIENTATIONS]),
        "y": np.stack([_bump(POSITIONS, 0.2 + 0.6 * (s - 0.5) / 0.5, 0.12) for s in SCALES]),
    }


def load_labels(path: str | Path) -> np.ndarray:
    """A label table written as CSV (a header row of the factor names, then one row of
    level indices per sprite): int64 array (n, 5)."""
    with Path(path).open(newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if tuple(header) != FACTORS:
            raise ValueError(f"{path}: the header should be {','.join(FACTORS)}")
        return check_labels(np.array([[int(v) for v in row] for row in reader], dtype=np.int64))


def show(images, titles=None, ncols: int = 8, size: float = 1.3):
    """Draw images (n, 32, 32) in a grid; values in [0, 1] (probabilities are fine)."""
    import matplotlib.pyplot as plt
    images = np.asarray(images, dtype=float).reshape(-1, SIZE, SIZE)
    nrows = max(1, -(-len(images) // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap="gray", vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    return fig
