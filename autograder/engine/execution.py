"""Run a submission in a real Jupyter kernel and collect its answers as plain data.

Cells run in order. At each autograded test cell the kernel runs the extraction
code for that question instead of the cell's source, so answers computed before
a later crash are already out of the kernel. Nothing raised by the student's
code stops the run; a dead kernel or the notebook time limit ends it with a
reason that is reported per question.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import time
from dataclasses import asdict, dataclass, field

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from autograder.course.config import Limits
from autograder.engine import kernel_side, wire
from autograder.engine.sandbox import Sandbox, compile_cache
from autograder.nbcells import grade_id, is_test_cell


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
    forged: dict[str, str] = field(default_factory=dict)  # grade_id -> why its answers were refused
    notes: list[str] = field(default_factory=list)  # about the whole run, for student and TA

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "RunOutcome":
        return cls(**d)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs inside `self.sandbox` (set before start)."""
    sandbox: Sandbox

    def format_kernel_cmd(self, extra_arguments=None):
        # bwrap's options (mounts, host paths) go in over a pipe (`--args FD`),
        # so the sandbox's pid 1 shows only `bwrap --args N <kernel command>`
        argv = self.sandbox.command(super().format_kernel_cmd(extra_arguments))
        end = argv.index("--")
        self._bwrap_options = argv[1:end]
        return [argv[0], "--args", "{options_fd}", *argv[end:]]

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
        read, write = os.pipe()
        os.write(write, b"".join(o.encode() + b"\0" for o in self._bwrap_options))
        os.close(write)
        kernel_cmd = [str(read) if a == "{options_fd}" else a for a in kernel_cmd]
        try:
            with open(self.sandbox.kernel_log, "ab") as log:
                kw["stdout"] = kw["stderr"] = log
                return await super()._async_launch_kernel(kernel_cmd, pass_fds=(read,), **kw)
        finally:
            os.close(read)

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
        return ("the Python kernel was killed (SIGKILL): by the notebook's own code "
                "(os.kill, os.killpg) or by the system when memory ran out")
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
    """nbclient that keeps at most `max_output` bytes of output per cell and
    `max_total` for the whole notebook, so printing in a loop cannot fill the
    grader's memory or the feedback. The answers of the test cell being graded
    (`extracting`) have their own limit and do not count: they leave the
    notebook as soon as the cell ends."""
    max_output = 4 * 2**20
    max_total = 16 * 2**20

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._used: dict[int, int] = {}
        self.total = 0
        self.truncated: list[int] = []
        self.total_cut = False
        self.extracting: int | None = None

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content") if isinstance(msg, dict) else None
        content = content if isinstance(content, dict) else {}
        size = len(json.dumps(content, default=str))
        data = content.get("data")
        if cell_index == self.extracting and isinstance(data, dict) and kernel_side.MIME in data:
            if size > wire.MAX_PAYLOAD:
                return None  # too large to be read: reported as unanswered
            return super().output(outs, msg, display_id, cell_index)
        used = self._used[cell_index] = self._used.get(cell_index, 0) + size
        self.total += size
        if used > self.max_output or self.total > self.max_total:
            if cell_index not in self.truncated:
                self.truncated.append(cell_index)
                why = (f"this cell printed more than {self.max_output // 2**20} MB"
                       if used > self.max_output else
                       f"the notebook printed more than {self.max_total // 2**20} MB in all")
                outs.append(nbformat.v4.new_output("stream", name="stderr",
                                                   text=f"[output cut here: {why}]\n"))
            self.total_cut |= self.total > self.max_total
            return None
        return super().output(outs, msg, display_id, cell_index)


def _answer_outputs(cell) -> list:
    return [out for out in cell.get("outputs", [])
            if isinstance(out.get("data"), dict) and kernel_side.MIME in out["data"]]


def _genuine_payload(cell, nonce: str) -> tuple[str | None, str | None]:
    """(answers JSON, None), or (None, why the cell's answers are refused), or
    (None, None) when the extraction sent nothing. Only one output carrying
    this cell's fresh secret counts; anything else in the answers format was
    made by the student's code (a thread, a hook, a patched display)."""
    found = _answer_outputs(cell)
    if not found:
        return None, None
    prefix = json.dumps({"nonce": nonce, "answers": None})[:-len("null}")]
    texts = [out["data"][kernel_side.MIME] for out in found]
    genuine = [t for t in texts if isinstance(t, str) and t.startswith(prefix) and t.endswith("}")]
    if len(found) > 1 or len(genuine) != 1:
        return None, ("output imitating the grader's answers appeared while this question "
                      "was being checked")
    return genuine[0][len(prefix):-1], None


