"""Where a Gillespie kit milestone's grading time goes: each call the grader makes to the
reference solution, timed in one process at the design's sizes (docs/benchmarks.md,
section 7), next to the cost of the same run in the grader's numpy simulator.

The solution's code sections run in a namespace prepared by the notebook's setup cell,
as in the kernel (plots skipped), and each hidden question's calls are made with the
arguments the grader picks for one submission seed.

    python benchmarks/gillespie_speed.py [gillespie_m1 gillespie_m2 gillespie_m3] [--seed 11]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import nbformat
import numpy as np

from autograder.authoring.source import read_solution_sections
from autograder.course.config import load_course
from autograder.homework import load_homework
from autograder.studies import gillespie as G

REPO = Path(__file__).resolve().parents[1]


def namespace(a) -> dict:
    """The notebook's setup cell and the solution's code sections, without plots."""
    ns: dict = {}
    setup = next(c for c in nbformat.read(a.notebook, 4).cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    exec(compile(setup.source, "setup", "exec"), ns)
    for gid, (kind, text) in read_solution_sections(a.solution).items():
        if kind == "code":
            code = "\n".join(ln for ln in text.splitlines() if not ln.startswith(("plt.", "_")))
            exec(compile(code, gid, "exec"), ns)
    return ns


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("milestones", nargs="*", default=["gillespie_m1", "gillespie_m2", "gillespie_m3"])
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    course = load_course(REPO / "course.yml")
    for hw_id in args.milestones:
        a = course.assignment(hw_id)
        hw = load_homework(a.checks)
        ctx = hw.context(args.seed, a.false_fail_budget)
        ns = namespace(a)
        print(f"{hw_id} (sizes {ctx.sizes}):")
        for gid, q in hw.questions.items():
            for key, (func, kwargs) in (q.calls(ctx) if q.calls else {}).items():
                start = time.perf_counter()
                ns[func](**kwargs)
                print(f"  {gid}/{key}: {func}(...) {time.perf_counter() - start:.2f} s")
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    times, _ = G.simulate((0, 0, 0), G.worst_rates(), 5000.0, rng)
    per = (time.perf_counter() - start) / len(times)
    print(f"grader's numpy simulator: {per * 1e6:.1f} us per reaction ({len(times)} reactions)")


if __name__ == "__main__":
    main()
