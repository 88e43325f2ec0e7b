"""Write the deconfounder kit's data file. Run: python datasets/casts/generate.py

2,000 films and the casts of 60 actors, drawn by the kit's generator
(autograder/studies/deconfounder.py) with the course's seed: one 0/1 column per actor
and the log revenue. The confounders and the true effects are not written (the
analyst never sees them); the grader draws fresh data sets from the same generator.
Byte for byte reproducible.
"""
from __future__ import annotations

import csv
from pathlib import Path

from autograder.studies.deconfounder import COURSE_SEED, draw_casts

HERE = Path(__file__).resolve().parent


def casts(path: Path = HERE / "casts.csv") -> Path:
    data = draw_casts(COURSE_SEED)
    columns = data.columns()
    names = list(columns)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(names)
        for i in range(len(data.revenue)):
            row = [columns[k][i] for k in names[:-1]] + [f"{columns['log_revenue'][i]:.4f}"]
            w.writerow(row)
    return path


if __name__ == "__main__":
    print("wrote", casts().relative_to(HERE.parents[1]))
