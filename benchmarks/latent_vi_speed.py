"""How long does the latent-confounder homework take, and what does its SVI cost?

    .venv/bin/python benchmarks/latent_vi_speed.py             # both parts
    .venv/bin/python benchmarks/latent_vi_speed.py --steps-only

1. SVI alone, in a fresh process per case: the reference model and guide fitted for
   NUM_STEPS steps on the 2,000 players, with torch on 1 thread (what the notebook sets)
   against 2 threads, timed in the same run.
2. Whole notebooks graded end to end (sandboxed kernel, hidden checks, the grader's
   calls of frontdoor_ate, vi_ate and unit_contrasts): the latent_vi reference against
   the frontdoor reference as the baseline, graded in the same run.
Results: docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SVI_CASE = r'''
import json, sys, time
sys.path.insert(0, {repo!r} + "/solutions/latent_vi")
import calibrate_vi
import torch
locked, sections = calibrate_vi.reference_code()
locked[0] = locked[0].replace("torch.set_num_threads(1)", "torch.set_num_threads({threads})")
calibrate_vi.reference_code = lambda: (locked, sections)
run = calibrate_vi.reference_run(1)
print(json.dumps({{"threads": torch.get_num_threads(), "seconds": run["seconds"],
                  "steps": run["num_steps"], "ate": run["ate"]}}))
'''


def svi_case(threads: int) -> dict:
    out = subprocess.run([sys.executable, "-c", SVI_CASE.format(repo=str(REPO), threads=threads)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def graded(assignment: str, seed: int = 11) -> dict:
    sys.path.insert(0, str(REPO))
    from autograder.authoring.source import build_source_notebook
    from autograder.course.config import load_course
    from autograder.homework import load_homework
    from autograder.grading.submission import grade_notebook
    with tempfile.TemporaryDirectory() as tmp:
        course = load_course(REPO / "course.yml", course_dir=Path(tmp))
        a = course.assignment(assignment)
        start = time.perf_counter()
        outcome, results = grade_notebook(a, load_homework(a.checks), build_source_notebook(a), seed)
        seconds = time.perf_counter() - start
    return {"assignment": assignment, "seconds": round(seconds, 1),
            "points": sum(r.points for r in results), "max": sum(r.max_points for r in results),
            "stopped": outcome.stopped}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps-only", action="store_true")
    args = parser.parse_args()
    one, two = svi_case(1), svi_case(2)
    print(f"SVI, {one['steps']} steps: 1 thread {one['seconds']:.1f} s, 2 threads "
          f"{two['seconds']:.1f} s (ratio 2/1 = {two['seconds'] / one['seconds']:.2f})")
    if args.steps_only:
        return
    base, hw = graded("frontdoor"), graded("latent_vi")
    for r in (base, hw):
        print(f"{r['assignment']}: graded end to end in {r['seconds']} s, "
              f"{r['points']}/{r['max']} points, stopped: {r['stopped']}")
    print(f"ratio latent_vi / frontdoor = {hw['seconds'] / base['seconds']:.2f}")


if __name__ == "__main__":
    main()
