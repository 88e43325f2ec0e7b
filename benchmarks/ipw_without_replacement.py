"""Power of ipw's test_resample against resampling without replacement, by pool size.

The mistake (assignments/ipw/checks.py, `resample_without_replacement`) draws the
n rows without replacement from a pool of `factor` x n rows, each of the 8
combinations repeated equally often and weighted by its probability. The check
is one frequency test over the 8 cells at the question's per-check level; the
per-cell Bonferroni design it replaced (8 z-tests at alpha / 8) is run on the
same draws for comparison. Only the study's weighted joint is used here (the
question also probes a second table, which can only add power).

    python benchmarks/ipw_without_replacement.py [--runs 200]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import stats

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.checks import frequencies, z_critical  # noqa: E402
from autograder.course.config import load_course  # noqa: E402
from autograder.homework import load_checks  # noqa: E402


def main(runs: int, factors=(4, 6, 8, 10, 12, 16)) -> str:
    course = load_course(REPO / "course.yml")
    a = course.assignment("ipw")
    checks = load_checks(a.checks)
    hw = checks.hw
    n = hw.sizes(a.false_fail_budget)["resample_samples"]
    alpha = hw.context(0, a.false_fail_budget).alpha
    p = checks.weighted_joint(checks.TRUE_CPTS).ravel()
    probs = {i: float(q) for i, q in enumerate(p)}
    z_cell = z_critical(alpha / len(p))
    rng = np.random.default_rng(2027)
    rows = [f"n = {n} draws (resample_samples), per-check level α = {alpha:.3g}, {runs} simulated submissions "
            "per row", "",
            "| pool / draw | mean Pearson X² (7 df) | power: one test over 8 cells | "
            "power: 8 per-cell z-tests (Bonferroni) |", "|---|---|---|---|"]
    for factor in factors:
        omni = cell = 0
        x2 = []
        for _ in range(runs):
            counts = checks.resample_without_replacement(rng, p, n, factor)
            res = frequencies(dict(enumerate(counts.tolist())), probs, alpha)
            omni += not res.passed
            x2.append(res.detail["statistic"])
            z = np.abs(counts / n - p) / np.sqrt(p * (1 - p) / n)
            cell += bool(np.any(z > z_cell))
        rows.append(f"| {factor} | {np.mean(x2):.1f} | {omni / runs:.3f} | {cell / runs:.3f} |")
    crit = stats.chi2.isf(alpha, 7)
    rows += ["", f"(The chi-square critical value at α is {crit:.1f}; the Monte Carlo null the "
             "check uses agrees with it to within its own error here.)"]
    return "\n".join(rows)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    print(main(ap.parse_args().runs))
