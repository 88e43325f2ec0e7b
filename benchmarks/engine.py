"""Benchmark of the batch grading engine, all figures from one run.

    .venv/bin/python benchmarks/engine.py [--n 20] [--threads 2 --out engine-results-threads2.json]

1. Throughput: the same batch of N submissions (correct, wrong and faulty, over
   several homeworks) graded by plain sequential `nbgrader autograde` (its own
   Execute step, no sandbox) and by `course autograde` on the local pool.
2. Overhead per submission beyond running the notebook: sandbox start, kernel
   start, answer extraction, and the gradebook write (nbgrader's chain).
3. Scaling: a subset of the batch on a real Dask cluster on localhost with 1
   and 2 single-threaded workers.

Figures are ratios against the baseline measured in the same run; the machine
is shared and noisy. Results go to stdout and to benchmarks/engine-results.json;
docs/benchmarks.md explains them.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.authoring.source import answer_from_variant, solution_variant  # noqa: E402
from autograder.grading.report import read_report  # noqa: E402
from autograder.pipeline.autograde import autograde_batch  # noqa: E402
from autograder.pipeline.collect import collect  # noqa: E402
from autograder.course.config import load_course  # noqa: E402
from autograder.engine.execution import execute_sandboxed  # noqa: E402
from autograder.pipeline.release import release  # noqa: E402
from autograder.course.config import Limits  # noqa: E402
from autograder.engine.sandbox import Sandbox  # noqa: E402
from autograder.pipeline.student import fetch, submit  # noqa: E402

HOMEWORKS = ["backdoor", "adjsets", "ipw", "scm"]
CRASH = "\nimport os\nos._exit(1)\n"


def kinds(hw: str) -> list[tuple[str, str | None, dict]]:
    """(label, variant, extra code) for correct, wrong and faulty submissions."""
    a_dir = REPO / "solutions" / hw
    mistakes = sorted(p.name for p in (a_dir / "mistakes").glob("*.py"))
    first_code = next(gid for gid, (kind, _) in solution_variant(
        load_course(REPO / "course.yml").assignment(hw), a_dir / f"{hw}.py").items() if kind == "code")
    return [("correct", None, {}), ("wrong", f"mistakes/{mistakes[0]}", {}),
            ("correct", None, {}), ("crash", None, {first_code: CRASH}),
            ("wrong", f"mistakes/{mistakes[-1]}", {})]


def build_batch(tmp: Path, n: int, threads: int | None = None):
    """One course per homework, each released and holding its share of the N submissions."""
    tmp.mkdir(parents=True, exist_ok=True)
    per_hw = -(-n // len(HOMEWORKS))
    roster = [f"s{i:02d}" for i in range(per_hw)]
    course = load_course(REPO / "course.yml")
    if threads:
        limits = {"limits": dataclasses.replace(course.assignment(HOMEWORKS[0]).limits, threads=threads)}
    course = course.moved(tmp / "state", roster=roster, homeworks=HOMEWORKS,
                          assignment_changes=limits if threads else None)
    plan = []
    for hw in HOMEWORKS:
        a = course.assignment(hw)
        release(course, hw)
        for i, student in enumerate(roster):
            label, variant, extra = kinds(hw)[i % 5]
            fetch(course, hw, student)
            path = course.dirs.fetched(hw, student) / f"{hw}.ipynb"
            nb = nbformat.read(path, 4)
            answer_from_variant(nb, a, variant, extra=extra)
            nbformat.write(nb, path)
            submit(course, hw, student)
            plan.append((hw, student, label))
        collect(course, hw)
    return course, plan[:n]


def plain_nbgrader(course, plan) -> tuple[float, int]:
    """nbgrader's own autograde, one submission after another, its default chain.
    Returns (seconds, submissions nbgrader reported as failed)."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    start, failed = time.monotonic(), 0
    for hw, student, _ in plan:
        a = course.assignment(hw)
        c = Config()
        c.CourseDirectory.root = str(course.course_dir)
        c.CourseDirectory.course_id = course.id
        c.CourseDirectory.db_url = course.db_url
        c.Exchange.root = str(course.exchange)
        c.Execute.timeout = a.cell_timeout
        c.CourseDirectory.assignment_id = hw
        api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
        result = api.autograde(hw, student, force=True, create=False)
        failed += not result["success"]  # e.g. a dead kernel: nbgrader drops the submission
    return time.monotonic() - start, failed


def engine(course, plan, **kw) -> tuple[float, list]:
    """`course autograde HW1 HW2 ...`: one batch, one pool."""
    hws = sorted({h for h, _, _ in plan})
    students = sorted({s for _, s, _ in plan})
    start = time.monotonic()
    autograde_batch(course, hws, students, show_progress=False, regrade=True, **kw)
    seconds = time.monotonic() - start
    return seconds, [read_report(course, hw, s) for hw, s, _ in plan]


