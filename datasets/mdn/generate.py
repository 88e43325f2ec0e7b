"""Write the mixture density network homework's data file, datasets/mdn/bishop.csv:
Bishop's inverse problem (autograder/studies/bishop.py) on the brief's grid, with the
course's seed. Run: python datasets/mdn/generate.py
"""
from __future__ import annotations

import csv
from pathlib import Path

from autograder.studies import bishop

HERE = Path(__file__).resolve().parent


def write_csv(path: Path = HERE / "bishop.csv") -> Path:
    x, t = bishop.course_data()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["x", "t"])
        for xi, ti in zip(x, t):
            w.writerow([f"{xi:.6f}", f"{ti:.6f}"])
    return path


if __name__ == "__main__":
    print("wrote", write_csv().relative_to(HERE.parents[1]))
