"""Write the schema-network kit's logged transitions. Run: python datasets/schema_net/generate.py

The game is the kit's toy Breakout (autograder/studies/schema_net.py). Each file has one
row per entity (grid cell) per transition: the transition's number, the cell, the
action, the five attributes at t and the five at t+1. The states are drawn at random
(seeded) and the next states come from the game's own rules.
- transitions.csv: 400 transitions on the 6 x 6 layout the team learns from;
- new_layouts.csv: 200 transitions on larger grids with bricks elsewhere (zero-shot).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from autograder.studies import schema_net as sn

HERE = Path(__file__).resolve().parent

SEED = 2017           # Kansky et al., ICML 2017
COLUMNS = (["transition", "row", "col", "action"] + list(sn.ATTRIBUTES)
           + [f"next_{a}" for a in sn.ATTRIBUTES])


def write_log(path: Path, n: int, shapes, rng) -> Path:
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for t in range(n):
            h, w = shapes[int(rng.integers(len(shapes)))]
            state, action = sn.random_state(rng, h, w), int(rng.integers(len(sn.ACTIONS)))
            nxt, _ = sn.step(state, action)
            for r in range(h):
                for c in range(w):
                    out.writerow([t, r, c, action, *state[r, c].tolist(), *nxt[r, c].tolist()])
    return path


def logs() -> list[Path]:
    rng = np.random.default_rng(SEED)
    return [write_log(HERE / "transitions.csv", 400, [sn.TRAIN_SHAPE], rng),
            write_log(HERE / "new_layouts.csv", 200, sn.ZERO_SHOT_SHAPES, rng)]


if __name__ == "__main__":
    for path in logs():
        print("wrote", path.relative_to(HERE.parent))
