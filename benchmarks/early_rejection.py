"""Early rejection in the engine: what it saves on clearly wrong answers, what it
costs right ones, and that the false-fail rate stays within its level.

    .venv/bin/python benchmarks/early_rejection.py            # the homeworks with staged questions
    .venv/bin/python benchmarks/early_rejection.py --homeworks adjsets --calibration 2000
    .venv/bin/python benchmarks/early_rejection.py --calibration-only --calibration 10000 \
        --out early-rejection-calibration.json

1. Wrong answers: every manifest entry of these homeworks that loses a staged question
   (solutions/<hw>/mistakes/), handed in by a student each and graded by `course
   autograde`'s batch (local pool of W workers) twice from the same files: with early
   rejection (course.yml `early_rejection`, the default) and without. The wall times,
   their ratio, and each submission's points in both runs, which must agree.
2. Right answers: the reference and the alternatives, the same way: what the stages
   cost a right answer (a round trip and a call per stage).
3. Calibration: per staged question, `--calibration` simulated right answers graded by
   the question's own check, asked in stages and in one go, each under its own grading
   seed (its own drawn tables). A simulated right estimate from m draws is the truth plus
   normal noise of the question's SE bound at m (`se`, which bounds every allowed
   estimator: the worst right answer). The false-fail rates with their 95 % upper
   bounds (one-sided Clopper-Pearson) against the question's level, n_checks x alpha.

Results go to stdout and benchmarks/<--out>; docs/benchmarks.md §15 explains them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path

import nbformat
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.authoring.source import answer_from_variant  # noqa: E402
from autograder.course.config import load_course  # noqa: E402
from autograder.grading.report import read_report  # noqa: E402
from autograder.grading.verdict import grade_values  # noqa: E402
from autograder.homework import load_homework  # noqa: E402
from autograder.pipeline.autograde import autograde_batch  # noqa: E402
from autograder.pipeline.certify import upper_bound  # noqa: E402
from autograder.pipeline.collect import collect  # noqa: E402
from autograder.pipeline.release import release  # noqa: E402
from autograder.pipeline.student import fetch, submit  # noqa: E402

COURSE = load_course(REPO / "course.yml")


def staged_homeworks() -> list[str]:
    """The homeworks (not kit milestones) with a question the engine may ask in stages."""
    return [aid for aid, a in COURSE.assignments.items()
            if not a.group and any(q.stages for q in load_homework(a.checks).questions.values())]


def variants(aid: str) -> dict[str, list]:
    """{"wrong": manifest entries losing a staged question, "right": the reference and the
    alternatives} of one homework."""
    hw = load_homework(COURSE.assignment(aid).checks)
    staged = {gid for gid, q in hw.questions.items() if q.stages}
    wrong = [v.files for v in hw.variants if set(v.loses) & staged]
    right = [None] + [v.files for v in hw.variants
                      if not v.loses and not v.partly and all(f.startswith("alternatives/")
                                                               for f in v.files)]
    return {"wrong": wrong, "right": right}


def build(tmp: Path, homeworks: list[str], kind: str):
    """A course whose students each hand in one `kind` variant; its plan."""
    entries = [(aid, files) for aid in homeworks for files in variants(aid)[kind]]
    per_hw = max(sum(1 for a, _ in entries if a == aid) for aid in homeworks)
    roster = [f"s{i:02d}" for i in range(per_hw)]
    course = COURSE.moved(tmp / "state", roster=roster, homeworks=homeworks)
    plan = []
    for aid in homeworks:
        a = course.assignment(aid)
        release(course, aid)
        mine = [files for a_id, files in entries if a_id == aid]
        for student, files in zip(roster, mine):
            fetch(course, aid, student)
            path = course.dirs.fetched(aid, student) / f"{a.notebook_name}.ipynb"
            nb = nbformat.read(path, 4)
            answer_from_variant(nb, a, files if files is None or len(files) > 1 else files[0])
            nbformat.write(nb, path)
            submit(course, aid, student)
            plan.append((aid, student, "+".join(files) if files else "reference"))
        collect(course, aid)
    return course, plan


def grade(course, plan, homeworks, workers: int, early: bool) -> tuple[float, dict]:
    """One batch of the whole plan; its wall time and each submission's points."""
    run = course.moved(course.course_dir, assignment_changes={"early_rejection": early})
    start = time.monotonic()
    autograde_batch(run, homeworks, None, workers=workers, show_progress=False, regrade=True)
    wall = time.monotonic() - start
    points = {}
    for aid, student, name in plan:
        r = read_report(run, aid, student)
        score = round(sum(q.points for q in r.questions), 6) if r else None
        points[f"{aid}/{name}"] = (score, r.seconds if r else None, r.status if r else "no report")
    return wall, points


