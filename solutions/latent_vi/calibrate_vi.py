"""Calibration runs of the latent_vi reference; writes assignments/latent_vi/reference/
vi_reference.json, whose spread of reference ATEs is the VI band of the hidden checks.

    PYTHONPATH=. python solutions/latent_vi/calibrate_vi.py --runs 20   # ~1 min per run

Each run executes the notebook's locked code and the reference sections in this process,
as the grader would see them: the fitted model's vi_ate(model, guide, df, NUM_Z_SAMPLES,
seed), or with train=False that of a freshly initialised model (the untrained mistake).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from autograder.authoring.contract import state_sizes  # noqa: E402
from autograder.checks import DEFAULT_BUDGET  # noqa: E402
from autograder.homework import load_checks  # noqa: E402

HERE = REPO / "assignments" / "latent_vi"
REFERENCE = HERE / "reference" / "vi_reference.json"


def reference_code() -> tuple[list[str], dict[str, str]]:
    """The notebook's locked code cells (minus visible tests) and the reference sections."""
    import nbformat
    from autograder.authoring.source import read_solution_sections
    hw = load_checks(HERE / "checks.py").hw
    nb = nbformat.read(HERE / "latent_vi.ipynb", as_version=4)
    state_sizes(nb, hw.sizes(DEFAULT_BUDGET), "latent_vi.ipynb")   # NUM_Z_SAMPLES = {{...}}
    locked = [c.source for c in nb.cells if c.cell_type == "code"
              and not c.metadata.get("nbgrader", {}).get("solution")
              and not c.metadata.get("nbgrader", {}).get("grade")]
    sections = read_solution_sections(REPO / "solutions" / "latent_vi" / "latent_vi.py")
    return locked, {k: text for k, (kind, text) in sections.items() if kind == "code"}


def reference_run(seed: int, train: bool = True) -> dict:
    """One run of the reference notebook's code in this process, as the grader would see
    it: the fitted model's vi_ate(model, guide, df, NUM_Z_SAMPLES, seed) (or, with
    train=False, that of a freshly initialised model)."""
    import os
    import time

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pyro
    locked, sections = reference_code()
    cwd = os.getcwd()
    os.chdir(REPO / "datasets" / "game")
    try:
        pyro.clear_param_store()
        pyro.set_rng_seed(seed)
        ns: dict = {}
        start = time.perf_counter()
        order = [locked[0], sections["frontdoor_answer"], sections["model_answer"]]
        order += [sections["train_answer"]] if train else []
        order += [sections["vi_answer"]]
        for code in order:
            exec(compile(code, "<reference>", "exec"), ns)   # noqa: S102 - our own reference
        seconds = time.perf_counter() - start
        ate = ns["vi_ate"](ns["model"], ns["guide"], ns["df"], ns["NUM_Z_SAMPLES"], seed + 1)
        plt.close("all")
        return {"seed": seed, "ate": float(ate), "seconds": seconds,
                "num_z_samples": int(ns["NUM_Z_SAMPLES"]), "num_steps": int(ns["NUM_STEPS"]),
                "final_loss": float(np.mean(ns["losses"][-50:])) if train else None}
    finally:
        os.chdir(cwd)


def build_reference(runs: int = 20, untrained_runs: int = 30, path: Path = REFERENCE,
                    extend: bool = False, calibration_seeds: int = 10) -> dict:
    """Run the reference `runs` times (training seeds 1..runs) and a freshly initialised
    model `untrained_runs` times; write the ATEs to reference/vi_reference.json. With
    extend, keep the runs already recorded and add seeds up to `runs`."""
    trained = []
    if extend and path.exists():
        old = json.loads(path.read_text())
        trained = [{"seed": i + 1, "ate": a, "seconds": t, "final_loss": f,
                    "num_z_samples": old["num_z_samples"], "num_steps": old["num_steps"]}
                   for i, (a, t, f) in enumerate(zip(old["reference_ates"], old["seconds"],
                                                     old["final_losses"]))][:runs]
    for s in range(len(trained) + 1, runs + 1):
        trained.append(reference_run(s))
        print(f"seed {s}: ATE {trained[-1]['ate']:.4f} ({trained[-1]['seconds']:.0f} s)", flush=True)
    # the seeds `course calibrate latent_vi` grades in a kernel, run here too: they are
    # reference runs like any other, and pooling them widened s (two slow fits among them)
    from autograder.seeds import derive_seed
    for i in range(calibration_seeds):
        trained.append(reference_run(derive_seed("calibrate", "latent_vi", i)))
        print(f"calibration seed {i}: ATE {trained[-1]['ate']:.4f}", flush=True)
    untrained_ = [reference_run(1000 + s, train=False)["ate"] for s in range(untrained_runs)]
    out = {"command": f"python solutions/latent_vi/calibrate_vi.py --runs {runs} "
                      f"--untrained-runs {untrained_runs} --calibration-seeds {calibration_seeds}",
           "seeds": f"1..{runs}, then derive_seed('calibrate', 'latent_vi', i) for i < "
                    f"{calibration_seeds}",
           "generator": "solutions/latent_vi/calibrate_vi.py:build_reference",
           "num_z_samples": trained[0]["num_z_samples"], "num_steps": trained[0]["num_steps"],
           "reference_ates": [r["ate"] for r in trained],
           "seconds": [round(r["seconds"], 1) for r in trained],
           "final_losses": [r["final_loss"] for r in trained],
           "untrained_ates": untrained_}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    return out


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=build_reference.__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--calibration-seeds", type=int, default=10)
    parser.add_argument("--untrained-runs", type=int, default=30)
    parser.add_argument("--extend", action="store_true", help="keep recorded runs, add seeds")
    args = parser.parse_args()
    res = build_reference(args.runs, args.untrained_runs, extend=args.extend,
                          calibration_seeds=args.calibration_seeds)
    v = np.asarray(res["reference_ates"])
    print(f"reference ATE over {v.size} seeds: mean {v.mean():.4f}, sd {v.std(ddof=1):.4f}; "
          f"untrained: mean {np.mean(res['untrained_ates']):.4f}, "
          f"sd {np.std(res['untrained_ates'], ddof=1):.4f}")
