"""A Dask worker killed in the middle of a batch: the scheduler gives its job
to the other worker, and every submission is graded and recorded exactly once.
A real `dask scheduler` and two real `dask worker` processes (no nanny, so a
SIGKILL ends the worker for good), real sandboxed kernels, a cheap homework."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.course.config import load_course
from autograder.grading.report import read_report
from autograder.pipeline.autograde import autograde
from autograder.pipeline.costs import read_costs
from conftest import REPO, hand_in_references

HW = "scm"
ROSTER = ["ann", "bob", "cat", "dov"]


def start(cmd: list[str]) -> subprocess.Popen:
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}")
    return subprocess.Popen([str(bindir / "dask"), *cmd], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(tmp_path):
    course = load_course(REPO / "course.yml").moved(tmp_path / "state", roster=ROSTER,
                                                    homeworks=[HW])
    hand_in_references(course, [HW], ROSTER)

    info = tmp_path / "scheduler.json"
    procs = [start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(info)])]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.3)
        address = json.loads(info.read_text())["address"]
        procs += [start(["worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                         "--memory-limit", "0"]) for _ in range(2)]
        from distributed import Client
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
            pid_of = client.run(os.getpid)  # worker address -> pid
            outcome = {}

            def batch():
                try:
                    outcome["done"] = autograde(course, HW, show_progress=False,
                                                dask_scheduler=address)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the test below
                    outcome["error"] = exc

            grading = threading.Thread(target=batch)
            grading.start()
            victim = None
            deadline = time.monotonic() + 300
            while victim is None and grading.is_alive() and time.monotonic() < deadline:
                busy = [w for w, keys in client.processing().items() if keys]
                saved = [s for s in ROSTER if course.dirs.engine_result(HW, s).exists()]
                if len(busy) == 2 and not saved:  # both on their first job: kill one mid-job
                    victim = pid_of[busy[0]]
                    os.kill(victim, signal.SIGKILL)
                time.sleep(0.2)
            grading.join(timeout=600)
        assert victim is not None, "the batch ended before a worker could be killed mid-job"
        assert "error" not in outcome, outcome.get("error")
    finally:
        for p in procs[::-1]:
            p.kill()
            p.wait(timeout=30)

    done = outcome["done"]
    assert sorted(g.student for g in done) == ROSTER
    assert all(g.status == "ok" for g in done), [(g.student, g.status, g.reason) for g in done]
    ran_on = {int(json.loads(course.dirs.engine_result(HW, s).read_text())["worker"]
                  .rsplit(":", 1)[1]) for s in ROSTER}
    # the survivor ran the killed worker's job again (the victim may have saved a result
    # of its own only if it finished a job in the instant before the kill)
    assert set(pid_of.values()) - {victim} <= ran_on
    # recorded exactly once each: one gradebook submission per student, one
    # stamped report, one execution time noted per submission
    with Gradebook(course.db_url) as gb:
        assert sorted(s.student.id for s in gb.assignment_submissions(HW)) == ROSTER
    assert all(read_report(course, HW, s).fingerprint for s in ROSTER)
    assert len(read_costs(course.dirs).homeworks[HW].recent) == len(ROSTER)
