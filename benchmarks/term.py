"""A whole term's grading, projected on a Dask cluster of N single-threaded
workers from measured per-notebook costs, and the projection checked against
real runs.

    # project: 200 students x every assignment in the costs files, N workers
    .venv/bin/python benchmarks/term.py --costs benchmarks/batch-limit-results.json \
        benchmarks/batch-limit-kits.json
    # validate: a small real batch on 1 and 2 real Dask workers against its projection
    .venv/bin/python benchmarks/term.py --validate --homeworks adjsets ipw scm --per-hw 4

The model is the engine's own schedule (batch_run.run, autograde.autograde_batch):

- the grader's process sanitizes each submission into a job (`prepare_s`) and
  submits it in the engine's order (batch_plan.submission_order: by each homework's
  median cost, longest first; on a cluster where a submission's share of the workers
  is below the recorder's time, those submissions first, cheapest first: Johnson's
  rule for the two stages); the projection also gives plain longest first and
  course order;
- a free worker takes the next submitted job (FIFO) and runs it for its
  single-run cost (`alone_s`, measured graded alone by benchmarks/batch_limit.py);
- once every job is submitted, the grader records the results one at a time
  in the order they finish (`record_s`: nbgrader's chain and the gradebook,
  single writer), so recording is the one serial stage and sets a floor.

Validation also reads off a fixed start-up cost (planning, fingerprints,
starting the pool) from the one-at-a-time run, and adds it to the projection
of each real run; over a term it is negligible.

Costs per assignment and kind (correct, wrong, faulty) come from a
batch_limit.py results file; a term hands in `--mix` of each kind. Team work
(kit milestones) has one submission per team (`--team-size`).
"""
from __future__ import annotations

import argparse
import heapq
import json
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from batch_limit import (COURSE, HOMEWORKS, build_batch, dask_cluster, grade,  # noqa: E402
                         graded_alone, load)
from autograder.pipeline.batch_plan import two_stage_order  # noqa: E402


@dataclass(frozen=True)
class Job:
    assignment: str
    alone_s: float
    prepare_s: float
    record_s: float


def medians(jobs: list[Job]) -> dict[str, float]:
    return {a: statistics.median(j.alone_s for j in jobs if j.assignment == a)
            for a in {j.assignment for j in jobs}}


def longest_first(jobs: list[Job]) -> list[Job]:
    """By each assignment's median cost, costliest first."""
    median = medians(jobs)
    return sorted(jobs, key=lambda j: -median[j.assignment])


def engine_order(jobs: list[Job], workers: int) -> list[Job]:
    """The engine's order for `workers` (batch_plan.submission_order's rule)."""
    median = medians(jobs)
    return two_stage_order(jobs, lambda j: median[j.assignment], workers)


def makespan(jobs: list[Job], workers: int) -> float:
    """Wall time of one batch of `jobs` (already in submission order) on
    `workers` workers, with the grader's serial sanitize and record steps."""
    submitted, t = [], 0.0
    for j in jobs:
        t += j.prepare_s
        submitted.append(t)
    all_submitted = t
    free = [0.0] * workers          # when each worker is next free
    finished = []
    for j, at in zip(jobs, submitted):
        start = max(at, heapq.heappop(free))
        heapq.heappush(free, start + j.alone_s)
        finished.append((start + j.alone_s, j.record_s))
    done = all_submitted
    for end, record_s in sorted(finished):
        done = max(done, end) + record_s
    return done


def costs_of(results: dict) -> dict[str, dict[str, list[dict]]]:
    """{assignment: {kind: [submission records]}} from a batch_limit.py results file."""
    out: dict[str, dict[str, list[dict]]] = {}
    for s in results["submissions"]:
        out.setdefault(s["assignment"], {}).setdefault(s["kind"], []).append(s)
    return out


def term_jobs(results: dict, students: int, mix: dict[str, float], team_size: float) -> list[Job]:
    """A term's submissions: per assignment, `students` (or their teams) split
    by `mix`, each at the mean measured cost of its assignment and kind."""
    jobs = []
    for aid, by_kind in costs_of(results).items():
        n = round(students / team_size) if COURSE.assignment(aid).group else students
        for kind, share in mix.items():
            measured = by_kind.get(kind) or [s for runs in by_kind.values() for s in runs]
            mean = {k: statistics.mean(s[k] for s in measured)
                    for k in ("alone_s", "prepare_s", "record_s")}
            jobs += [Job(aid, **mean)] * round(n * share)
    return jobs


