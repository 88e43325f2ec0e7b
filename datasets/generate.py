"""Write the course's small data files. Run: python datasets/generate.py

Every file is produced here from stated facts or fixed seeds, so a fresh clone
can rebuild them byte for byte; nothing is downloaded at run time.
"""
from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent


def promotions(path: Path = HERE / "backdoor" / "promotions.csv") -> Path:
    """Homework 2: renewals of 70,000 at-risk subscribers by happiness and promotion.

    Source: the course content brief (section 2), an observational study in
    which the promotion a user was offered depended on their happiness.
    """
    # (happiness Z, promotion X) -> (renewed, total)
    counts = {(0, 0): (8173, 8769), (0, 1): (23339, 26872),
              (1, 0): (19228, 26231), (1, 1): (5582, 8128)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["happiness", "promotion", "renewed", "total"])
        for (z, x), (renewed, total) in sorted(counts.items()):
            w.writerow([z, x, renewed, total])
    return path


if __name__ == "__main__":
    for make in (promotions,):
        print("wrote", make().relative_to(HERE.parent))
