"""Execution jobs and their results: everything a worker needs to run one
submission, and what it sends back, as plain data.

A job carries the sanitized notebook and a `SandboxRun`: the seed, the
extraction code for each test cell, the bytes of the data files, the time
limits and the sandbox's limits. A worker (a local process or a Dask worker on
another machine) needs no course files, no hidden checks and no gradebook: it
runs the notebook in a sandbox and returns an `ExecutionResult` as JSON text.
The grader's main process saves each result atomically (`save_result`) and
records it in the gradebook, one at a time.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course.config import Assignment, Limits
from autograder.course.dirs import CourseDirs
from autograder.engine.execution import RunOutcome, execute_sandboxed
from autograder.engine.stages import Staged


@dataclass(frozen=True)
class SandboxRun:
    """What a sandbox needs to run one notebook, besides the notebook itself."""
    seed: int
    extraction: dict[str, str | Staged]   # test cell grade_id -> kernel code (engine/stages.py)
    data: dict[str, bytes]       # file name -> bytes, read-only in the kernel's folder
    cell_timeout: int
    notebook_timeout: int
    limits: Limits

    @classmethod
    def for_assignment(cls, a: Assignment, seed: int, extraction: dict[str, str | Staged],
                       data: dict[str, bytes]) -> "SandboxRun":
        """The assignment's time limits and sandbox limits (course.yml)."""
        return cls(seed, extraction, data, a.cell_timeout, a.notebook_timeout, a.limits)

    def execute(self, nb: nbformat.NotebookNode, trusted: bool = False, on_cell=None) -> RunOutcome:
        """Run `nb` in place in a fresh sandbox (execution.execute_sandboxed)."""
        return execute_sandboxed(nb, seed=self.seed, extraction=self.extraction, data=self.data,
                                 cell_timeout=self.cell_timeout,
                                 notebook_timeout=self.notebook_timeout, limits=self.limits,
                                 trusted=trusted, on_cell=on_cell)


@dataclass
class Job:
    assignment: str
    student: str
    fingerprint: str   # of everything that decides the grade; see fingerprint()
    notebook: dict     # the sanitized notebook (nbformat JSON)
    run: SandboxRun


@dataclass
class ExecutionResult:
    """One executed job: written by the worker (run_job), saved by the grader
    (save_result) and read back by the record step (load_result)."""
    assignment: str
    student: str
    fingerprint: str   # the job's: a saved result counts only for the same submission and settings
    nb_hash: str       # notebook_hash of the cells it ran
    cells: list[dict]  # the executed cells (nbformat JSON), answers already taken out
    outcome: RunOutcome
    worker: str = field(default="")  # host:pid that ran it

    def to_dict(self) -> dict:
        return {"assignment": self.assignment, "student": self.student,
                "fingerprint": self.fingerprint, "nb_hash": self.nb_hash, "cells": self.cells,
                "outcome": self.outcome.to_dict(), "worker": self.worker}

    @classmethod
    def from_dict(cls, d: dict) -> "ExecutionResult":
        """ValueError for anything that is not a result (a damaged file, a worker's garbage)."""
        try:
            return cls(str(d["assignment"]), str(d["student"]), str(d["fingerprint"]),
                       str(d["nb_hash"]), list(d["cells"]), RunOutcome.from_dict(d["outcome"]),
                       str(d.get("worker", "")))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not an execution result ({type(exc).__name__}: {exc})") from None

    def executed_cells(self) -> list[nbformat.NotebookNode]:
        return [nbformat.from_dict(c) for c in self.cells]


def run_job(job: Job) -> str:
    """Worker side: execute one job in a fresh sandbox. Never raises for
    anything the student's code does; that is reported in `outcome`. Returns
    JSON text, so what comes back from a worker is only ever parsed as data."""
    nb = nbformat.from_dict(job.notebook)
    before = notebook_hash(nb)
    outcome = job.run.execute(nb)
    result = ExecutionResult(job.assignment, job.student, job.fingerprint, before, nb.cells,
                             outcome, f"{socket.gethostname()}:{os.getpid()}")
    try:
        return json.dumps(result.to_dict())
    except (ValueError, TypeError, RecursionError) as exc:
        # the notebook has run: keep its answers, lose only what cannot be written
        for cell in nb.cells:
            if cell.get("cell_type") == "code":
                cell["outputs"] = []
        outcome.notes.append(f"the notebook's outputs could not be saved "
                             f"({type(exc).__name__}); they were dropped")
        return json.dumps(result.to_dict())


def parse_result(text: str) -> ExecutionResult:
    """A worker's JSON text, decoded once (ValueError if it is not a result)."""
    return ExecutionResult.from_dict(json.loads(text))


def notebook_hash(nb) -> str:
    """What execution depends on: the cells' kinds, sources and nbgrader ids."""
    cells = [(c.cell_type, c.source, c.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
             for c in nb.cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def fingerprint(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode())
        h.update(b"\0")
    return h.hexdigest()


def save_result(dirs: CourseDirs, result: ExecutionResult) -> None:
    write_json_atomic(dirs.engine_result(result.assignment, result.student), result.to_dict(),
                      indent=None)


def load_result(dirs: CourseDirs, assignment_id: str, student_id: str) -> ExecutionResult | None:
    """The saved execution, or None when there is none or it cannot be read."""
    try:
        return ExecutionResult.from_dict(json.loads(dirs.engine_result(assignment_id, student_id)
                                                    .read_text()))
    except (OSError, ValueError):
        return None


def write_json_atomic(path: Path, data: dict, indent: int | None = 2) -> None:
    """A kill leaves either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=indent)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
