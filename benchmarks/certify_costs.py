"""What a certificate of each assignment's false-fail rate would cost (issue 24).

`course certify HW --runs K` runs the reference once per kernel and then repeats its
test cells, each copy graded as a correct submission under its own grading seed. Its
cost is one reference run per kernel plus K copies. This script measures, per
assignment, the cost of one copy and which questions a copy re-draws, from two short
certify runs in one kernel each (`--small` and `--large` copies): a copy costs
(T_large - T_small) / (large - small). It projects the hours 4,800 copies take (the
runs that certify 1e-3 with at most one false fail, docs/calibration.md).

    .venv/bin/python benchmarks/certify_costs.py --assignments backdoor hglm \
        --out benchmarks/certify-costs.json

The figures are a plan, not a certificate: a few copies show no false-fail rate.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.course.config import load_course  # noqa: E402
from autograder.pipeline.certify import certify  # noqa: E402

CERTIFY_RUNS = 4800
PER_KERNEL = 300   # copies per kernel run, as the certificates in docs/calibration.md


def measure(course, assignment_id: str, small: int, large: int) -> dict:
    short = certify(course, assignment_id, runs=small, per_kernel=small, show_progress=False)
    long = certify(course, assignment_id, runs=large, per_kernel=large, show_progress=False)
    per_copy = max(0.0, (long.seconds - short.seconds) / (large - small))
    kernel = max(0.0, short.seconds - small * per_copy)
    kernels = -(-CERTIFY_RUNS // PER_KERNEL)
    hours = (CERTIFY_RUNS * per_copy + kernels * kernel) / 3600
    return {"assignment": assignment_id, "kernel_s": round(kernel, 1),
            "copy_s": round(per_copy, 3), "redrawn": long.redrawn, "fixed": long.fixed,
            "false_fails": short.false_fail_runs + long.false_fail_runs,
            "copies": short.runs + long.runs,
            "hours_for_4800": round(hours, 2) if long.redrawn else None}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--assignments", nargs="+", required=True)
    p.add_argument("--small", type=int, default=2)
    p.add_argument("--large", type=int, default=12)
    p.add_argument("--out", type=Path, default=REPO / "benchmarks" / "certify-costs.json")
    args = p.parse_args(argv)
    if args.large <= args.small:
        p.error("--large must exceed --small")
    course = load_course(REPO / "course.yml")
    rows = []
    for a in args.assignments:
        row = measure(course, a, args.small, args.large)
        rows.append(row)
        print(f"{a}: kernel {row['kernel_s']} s, copy {row['copy_s']} s, "
              f"4,800 copies: {row['hours_for_4800']} h, re-drawn: {', '.join(row['redrawn']) or 'none'}",
              flush=True)
    args.out.write_text(json.dumps({"runs": CERTIFY_RUNS, "assignments": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