def timed_batches(homeworks, kind: str, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"bench-early-{kind}-") as tmp:
        course, plan = build(Path(tmp), homeworks, kind)
        print(f"{kind}: {len(plan)} submissions of {', '.join(homeworks)}", flush=True)
        # off first, then on: the second batch finds the compile caches as warm as the first
        off_wall, off = grade(course, plan, homeworks, workers, early=False)
        print(f"  without early rejection: {off_wall:.1f} s", flush=True)
        on_wall, on = grade(course, plan, homeworks, workers, early=True)
        print(f"  with early rejection:    {on_wall:.1f} s  (ratio {off_wall / on_wall:.2f}x)",
              flush=True)
    rows = {k: {"points_without": off[k][0], "points_with": on[k][0], "seconds_without": off[k][1],
                "seconds_with": on[k][1], "status": [off[k][2], on[k][2]]} for k in off}
    disagree = [k for k, r in rows.items() if r["points_without"] != r["points_with"]]
    for k, r in rows.items():
        print(f"    {k:55s} {r['seconds_without']:7.1f} s -> {r['seconds_with']:7.1f} s   "
              f"points {r['points_without']} / {r['points_with']}", flush=True)
    if disagree:
        print(f"  POINTS DIFFER between the runs: {disagree}", flush=True)
    return {"wall_without_s": off_wall, "wall_with_s": on_wall, "ratio": off_wall / on_wall,
            "submissions": rows, "points_differ": disagree}


def simulated(q, pt, ctx, staged: bool, rng) -> dict:
    """A right answer to one staged question: per table, the truth plus the SE bound's
    noise, per stage (staged) or for the whole stated size."""
    tables = pt.estimate_tables(ctx)
    if not staged:
        n = ctx.sizes[pt.size]
        return {label: pt.truth(t) + rng.normal() * pt.se(t, n) for label, t in tables.items()}
    out = {}
    for k, stage in enumerate(q.stages(ctx), 1):
        for label, t in tables.items():
            out[f"{label}@{k}"] = pt.truth(t) + rng.normal() * pt.se(t, stage.draws)
    return out


def calibration(homeworks, runs: int, budget: float) -> list[dict]:
    from autograder.homework import load_checks
    rows = []
    for aid in homeworks:
        module = load_checks(COURSE.assignment(aid).checks)
        hw, pt = module.hw, module.probe_tables
        for gid, q in hw.questions.items():
            if not q.stages:
                continue
            row = {"assignment": aid, "question": gid, "runs": runs,
                   "level": q.n_checks * budget / hw.total_checks}
            for staged in (False, True):
                rng = np.random.default_rng(zlib.crc32(f"{aid}:{gid}:{staged}".encode()))
                fails, start = 0, time.monotonic()
                for i in range(runs):
                    ctx = hw.context(1_000_003 * i + 17, budget)
                    res = grade_values(q, simulated(q, pt, ctx, staged, rng), ctx, 1.0)
                    fails += res.points < 1.0
                key = "staged" if staged else "one_go"
                row[f"{key}_fails"], row[f"{key}_bound"] = fails, upper_bound(fails, runs)
                row[f"{key}_s"] = time.monotonic() - start
            print(f"{aid}/{gid}: level {row['level']:.2g}; in one go {row['one_go_fails']}/{runs} "
                  f"(< {row['one_go_bound']:.2g}); in stages {row['staged_fails']}/{runs} "
                  f"(< {row['staged_bound']:.2g})", flush=True)
            rows.append(row)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--homeworks", nargs="+", help="default: every homework with staged questions")
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--calibration", type=int, default=20000,
                   help="simulated right answers per staged question and mode (0: skip)")
    p.add_argument("--no-right", action="store_true", help="skip the right answers' batches")
    p.add_argument("--calibration-only", action="store_true", help="no batches, only step 3")
    p.add_argument("--out", default="early-rejection-results.json", help="file name under benchmarks/")
    args = p.parse_args()
    homeworks = args.homeworks or staged_homeworks()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    out = {"homeworks": homeworks, "workers": args.workers, "load_at_start": load}
    if not args.calibration_only:
        out["wrong"] = timed_batches(homeworks, "wrong", args.workers)
    if not args.no_right and not args.calibration_only:
        out["right"] = timed_batches(homeworks, "right", args.workers)
    if args.calibration:
        out["calibration"] = calibration(homeworks, args.calibration, COURSE.assignment(
            homeworks[0]).false_fail_budget)
    out["load_at_end"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    (REPO / "benchmarks" / args.out).write_text(json.dumps(out, indent=2))
    print(f"written to benchmarks/{args.out}")


if __name__ == "__main__":
    main()
