"""Reference runs behind milestone 2's bounds (the REFERENCE figures in
assignments/causal_vae_m2/checks.py).

Executes the milestone's notebook as the grader's kernel would (its setup and the
reference's answer cells, in the folder of the data files), K times under K seeds, and
scores each trained model with the grader's own statistics on 500 fresh probes: the mean
pixel error of `reconstruct` on held-out sprites and each factor's error of `decode`.
Prints each run and the figures to copy into REFERENCE (runs' mean, their sd, and the
pooled sd of one probe).

Run: PYTHONPATH=. python solutions/causal_vae_m2/reference_runs.py [--runs K] [--variant F]
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

from autograder.authoring.source import answer_from_variant, build_source_notebook
from autograder.course.config import load_course
from autograder.studies import causal_vae as cv
from autograder.studies import sprites

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "datasets" / "sprites"
PROBES = 500


def checks_module():
    spec = importlib.util.spec_from_file_location(
        "causal_vae_m2_checks", REPO / "assignments" / "causal_vae_m2" / "checks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@functools.lru_cache(maxsize=None)
def answered_notebook(variant):
    a = load_course(REPO / "course.yml").assignment("causal_vae_m2")
    return answer_from_variant(build_source_notebook(a), a, variant)


def trained_namespace(seed: int, variant=None) -> dict:
    """The globals of the notebook after its setup and answer cells ran (no plots, no
    test cells), with torch and Pyro seeded as the grader seeds them."""
    import pyro
    nb = answered_notebook(variant)
    ns: dict = {"__name__": "__main__"}
    sys.path.insert(0, str(DATA))
    with contextlib.chdir(DATA):
        pyro.set_rng_seed(seed)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if cell.cell_type == "code" and (gid == "setup" or gid.endswith("_answer")):
                exec(compile(cell.source, gid, "exec"), ns)
    return ns


def statistics(ns: dict, rng) -> dict[str, np.ndarray]:
    out = {}
    labels = cv.labels_of(cv.sample_rows(cv.instructor_joint(), PROBES, rng))
    truth = sprites.render(labels)
    out["reconstruct"] = cv.pixel_error(ns["reconstruct"](truth, labels), truth)
    for f in cv.PROBE_FACTORS:
        before, after = cv.factor_pairs(f, PROBES, rng)
        out[f] = cv.factor_errors(f, ns["decode"](before), ns["decode"](after),
                                  sprites.render(before), sprites.render(after))
    return out


def main(runs: int, variant) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    import torch
    torch.set_num_threads(1)      # small MLPs: one thread is as fast, and fair on a shared machine
    per_run = []
    for k in range(runs):
        started = time.time()
        ns = trained_namespace(1000 + k, variant)
        stats = statistics(ns, np.random.default_rng([2027, k]))
        per_run.append(stats)
        print(f"run {k}: " + ", ".join(f"{s} {v.mean():.4f} (sd {v.std(ddof=1):.4f})"
                                       for s, v in stats.items())
              + f" ({time.time() - started:.0f} s)", flush=True)
    print(f'"{variant or "reference"}": {{')
    print(f'    "runs": {runs},')
    for s in per_run[0]:
        means = np.array([r[s].mean() for r in per_run])
        point = float(np.sqrt(np.mean([r[s].var(ddof=1) for r in per_run])))
        print(f'    "{s}": {{"mean": {means.mean():.4f}, "run_sd": {means.std(ddof=1):.4f}, '
              f'"point_sd": {point:.4f}}},')
    print("},")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--variant", default=None, help="a file under solutions/causal_vae_m2/")
    args = parser.parse_args()
    main(args.runs, args.variant)
