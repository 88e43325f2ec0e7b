"""Reading a study's data file of cell counts (every 2 x 2 study of the course ships one:
one row per cell of two binary variables, the number of successes and the total)."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def load_cell_counts(path: Path, first: str, second: str,
                     successes: str) -> tuple[np.ndarray, np.ndarray]:
    """successes[a, b] and total[a, b], a the value of column `first`, b of `second`."""
    hits, total = np.zeros((2, 2)), np.zeros((2, 2))
    with Path(path).open() as fh:
        for row in csv.DictReader(fh):
            a, b = int(row[first]), int(row[second])
            hits[a, b], total[a, b] = float(row[successes]), float(row["total"])
    return hits, total
