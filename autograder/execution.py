"""Run a submission in a real Jupyter kernel and collect its answers as plain data.

Cells run in order. At each autograded test cell the kernel runs the extraction
code for that question instead of the cell's source, so answers computed before
a later crash are already out of the kernel. Nothing raised by the student's
code stops the run; a dead kernel or the notebook time limit ends it with a
reason that is reported per question.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from . import kernel_side
from .nbcells import grade_id, is_test_cell


@dataclass
class RunOutcome:
    payloads: dict[str, str] = field(default_factory=dict)  # grade_id -> JSON text
    stopped: str | None = None      # why execution ended early, student-facing
    stopped_at: int | None = None   # index of the cell that was running
    seconds: float = 0.0


def _payload(cell) -> str | None:
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if kernel_side.MIME in data:
            return data[kernel_side.MIME]
    return None


def run_submission(nb: nbformat.NotebookNode, *, cwd: Path, seed: int,
                   extraction: dict[str, str], cell_timeout: int,
                   notebook_timeout: int) -> RunOutcome:
    """Execute `nb` in place; `extraction` maps test-cell grade_id -> kernel code."""
    outcome = RunOutcome()
    client = NotebookClient(
        nb, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": "TimeoutError", "evalue": "this cell ran past its time limit",
                          "traceback": ["TimeoutError: this cell ran past its time limit"]},
        resources={"metadata": {"path": str(cwd)}}, record_timing=False)
    # IPC sockets in the private work folder instead of TCP ports on localhost
    client.km = client.create_kernel_manager()
    client.km.transport = "ipc"
    client.km.ip = str(Path(cwd) / ".kernel-ipc")
    start = time.monotonic()
    index = None  # the cell running when execution stops early
    try:
        with client.setup_kernel():
            # nbclient writes each executed cell back into nb.cells[index], so the
            # seeding prologue runs as a temporary first cell
            nb.cells.insert(0, nbformat.v4.new_code_cell(kernel_side.prologue(seed)))
            try:
                client.execute_cell(nb.cells[0], 0, store_history=False)
            finally:
                nb.cells.pop(0)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                left = notebook_timeout - (time.monotonic() - start)
                if left <= 1:
                    outcome.stopped = "the notebook ran past its total time limit"
                    outcome.stopped_at = index
                    break
                client.timeout = int(min(cell_timeout, left))
                if is_test_cell(cell) and grade_id(cell) in extraction:
                    source = cell.source
                    cell.source = extraction[grade_id(cell)]
                    try:
                        client.execute_cell(cell, index, store_history=False)
                    finally:
                        cell.source = source
                    text = _payload(cell)
                    cell.outputs = []
                    if text is not None:
                        outcome.payloads[grade_id(cell)] = text
                else:
                    client.execute_cell(cell, index)
    except DeadKernelError:
        outcome.stopped = "the Python kernel died (a crash, os._exit, or running out of memory)"
        outcome.stopped_at = index
    except CellTimeoutError:
        outcome.stopped = "a cell ran past its time limit and could not be interrupted"
        outcome.stopped_at = index
    except RuntimeError as exc:  # kernel failed to start or reply
        outcome.stopped = f"the Python kernel stopped responding ({type(exc).__name__})"
        outcome.stopped_at = index
    outcome.seconds = time.monotonic() - start
    return outcome
