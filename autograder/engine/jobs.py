"""Execution jobs: everything a worker needs to run one submission, as plain data.

A job carries the sanitized notebook, the seed, the extraction code for each
test cell and the bytes of the data files. A worker (a local process or a Dask
worker on another machine) needs no course files, no hidden checks and no
gradebook: it runs the notebook in a sandbox and returns the executed notebook
and what the kernel reported. The grader's main process stores each result
atomically and records it in the gradebook, one at a time.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course.config import Limits


@dataclass
class Job:
    assignment: str
    student: str
    fingerprint: str   # of everything that decides the grade; see fingerprint()
    notebook: dict     # the sanitized notebook (nbformat JSON)
    seed: int
    extraction: dict[str, str]
    data: dict[str, bytes]
    cell_timeout: int
    notebook_timeout: int
    limits: dict


def run_job(job: Job) -> str:
    """Worker side: execute one job in a fresh sandbox. Never raises for
    anything the student's code does; that is reported in `outcome`. Returns
    JSON text, so what comes back from a worker is only ever parsed as data."""
    from autograder.engine.execution import execute_sandboxed
    nb = nbformat.from_dict(job.notebook)
    before = notebook_hash(nb)
    outcome = execute_sandboxed(nb, seed=job.seed, extraction=job.extraction, data=job.data,
                                cell_timeout=job.cell_timeout,
                                notebook_timeout=job.notebook_timeout,
                                limits=Limits(**job.limits))
    result = {"assignment": job.assignment, "student": job.student,
              "fingerprint": job.fingerprint, "nb_hash": before, "cells": nb.cells,
              "outcome": outcome.to_dict(), "worker": f"{socket.gethostname()}:{os.getpid()}"}
    try:
        return json.dumps(result)
    except (ValueError, TypeError, RecursionError) as exc:
        # the notebook has run: keep its answers, lose only what cannot be written
        for cell in nb.cells:
            if cell.get("cell_type") == "code":
                cell["outputs"] = []
        result["outcome"]["notes"].append(f"the notebook's outputs could not be saved "
                                          f"({type(exc).__name__}); they were dropped")
        return json.dumps(result)


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


def _results_dir(course_dir: Path, assignment_id: str) -> Path:
    return course_dir / "engine" / assignment_id


def save_result(course_dir: Path, result: dict) -> None:
    write_json_atomic(_results_dir(course_dir, result["assignment"]) / f"{result['student']}.json",
                      result, indent=None)


def load_result(course_dir: Path, assignment_id: str, student_id: str) -> dict | None:
    path = _results_dir(course_dir, assignment_id) / f"{student_id}.json"
    try:
        return json.loads(path.read_text())
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