def _error_of(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            if out.get("ename") == "TimeoutError":
                return "checking this answer ran past the cell's time limit"
            return f"checking this answer raised {out.get('ename')}"
    return "this part of the notebook did not run"


def _run_cells(client, nb, outcome, seed, extraction, cell_timeout, notebook_timeout, start,
               on_cell=None):
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
        gid = grade_id(cell)
        if is_test_cell(cell) and gid in extraction:
            source, nonce = cell.source, secrets.token_hex(16)
            cell.source = kernel_side.with_nonce(extraction[gid], nonce)
            began = time.monotonic()
            client.extracting = index
            try:
                client.execute_cell(cell, index, store_history=False)
            finally:
                cell.source = source
                client.extracting = None
                outcome.extract_seconds += time.monotonic() - began
            text, forged = _genuine_payload(cell, nonce)
            if forged:
                outcome.forged[gid] = forged
            elif text is not None:
                outcome.payloads[gid] = text
            else:
                outcome.unanswered[gid] = _error_of(cell)
            cell.outputs = []
        else:
            client.execute_cell(cell, index)
            imitations = _answer_outputs(cell)
            if imitations:  # never read as answers; a sign of tampering
                cell.outputs = [o for o in cell.outputs if o not in imitations]
                outcome.notes.append(f"cell {index + 1} displayed output imitating the "
                                     "grader's answers; it was removed")
        if on_cell is not None:  # progress for whoever waits (validate)
            on_cell(index, cell)
        crowd = client.km.sandbox.leftover_processes()
        if crowd:
            outcome.stopped = (f"the notebook left {crowd} processes running after a cell "
                               "(a fork bomb?); it was stopped")
            return


def run_submission(nb: nbformat.NotebookNode, *, sandbox: Sandbox, seed: int,
                   extraction: dict[str, str], cell_timeout: int,
                   notebook_timeout: int, on_cell=None) -> RunOutcome:
    """Execute `nb` in place in `sandbox`; `extraction` maps test-cell grade_id -> kernel code.
    `on_cell(index, cell)` is called after each code cell has run."""
    outcome = RunOutcome()
    client = LimitedClient(
        nb, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": "TimeoutError", "evalue": "this cell ran past its time limit",
                          "traceback": ["TimeoutError: this cell ran past its time limit"]},
        resources={"metadata": {"path": str(sandbox.home)}}, record_timing=False,
        kernel_manager_class=SandboxedKernelManager, shutdown_kernel="immediate")
    client.max_output = sandbox.limits.output_mb * 2**20
    client.max_total = sandbox.limits.notebook_output_mb * 2**20
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
                           notebook_timeout, start, on_cell)
            except DeadKernelError:
                time.sleep(0.5)  # let the sandbox finish exiting so its status is known
                outcome.stopped = _death_reason(client.km)
            except CellTimeoutError:
                outcome.stopped = "a cell ran past its time limit and could not be interrupted"
    except DeadKernelError:
        outcome.stopped = _death_reason(client.km)
    except RuntimeError as exc:  # kernel failed to start or reply
        outcome.stopped = f"the Python kernel stopped responding ({exc})"
    except Exception as exc:  # noqa: BLE001 - e.g. a patched json module garbling the kernel's messages
        outcome.stopped = ("the notebook broke the kernel's messages to the grader "
                           f"({type(exc).__name__}); was a module such as json patched?")
    if outcome.stopped and sandbox.kernel_log.exists():
        outcome.kernel_log = sandbox.kernel_log.read_text(errors="replace")[-3000:]
    if not outcome.stopped:
        outcome.stopped_at = None
    outcome.seconds = time.monotonic() - start
    outcome.truncated = list(client.truncated)
    if client.total_cut:
        outcome.notes.append(f"the notebook printed more than {sandbox.limits.notebook_output_mb} MB "
                             "of output in all; the rest was dropped")
    return outcome


def execute_sandboxed(nb: nbformat.NotebookNode, *, seed: int, extraction: dict[str, str],
                      data: dict[str, bytes], cell_timeout: int, notebook_timeout: int,
                      limits: Limits, trusted: bool = False, on_cell=None) -> RunOutcome:
    """Run `nb` in place in a fresh sandbox holding only `data` (file name -> bytes).
    Everything in and out is plain data, so this runs the same on a Dask worker."""
    box = Sandbox(limits, notebook_timeout, seed, data, compile_cache(), trusted)
    try:
        return run_submission(nb, sandbox=box, seed=seed, extraction=extraction,
                              cell_timeout=cell_timeout, notebook_timeout=notebook_timeout,
                              on_cell=on_cell)
    finally:
        box.cleanup()