def project(args) -> dict:
    files = [json.loads(Path(f).read_text()) for f in args.costs]
    results = dict(files[0], submissions=[s for f in files for s in f["submissions"]])
    mix = dict((k, float(v)) for k, v in (kv.split("=") for kv in args.mix.split(",")))
    jobs = term_jobs(results, args.students, mix, args.team_size)
    by_hw = {}
    for j in jobs:
        by_hw.setdefault(j.assignment, []).append(j)
    out = {"costs": args.costs, "measured_load": [f.get("load_before") for f in files],
           "assignments": list(by_hw), "submissions": len(jobs), "mix": mix,
           "serial_floor_h": sum(j.prepare_s + j.record_s for j in jobs) / 3600,
           "work_h": sum(j.alone_s for j in jobs) / 3600, "workers": {}}
    measured = [Job(s["assignment"], s["alone_s"], s["prepare_s"], s["record_s"])
                for s in files[0]["submissions"]]
    w = results.get("local_longest_first", {}).get("workers", 2)
    out["model_of_the_measured_batch"] = {  # what the schedule alone predicts for that batch
        "workers": w, "given_order_s": makespan(measured, w),
        "longest_first_s": makespan(engine_order(measured, w), w)}
    for n in args.workers:
        one = makespan(engine_order(jobs, n), n)
        each = sum(makespan(engine_order(js, n), n) for js in by_hw.values())
        longest = makespan(longest_first(jobs), n)
        given = makespan(jobs, n)  # course order, heaviest homeworks last
        out["workers"][n] = {"one_batch_h": one / 3600, "per_assignment_batches_h": each / 3600,
                             "one_batch_longest_first_h": longest / 3600,
                             "one_batch_given_order_h": given / 3600}
    return out


def validate(args) -> dict:
    """A small real batch: its single-run costs, then real Dask runs with 1 and
    2 workers against the projection of the same batch."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-term-"))
    course, plan = build_batch(tmp, list(args.homeworks), args.per_hw)
    out = {"assignments": list(args.homeworks), "n": len(plan), "load_before": load()}
    out["alone_wall_s"] = graded_alone(course, plan)
    jobs = [Job(s.assignment, s.alone_s, s.prepare_s, s.record_s) for s in plan]
    # what the model leaves out (planning, fingerprints, starting the pool), read
    # off the one-at-a-time run, whose schedule is the model's with one worker
    out["start_s"] = max(0.0, out["alone_wall_s"] - makespan(engine_order(jobs, 1), 1))
    for n in (1, 2):
        with dask_cluster(n) as (address, _):
            real = grade(course, plan, dask_scheduler=address)
        projected = out["start_s"] + makespan(engine_order(jobs, n), n)
        out[f"dask_{n}"] = {"real_s": real, "projected_s": projected,
                            "error": (projected - real) / real, "load": load()}
    out["submissions"] = [asdict(s) for s in plan]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--costs", nargs="+",
                   default=[str(REPO / "benchmarks" / "batch-limit-results.json")],
                   help="benchmarks/batch_limit.py results files (their submissions pooled; "
                        "e.g. the nine homeworks and an --alone-only run of the kits)")
    p.add_argument("--students", type=int, default=200)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 8, 16, 32, 64])
    p.add_argument("--mix", default="correct=0.7,wrong=0.25,crash=0.05",
                   help="share of each kind of submission in a term")
    p.add_argument("--team-size", type=float, default=2.5, help="students per team (kit milestones)")
    p.add_argument("--validate", action="store_true", help="run the real 1- and 2-worker check")
    p.add_argument("--homeworks", nargs="+", default=HOMEWORKS, help="--validate's batch")
    p.add_argument("--per-hw", type=int, default=4, help="--validate's submissions per homework")
    p.add_argument("--out", help="also write the figures to this file under benchmarks/")
    args = p.parse_args()
    out = validate(args) if args.validate else project(args)
    if args.out:
        (REPO / "benchmarks" / args.out).write_text(json.dumps(out, indent=2))
    print(json.dumps({k: v for k, v in out.items() if k != "submissions"}, indent=2))


if __name__ == "__main__":
    main()
