"""How close a batch comes to what the machine allows (the limit ratio), and
what longest-first scheduling buys, all figures from one run.

    .venv/bin/python benchmarks/batch_limit.py                 # all nine homeworks, 5 each
    .venv/bin/python benchmarks/batch_limit.py --kits          # plus every kit milestone
    .venv/bin/python benchmarks/batch_limit.py --homeworks adjsets ipw scm --per-hw 3

1. Graded alone: every submission (correct, wrong and faulty: engine.kinds)
   executed sandboxed, one at a time (a local pool of one worker); its
   execution time is its single-run cost. This run also records each
   homework's costs in the course state, as any batch does.
2. The local pool of W workers (default: one per core), longest first (the
   engine's order) and in the given order (course order, which puts the heavy
   homeworks last), each from the same submitted files:

       limit ratio = (sum of single-run times / W) / batch wall time

   the share of the W workers that the batch keeps busy running notebooks.
3. A real Dask cluster on localhost (`dask scheduler`, `dask worker --nthreads 1`
   processes) with --dask workers, longest first: its limit ratio.
   With --alone-only, step 1 alone: the costs benchmarks/term.py projects a term from.

4. With --startup: per assignment, the share of a submission's time spent
   before the student's code runs: starting the sandbox and kernel (a notebook
   of `x = 1`) and the setup cell's imports (torch, pyro, pymc, ...), each the
   median of 3 sandboxed runs, against the median single-run cost.

Also kept per submission: the grader's own serial costs, sanitizing it into a
job and recording it (benchmarks/term.py projects a term from these). Results
go to stdout and to benchmarks/<--out>; docs/benchmarks.md explains them.
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.authoring.source import answer_from_variant, build_source_notebook  # noqa: E402
from autograder.engine.execution import execute_sandboxed  # noqa: E402
from autograder.course.config import load_course  # noqa: E402
from autograder.course.teams import Team  # noqa: E402
from autograder.grading.report import read_report  # noqa: E402
from autograder.homework import load_homework  # noqa: E402
from autograder.pipeline.autograde import autograde_batch  # noqa: E402
from autograder.pipeline.batch_run import make_job  # noqa: E402
from autograder.pipeline.collect import collect  # noqa: E402
from autograder.pipeline.release import release  # noqa: E402
from autograder.pipeline.student import fetch, submit  # noqa: E402
from engine import kinds  # noqa: E402  (benchmarks/engine.py: correct, wrong, faulty)

COURSE = load_course(REPO / "course.yml")
HOMEWORKS = [a for a, x in COURSE.assignments.items() if not x.group]
MILESTONES = [a for a, x in COURSE.assignments.items() if x.group]


@dataclass
class Submission:
    assignment: str
    id: str            # the nbgrader id: the student, or the team for team work
    kind: str          # correct | wrong | crash
    alone_s: float = 0.0    # execution, graded alone
    prepare_s: float = 0.0  # the grader sanitizing it into a job
    record_s: float = 0.0   # the grader recording it (nbgrader's chain, the gradebook)
    status: str = ""        # its report's status, graded alone


def build_batch(tmp: Path, assignment_ids: list[str], per_hw: int) -> tuple:
    """One course holding `per_hw` submissions of each assignment, cycling
    through engine.kinds; team work is handed in by one-member teams."""
    roster = [f"s{i:02d}" for i in range(per_hw)]
    teams = {f"t{i:02d}": Team(f"t{i:02d}", (s,)) for i, s in enumerate(roster)}
    course = COURSE.moved(tmp / "state", roster=roster, homeworks=assignment_ids, teams=teams)
    plan = []
    for aid in assignment_ids:
        a = course.assignment(aid)
        release(course, aid)
        for i, student in enumerate(roster):
            label, variant, extra = kinds(aid)[i % 5]
            owner = f"t{i:02d}" if a.group else student
            fetch(course, aid, student)
            path = course.dirs.fetched(aid, owner) / f"{a.notebook_name}.ipynb"
            nb = nbformat.read(path, 4)
            answer_from_variant(nb, a, variant, extra=extra)
            nbformat.write(nb, path)
            submit(course, aid, student)
            plan.append(Submission(aid, owner, label))
        collect(course, aid)
    return course, plan


def grade(course, plan: list[Submission], **kw) -> float:
    """One `course autograde` batch of the whole plan; its wall time."""
    ids = list(dict.fromkeys(s.assignment for s in plan))
    start = time.monotonic()  # the course holds only the plan's submissions: grade them all
    autograde_batch(course, ids, None, show_progress=False, regrade=True, **kw)
    return time.monotonic() - start


def graded_alone(course, plan: list[Submission]) -> float:
    """Each submission executed alone (one local worker); fills alone_s and
    record_s, and prepare_s by timing the grader's sanitize step on its own."""
    wall = grade(course, plan, workers=1)
    homeworks = {}
    for s in plan:
        r = read_report(course, s.assignment, s.id)
        s.alone_s, s.record_s, s.status = r.seconds, r.record_seconds or 0.0, r.status
        a = course.assignment(s.assignment)
        hw = homeworks.setdefault(a.id, load_homework(a.checks))
        t = time.monotonic()
        make_job(course, a, hw, s.id, "")
        s.prepare_s = time.monotonic() - t
    return wall


