"""Write the front-door homework's data file. Run: python datasets/frontdoor/generate.py

Homework 3: 800 subjects of an advertising study (course content brief, section 3).
X = uses social media, Z = saw the advertisement, Y = made the purchase; user
demographics U affect both X and Y and were not recorded. The file holds the
brief's table of purchases / total per (X, Z) cell, byte for byte reproducible.
"""
from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (social_media X, saw_ad Z) -> (purchased, total), from the content brief
COUNTS = {(1, 1): (57, 380), (0, 1): (19, 20), (1, 0): (2, 20), (0, 0): (342, 380)}


def ads(path: Path = HERE / "ads.csv") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["social_media", "saw_ad", "purchased", "total"])
        for (x, z), (purchased, total) in sorted(COUNTS.items()):
            w.writerow([x, z, purchased, total])
    return path


if __name__ == "__main__":
    print("wrote", ads().relative_to(HERE.parents[1]))