def overhead(course) -> dict:
    """Per-submission costs around the notebook's own execution."""
    bwrap_runs, plain_runs = [], []
    for _ in range(5):
        box = Sandbox(Limits(), 60, 1)
        open(box.connection_file, "w").close()
        cmd = box.command([sys.executable, "-c", "pass"])
        t = time.monotonic()
        subprocess.run(cmd, check=True, capture_output=True)
        bwrap_runs.append(time.monotonic() - t)
        box.cleanup()
        t = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        plain_runs.append(time.monotonic() - t)
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    kernel = []
    for _ in range(3):
        t = time.monotonic()
        execute_sandboxed(empty, seed=1, extraction={}, data={}, cell_timeout=60,
                          notebook_timeout=120, limits=Limits())
        kernel.append(time.monotonic() - t)
    from nbclient import NotebookClient
    plain_kernel = []
    for _ in range(3):
        t = time.monotonic()
        NotebookClient(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]),
                       kernel_name="python3").execute()
        plain_kernel.append(time.monotonic() - t)
    return {"python_in_sandbox_s": statistics.median(bwrap_runs),
            "python_plain_s": statistics.median(plain_runs),
            "empty_notebook_sandboxed_s": statistics.median(kernel),
            "empty_notebook_plain_nbclient_s": statistics.median(plain_kernel)}


def dask_scaling(course, plan, workers_list) -> dict:
    bindir = Path(sys.executable).parent
    out = {}
    for n in workers_list:
        tmp = Path(tempfile.mkdtemp())
        info = tmp / "s.json"
        procs = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1",
                                   "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        while not info.exists():
            time.sleep(0.3)
        address = json.loads(info.read_text())["address"]
        procs += [subprocess.Popen([str(bindir / "dask"), "worker", address, "--nthreads", "1",
                                    "--no-dashboard", "--memory-limit", "0"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                  for _ in range(n)]
        from distributed import Client
        with Client(address) as client:
            client.wait_for_workers(n, timeout=120)
        seconds, _ = engine(course, plan, dask_scheduler=address)
        out[n] = seconds
        for p in procs[::-1]:
            p.terminate()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=20, help="submissions in the batch (>= 20)")
    p.add_argument("--threads", type=int, help="course.yml sandbox.threads (default: its default, 1)")
    p.add_argument("--out", default="engine-results.json", help="file name under benchmarks/")
    p.add_argument("--scaling-hws", type=int, default=2,
                   help="homeworks (all their submissions) in the Dask scaling runs")
    args = p.parse_args()
    os.environ.setdefault("PYTENSOR_FLAGS", f"base_compiledir={REPO / '.cache' / 'pytensor'}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    print(f"building a batch of {args.n} submissions in {tmp}", flush=True)
    course, plan = build_batch(tmp / "engine", args.n, args.threads)
    shutil.copytree(tmp / "engine", tmp / "plain")
    plain_course = course.moved(tmp / "plain" / "state")

    print("plain nbgrader autograde, sequential ...", flush=True)
    t_plain, plain_failed = plain_nbgrader(plain_course, plan)
    print("course autograde, local pool ...", flush=True)
    t_engine, reports = engine(course, plan)
    print("overhead ...", flush=True)
    over = overhead(course)
    recorded = [r for r in reports if r and r.record_seconds is not None]  # executed and recorded
    execute = [r.seconds for r in recorded]
    record = [r.record_seconds for r in recorded]
    extract = [r.extract_seconds for r in recorded]
    print("Dask scaling ...", flush=True)
    sub = [p for p in plan if p[0] in HOMEWORKS[:args.scaling_hws]]
    scaling = dask_scaling(course, sub, [1, 2])

    n = len(plan)
    results = {
        "n": n, "mix": {k: sum(1 for *_, lab in plan if lab == k) for k in ("correct", "wrong", "crash")},
        "cores": os.cpu_count(),
        "plain_nbgrader_s": t_plain, "engine_local_s": t_engine,
        "plain_nbgrader_failed": plain_failed,
        "engine_status": {st: sum(1 for r in reports if r and r.status == st)
                          for st in {r.status for r in reports if r}},
        "plain_per_hour": 3600 * n / t_plain, "engine_per_hour": 3600 * n / t_engine,
        "speedup": t_plain / t_engine,
        "median_execute_s": statistics.median(execute),
        "median_extract_s": statistics.median(extract) if extract else None,
        "median_record_s": statistics.median(record) if record else None,
        **over,
        "dask_n": len(sub), "dask_s": scaling,
        "dask_speedup_2_vs_1": scaling[1] / scaling[2],
    }
    results["threads"] = course.assignment(HOMEWORKS[0]).limits.threads
    (REPO / "benchmarks" / args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
