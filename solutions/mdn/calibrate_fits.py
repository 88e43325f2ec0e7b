"""Calibration runs of the reference fits; writes assignments/mdn/reference/fits.json.

    PYTHONPATH=. python solutions/mdn/calibrate_fits.py --runs 10      # ~1 min per run

Each run executes the reference notebook's code (setup + solution, plots skipped) with
its own seed, then scores predict_experts / predict_mdn / predict_bayes on 200,000 fresh
points: the population NLL per point (mean and sd across runs feed the pass threshold
in checks.py), the per-point sd of the NLL, the smallest sigma and the dip ratios of the
multimodality check. Hard-EM bands come from reruns of the reference on 200 data sets
with float32 data and a coefficient-tolerance stopping rule instead of "no point moves".
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from autograder.authoring.source import build_source_notebook  # noqa: E402
from autograder.checks import mixture_nll  # noqa: E402
from autograder.course.config import load_course  # noqa: E402
from autograder.homework import load_checks  # noqa: E402


def run_reference(code: str, seed: int) -> dict:
    cwd = os.getcwd()
    os.chdir(REPO / "datasets" / "mdn")
    try:
        np.random.seed(seed)
        namespace: dict = {}
        exec(compile(code, "<mdn reference>", "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace


def hard_em_reruns(checks, n_sets: int = 200) -> dict:
    def tolerance_rule(x, t, seed, tol=1e-6):
        design_x = np.column_stack([np.ones_like(x), x])
        z = checks.initial_clusters(x, seed)
        coef = np.zeros((3, 2))
        for _ in range(500):
            old = coef.copy()
            for k in range(3):
                if np.sum(z == k) >= 2:
                    coef[k] = np.linalg.lstsq(design_x[z == k], t[z == k], rcond=None)[0]
            if np.abs(coef - old).max() < tol:
                break
            z = np.argmin((t[:, None] - design_x @ coef.T) ** 2, axis=1)
        return coef, z
    worst_assign, worst_coef = 0.0, 0.0
    for s in range(n_sets):
        x, t = checks.data.fresh_draws(checks.HARD_EM_POINTS, 10_000 + s)
        ref_c, ref_z = checks.reference_hard_em(x, t, s)
        for c, z in (checks.reference_hard_em(x.astype(np.float32).astype(float),
                                              t.astype(np.float32).astype(float), s),
                     tolerance_rule(x, t, s)):
            worst_assign = max(worst_assign, float(np.mean(z != ref_z)))
            worst_coef = max(worst_coef, float(np.abs(c - ref_c).max()))
    return {"rerun_assignment_diff": worst_assign, "rerun_coef_diff": worst_coef,
            "rerun_sets": n_sets}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--out", default=str(REPO / "assignments" / "mdn" / "reference" / "fits.json"))
    args = ap.parse_args(argv)
    a = load_course(REPO / "course.yml").assignment("mdn")
    checks = load_checks(a.checks)
    nb = build_source_notebook(a)
    code = "\n\n".join(c.source for c in nb.cells if c.cell_type == "code"
                       and not c.metadata.get("nbgrader", {}).get("grade")
                       and not c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_plot"))
    code = code.replace("plt.show()", "plt.close('all')")
    xf, tf = checks.data.fresh_draws(200_000, 424242)
    runs = []
    for r in range(args.runs):
        start = time.time()
        ns = run_reference(code, 5000 + r)
        row = {"seed": 5000 + r, "seconds": round(time.time() - start, 1)}
        for part, func in checks.PARTS.items():
            w, mu, s = (np.asarray(v, dtype=float) for v in ns[func](xf))
            p = mixture_nll(w, mu, s, tf)
            wd, mud, sd = (np.asarray(v, dtype=float) for v in ns[func](np.asarray(checks.DIP_X)))
            row[part] = {"nll": float(p.mean()), "point_sd": float(p.std()),
                         "min_sigma": float(s.min()),
                         "dip": checks.dip_check(wd, mud, sd, func).detail["dip_ratios"]}
        runs.append(row)
        print(json.dumps(row), flush=True)
    out = {"command": "PYTHONPATH=. python solutions/mdn/calibrate_fits.py --runs "
                      f"{args.runs}", "runs": runs}
    for part in checks.PARTS:
        nll = np.array([r[part]["nll"] for r in runs])
        out[part] = {"mean": float(nll.mean()), "sd": float(nll.std(ddof=1)),
                     "point_sd": float(max(r[part]["point_sd"] for r in runs)),
                     "worst": float(nll.max())}
    bands = hard_em_reruns(checks)
    # allowed: twice the largest rerun difference, and never less than 2 points / 0.01
    bands["assignment_band"] = max(2 * bands["rerun_assignment_diff"], 2 / checks.HARD_EM_POINTS)
    bands["coef_band"] = max(2 * bands["rerun_coef_diff"], 0.01)
    out["hard_em"] = bands
    out["gaussian_floor"] = checks.gaussian_floor()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
