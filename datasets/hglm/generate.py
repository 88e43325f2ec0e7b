"""Write datasets/hglm/census_income.csv. Run: python datasets/hglm/generate.py

The counts are the aggregated 1994 US census extract (UCI "Adult") of the
content brief, section 6: adults by education category and sex, with the
number earning more than $50K a year. They are stated facts, typed once here,
so a fresh clone rebuilds the file byte for byte; nothing is downloaded.
"""
from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

# edu category -> short label (the brief's seven categories)
EDUCATION = {
    0: "some or no high school",
    1: "high-school graduate",
    2: "some college / assoc-acdm",
    3: "assoc-voc / prof-school",
    4: "bachelors",
    5: "masters",
    6: "doctorate",
}

# (edu, sex) -> (total, earning >50K); sex: 0 = female, 1 = male
COUNTS = {
    (0, 0): (1321, 23), (0, 1): (2932, 221),
    (1, 0): (3390, 226), (1, 1): (7111, 1449),
    (2, 0): (3227, 253), (2, 1): (5131, 1399),
    (3, 0): (592, 109), (3, 1): (1366, 675),
    (4, 0): (1619, 339), (4, 1): (3736, 1882),
    (5, 0): (536, 179), (5, 1): (1187, 780),
    (6, 0): (86, 50), (6, 1): (327, 256),
}


def census_income(path: Path = HERE / "census_income.csv") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["edu", "education", "sex", "total", "over_50k"])
        for (edu, sex), (total, rich) in sorted(COUNTS.items()):
            w.writerow([edu, EDUCATION[edu], sex, total, rich])
    return path


if __name__ == "__main__":
    print("wrote", census_income().relative_to(HERE.parents[1]))
