"""How long `course validate` takes against plainly executing the same notebook
in the same sandbox (no visible-check bookkeeping, no progress callback).

    python benchmarks/validate_overhead.py [HW] [--repeats N]

Prints each run and the median ratio validate / execute; the two alternate
which goes first, so that load on a shared machine hits both alike."""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.authoring.source import fill_student_notebook, read_solution_sections
from autograder.course.config import load_course
from autograder.engine.execution import execute_sandboxed
from autograder.pipeline.release import release
from autograder.pipeline.student import fetch, validate
from autograder.grading.submission import read_data

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("assignment", nargs="?", default="backdoor")
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        course = load_course(REPO / "course.yml", course_dir=tmp)
        a = course.assignment(args.assignment)
        release(course, a.id)
        fetch(course, a.id, "alice")
        path = course.dirs.fetched(a.id, "alice") / f"{a.notebook_name}.ipynb"
        nb = nbformat.read(path, 4)
        nbformat.write(fill_student_notebook(nb, read_solution_sections(a.solution)), path)
        data = read_data(f for f in path.parent.iterdir() if f.is_file() and f.suffix != ".ipynb")
        runs = {"execute": [], "validate": []}
        def plain():
            execute_sandboxed(nbformat.read(path, 4), seed=0, extraction={}, data=data,
                              cell_timeout=a.cell_timeout, notebook_timeout=a.notebook_timeout,
                              limits=a.limits)

        for i in range(args.repeats):
            order = ["execute", "validate"] if i % 2 == 0 else ["validate", "execute"]
            for kind in order:  # alternate which goes first
                began = time.monotonic()
                if kind == "execute":
                    plain()
                else:
                    report = validate(course, path, progress=lambda *_: None)
                runs[kind].append(time.monotonic() - began)
            print(f"run {i + 1} ({' then '.join(order)}): execute {runs['execute'][-1]:.1f} s, "
                  f"validate {runs['validate'][-1]:.1f} s ({len(report.passed)} checks pass)")
        ratio = statistics.median(v / e for v, e in zip(runs["validate"], runs["execute"]))
        print(f"{a.id}: median validate / execute = {ratio:.2f}")


if __name__ == "__main__":
    main()
