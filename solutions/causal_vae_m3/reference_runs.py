"""Reference runs behind milestone 3's bounds (the REFERENCE figures in
assignments/causal_vae_m3/checks.py).

Trains the course's VAE (`cf_starter.fit_vae`, as the notebook's setup does) K times under
K seeds, and in each trained model runs every accepted style's `counterfactual_answer`
section (the reference, each alternative, and each known mistake), scoring it with the grader's own statistics
(autograder/studies/causal_vae.py, CF_STATS) on 500 fresh probes. Prints each run and, per
style, the figures to copy into REFERENCE (runs' mean, their sd, and the pooled sd of one
probe).

Run: PYTHONPATH=. python solutions/causal_vae_m3/reference_runs.py [--runs K]
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

import numpy as np

from autograder.authoring.source import read_solution_sections
from autograder.studies import causal_vae as cv

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "datasets" / "sprites"
HERE = Path(__file__).resolve().parent
STYLES = {"reference": HERE / "causal_vae_m3.py",
          "alternatives/sampled_noise.py": HERE / "alternatives" / "sampled_noise.py"}
# the known mistakes, scored in the same trained models: their figures size the probes
# against the mistakes as a trained model makes them (milder than the renderer's)
MISTAKES = {f"mistakes/{p.name}": p for p in sorted((HERE / "mistakes").glob("*.py"))}
PROBES = 500
SETUP = "import numpy as np, torch, pyro, pyro.distributions as dist\n" \
        "import sprites, vae_starter, cf_starter\n"


def trained(seed: int) -> dict:
    sys.path.insert(0, str(DATA))
    ns: dict = {"__name__": "__main__"}
    with contextlib.chdir(DATA):
        exec(SETUP, ns)
        ns["ENCODER"], ns["DECODER"] = ns["cf_starter"].fit_vae(seed=seed, progress=False)
    return ns


def style_statistics(ns: dict, path: Path, rng) -> dict[str, np.ndarray]:
    ns = dict(ns)
    exec(read_solution_sections(path)["counterfactual_answer"][1], ns)
    labels, targets = cv.cf_probes(PROBES, rng)
    cf = np.concatenate([ns["counterfactual"](cv.sprites.render(labels[targets == s]),
                                              labels[targets == s], s) for s in range(3)])
    order = np.concatenate([np.flatnonzero(targets == s) for s in range(3)])
    return cv.cf_statistics(cf, labels[order], targets[order])


def main(runs: int) -> None:
    import torch
    torch.set_num_threads(1)
    scored = {**STYLES, **MISTAKES}
    per_style: dict[str, list] = {s: [] for s in scored}
    for k in range(runs):
        started = time.time()
        ns = trained(1000 + k)
        for style, path in scored.items():
            st = style_statistics(ns, path, np.random.default_rng([2027, 3, k]))
            per_style[style].append(st)
            print(f"run {k} {style}: " + ", ".join(f"{s} {v.mean():.4f} (sd {v.std(ddof=1):.4f})"
                                                  for s, v in st.items())
                  + f" ({time.time() - started:.0f} s)", flush=True)
    for style, per_run in per_style.items():
        print(f'"{style}": {{')
        print(f'    "runs": {runs},')
        for s in cv.CF_STATS:
            means = np.array([r[s].mean() for r in per_run])
            point = float(np.sqrt(np.mean([r[s].var(ddof=1) for r in per_run])))
            print(f'    "{s}": {{"mean": {means.mean():.4f}, "run_sd": {means.std(ddof=1):.4f}, '
                  f'"point_sd": {point:.4f}}},')
        print("},")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    main(parser.parse_args().runs)
