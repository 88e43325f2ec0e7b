"""Write the causal-VAE kit's files. Run: python datasets/sprites/generate.py

- sprites.py: the renderer and factor grid students import, a byte-for-byte copy of
  autograder/studies/sprites.py (the grader imports that one; one source, two places);
- train.csv: the course's training set, the labels (level indices) of 10,000 rows of the
  sprite grid resampled with the instructor's SCM under a fixed seed
  (autograder/studies/causal_vae.py, `training_labels`). The images are not stored: the
  notebooks render them (`sprites.render`), exactly and in about a second.

Byte for byte reproducible.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from autograder.studies import causal_vae, sprites

HERE = Path(__file__).resolve().parent


def renderer(path: Path = HERE / "sprites.py") -> Path:
    shutil.copyfile(sprites.__file__, path)
    return path


def training_set(path: Path = HERE / "train.csv") -> Path:
    labels = causal_vae.training_labels()
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(sprites.FACTORS)
        w.writerows(labels.tolist())
    return path


if __name__ == "__main__":
    for make in (renderer, training_set):
        print("wrote", make().name)