def limit_ratio(plan: list[Submission], workers: int, wall: float) -> float:
    return sum(s.alone_s for s in plan) / workers / wall


@contextlib.contextmanager
def dask_cluster(n: int):
    """A real scheduler and n single-threaded workers on localhost; yields
    (address, worker processes)."""
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    info = tmp / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    procs = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               "0", "--no-dashboard", "--scheduler-file", str(info)], **quiet)]
    workers = []
    try:
        while not info.exists():
            time.sleep(0.3)
        address = json.loads(info.read_text())["address"]
        workers = [subprocess.Popen([str(bindir / "dask"), "worker", address, "--nthreads", "1",
                                     "--no-dashboard", "--no-nanny", "--memory-limit", "0"], **quiet)
                   for _ in range(n)]
        from distributed import Client
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(n, timeout=180)
        yield address, workers
    finally:
        for p in workers[::-1] + procs:
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def startup(course, plan: list[Submission], runs: int = 3) -> dict:
    """Per assignment: sandbox and kernel start, and the setup cell's imports
    on top of it (sandboxed, median of `runs`), against its median cost."""
    out = {}
    for aid in dict.fromkeys(s.assignment for s in plan):
        a = course.assignment(aid)
        setup = next(c.source for c in build_source_notebook(a).cells if c.cell_type == "code")
        imports = "\n".join(ln for ln in setup.splitlines() if ln.startswith(("import ", "from ")))

        def median_run(code: str) -> float:
            times = []
            for _ in range(runs):
                nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
                times.append(execute_sandboxed(nb, seed=1, extraction={}, data={},
                                               cell_timeout=a.cell_timeout,
                                               notebook_timeout=a.notebook_timeout,
                                               limits=a.limits).seconds)
            return statistics.median(times)
        start, with_imports = median_run("x = 1"), median_run(imports)
        alone = statistics.median(s.alone_s for s in plan if s.assignment == aid)
        out[aid] = {"kernel_start_s": start, "imports_s": with_imports - start,
                    "median_alone_s": alone, "share_before_student_code": with_imports / alone}
    return out


def pooled_runs(course, plan: list[Submission], w: int, dask: int, results: dict) -> None:
    """Steps 2 and 3: the local pool in both orders, then Dask; into `results`."""
    for name, first in (("given_order", False), ("longest_first", True)):
        print(f"local pool of {w}, {name} ...", flush=True)
        wall = grade(course, plan, workers=w, longest_first=first)
        results[f"local_{name}"] = {"workers": w, "wall_s": wall,
                                    "limit_ratio": limit_ratio(plan, w, wall), "load": load()}
    results["longest_first_speedup"] = (results["local_given_order"]["wall_s"]
                                        / results["local_longest_first"]["wall_s"])
    if dask:
        print(f"Dask, {dask} workers, longest first ...", flush=True)
        with dask_cluster(dask) as (address, _):
            wall = grade(course, plan, dask_scheduler=address)
        results["dask_longest_first"] = {"workers": dask, "wall_s": wall,
                                         "limit_ratio": limit_ratio(plan, dask, wall),
                                         "load": load()}


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--homeworks", nargs="+", default=HOMEWORKS, help="default: all nine")
    p.add_argument("--kits", action="store_true", help="add every kit milestone")
    p.add_argument("--per-hw", type=int, default=5, help="submissions per assignment (kinds cycle every 5)")
    p.add_argument("--workers", type=int, default=os.cpu_count(), help="local pool size")
    p.add_argument("--dask", type=int, default=2, help="Dask workers (0: skip)")
    p.add_argument("--startup", action="store_true", help="also measure kernel start and imports")
    p.add_argument("--alone-only", action="store_true",
                   help="only the single-run costs (for benchmarks/term.py), no pooled runs")
    p.add_argument("--out", default="batch-limit-results.json", help="file name under benchmarks/")
    args = p.parse_args()
    os.environ.setdefault("PYTENSOR_FLAGS", f"base_compiledir={REPO / '.cache' / 'pytensor'}")
    ids = list(args.homeworks) + (MILESTONES if args.kits else [])
    tmp = Path(tempfile.mkdtemp(prefix="bench-limit-"))
    print(f"building {args.per_hw} submissions of each of {', '.join(ids)} in {tmp}", flush=True)
    course, plan = build_batch(tmp, ids, args.per_hw)
    results = {"assignments": ids, "n": len(plan), "cores": os.cpu_count(),
               "load_before": load()}
    print("graded alone, one at a time ...", flush=True)
    results["alone_wall_s"] = graded_alone(course, plan)
    results["sum_alone_s"] = sum(s.alone_s for s in plan)
    if not args.alone_only:
        pooled_runs(course, plan, args.workers, args.dask, results)
    if args.startup:
        print("kernel start and imports ...", flush=True)
        results["startup"] = startup(course, plan)
    results["submissions"] = [asdict(s) for s in plan]
    (REPO / "benchmarks" / args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps({k: v for k, v in results.items() if k != "submissions"}, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
