"""Run a submission in a real Jupyter kernel and collect its answers as plain data.

Cells run in order. At each autograded test cell the kernel runs the extraction
code for that question instead of the cell's source, so answers computed before
a later crash are already out of the kernel. Nothing raised by the student's
code stops the run; a dead kernel or the notebook time limit ends it with a
reason that is reported per question.
"""
from __future__ import annotations

import json
import signal
import time
from dataclasses import asdict, dataclass, field

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from . import kernel_side
from .nbcells import grade_id, is_test_cell
from .sandbox import Limits, Sandbox, compile_cache

PAYLOAD_LIMIT = 64 * 2**20  # extracted answers per test cell


@dataclass
class RunOutcome:
    payloads: dict[str, str] = field(default_factory=dict)  # grade_id -> JSON text
    stopped: str | None = None      # why execution ended early, student-facing
    stopped_at: int | None = None   # index of the cell that was running
    seconds: float = 0.0
    truncated: list[int] = field(default_factory=list)  # cells whose output was cut
    extract_seconds: float = 0.0  # spent in test cells pulling answers out
    kernel_log: str = ""  # the kernel process's own output when it failed (for TAs)
    unanswered: dict[str, str] = field(default_factory=dict)  # grade_id -> why no answers came out

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "RunOutcome":
        return cls(**d)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs inside `self.sandbox` (set before start)."""
    sandbox: Sandbox

    def format_kernel_cmd(self, extra_arguments=None):
        return self.sandbox.command(super().format_kernel_cmd(extra_arguments))

    async def _async_interrupt_kernel(self):
        # A SIGINT to the process group would also hit bwrap and end the whole
        # sandbox; ask the kernel to interrupt itself over its control channel.
        if self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"
        return await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel  # jupyter_client binds these by name

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # the kernel's own stdout/stderr (not the notebook's) go to a log file,
        # whose tail explains a crash, instead of the grader's terminal
        with open(self.sandbox.kernel_log, "ab") as log:
            kw["stdout"] = kw["stderr"] = log
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    _launch_kernel = _async_launch_kernel

    def exit_status(self) -> int | None:
        process = getattr(self.provisioner, "process", None)
        return process.poll() if process is not None else None


def _death_reason(km: SandboxedKernelManager) -> str:
    """Why the kernel died, in words, from its exit status (bwrap passes on
    the kernel's code, or 128 + the signal that killed it)."""
    code = km.exit_status()
    if code in (128 + signal.SIGXCPU, -signal.SIGXCPU):
        return "the Python kernel used up its CPU-time limit"
    if code in (128 + signal.SIGKILL, -signal.SIGKILL):
        return "the Python kernel was killed, usually for running out of memory"
    if code in (128 + signal.SIGXFSZ, -signal.SIGXFSZ):
        return "the Python kernel wrote a file larger than the limit"
    if code is not None and code > 128:
        try:
            return f"the Python kernel crashed ({signal.Signals(code - 128).name})"
        except ValueError:
            return f"the Python kernel crashed (status {code})"
    if code is not None:
        return f"the Python kernel exited with status {code} (os._exit, exit() or a crash)"
    return "the Python kernel died (a crash, os._exit, or running out of memory)"


class LimitedClient(NotebookClient):
    """nbclient that keeps at most `max_output` bytes of output per cell, so a
    cell printing in a loop cannot fill the grader's memory or the feedback."""
    max_output = 4 * 2**20

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._used: dict[int, int] = {}
        self.truncated: list[int] = []

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(json.dumps(content, default=str))
        used = self._used[cell_index] = self._used.get(cell_index, 0) + size
        payload = kernel_side.MIME in content.get("data", {})
        if used > (PAYLOAD_LIMIT if payload else self.max_output):
            if cell_index not in self.truncated:
                self.truncated.append(cell_index)
                outs.append(nbformat.v4.new_output(
                    "stream", name="stderr",
                    text=f"[output cut here: this cell printed more than "
                         f"{self.max_output // 2**20} MB]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


def _payload(cell) -> str | None:
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if kernel_side.MIME in data:
            return data[kernel_side.MIME]
    return None


def _error_of(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            if out.get("ename") == "TimeoutError":
                return "checking this answer ran past the cell's time limit"
            return f"checking this answer raised {out.get('ename')}"
    return "this part of the notebook did not run"


def _run_cells(client, nb, outcome, seed, extraction, cell_timeout, notebook_timeout, start):
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
        outcome.stopped_at = index  # the cell running if execution stops early
        left = notebook_timeout - (time.monotonic() - start)
        if left <= 1:
            outcome.stopped = "the notebook ran past its total time limit"
            return
        client.timeout = int(min(cell_timeout, left))
        if is_test_cell(cell) and grade_id(cell) in extraction:
            source = cell.source
            cell.source = extraction[grade_id(cell)]
            began = time.monotonic()
            try:
                client.execute_cell(cell, index, store_history=False)
            finally:
                cell.source = source
                outcome.extract_seconds += time.monotonic() - began
            text = _payload(cell)
            if text is not None:
                outcome.payloads[grade_id(cell)] = text
            else:
                outcome.unanswered[grade_id(cell)] = _error_of(cell)
            cell.outputs = []
        else:
            client.execute_cell(cell, index)
        crowd = client.km.sandbox.leftover_processes()
        if crowd:
            outcome.stopped = (f"the notebook left {crowd} processes running after a cell "
                               "(a fork bomb?); it was stopped")
            return


def run_submission(nb: nbformat.NotebookNode, *, sandbox: Sandbox, seed: int,
                   extraction: dict[str, str], cell_timeout: int,
                   notebook_timeout: int) -> RunOutcome:
    """Execute `nb` in place in `sandbox`; `extraction` maps test-cell grade_id -> kernel code."""
    outcome = RunOutcome()
    client = LimitedClient(
        nb, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": "TimeoutError", "evalue": "this cell ran past its time limit",
                          "traceback": ["TimeoutError: this cell ran past its time limit"]},
        resources={"metadata": {"path": str(sandbox.home)}}, record_timing=False,
        kernel_manager_class=SandboxedKernelManager, shutdown_kernel="immediate")
    client.max_output = sandbox.limits.output_mb * 2**20
    # IPC sockets in the sandbox's socket folder: the kernel has no network at all
    client.km = client.create_kernel_manager()
    client.km.sandbox = sandbox
    client.km.transport = "ipc"
    client.km.ip = sandbox.ipc_prefix
    client.km.connection_file = sandbox.connection_file
    start = time.monotonic()
    try:
        with client.setup_kernel():
            try:
                _run_cells(client, nb, outcome, seed, extraction, cell_timeout,
                           notebook_timeout, start)
            except DeadKernelError:
                time.sleep(0.5)  # let the sandbox finish exiting so its status is known
                outcome.stopped = _death_reason(client.km)
            except CellTimeoutError:
                outcome.stopped = "a cell ran past its time limit and could not be interrupted"
    except DeadKernelError:
        outcome.stopped = _death_reason(client.km)
    except RuntimeError as exc:  # kernel failed to start or reply
        outcome.stopped = f"the Python kernel stopped responding ({exc})"
    if outcome.stopped and sandbox.kernel_log.exists():
        outcome.kernel_log = sandbox.kernel_log.read_text(errors="replace")[-3000:]
    if not outcome.stopped:
        outcome.stopped_at = None
    outcome.seconds = time.monotonic() - start
    outcome.truncated = list(client.truncated)
    return outcome


def execute_sandboxed(nb: nbformat.NotebookNode, *, seed: int, extraction: dict[str, str],
                      data: dict[str, bytes], cell_timeout: int, notebook_timeout: int,
                      limits: Limits, trusted: bool = False) -> RunOutcome:
    """Run `nb` in place in a fresh sandbox holding only `data` (file name -> bytes).
    Everything in and out is plain data, so this runs the same on a Dask worker."""
    box = Sandbox(limits, notebook_timeout, seed, data, compile_cache(), trusted)
    try:
        return run_submission(nb, sandbox=box, seed=seed, extraction=extraction,
                              cell_timeout=cell_timeout, notebook_timeout=notebook_timeout)
    finally:
        box.cleanup()
