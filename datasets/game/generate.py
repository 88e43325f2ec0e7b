"""Write the latent-confounder homework's data file. Run: python datasets/game/generate.py

2,000 players drawn from the SCM in autograder/studies/game.py with a fixed seed; the
confounder Z is not written (the analyst never sees it). Byte for byte reproducible.
"""
from __future__ import annotations

import csv
from pathlib import Path

from autograder.studies import game as scm

HERE = Path(__file__).resolve().parent

N_PLAYERS = 2000
SEED = 20270409


def game(path: Path = HERE / "game.csv") -> Path:
    d = scm.sample(N_PLAYERS, SEED)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(scm.COLUMNS)
        for i in range(N_PLAYERS):
            w.writerow([int(d["G"][i]), int(d["T"][i]), int(d["M"][i]), f"{d['Y'][i]:.4f}"])
    return path


if __name__ == "__main__":
    print("wrote", game().relative_to(HERE.parents[1]))
