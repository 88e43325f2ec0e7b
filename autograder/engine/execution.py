"""Run a submission in a real Jupyter kernel and collect its answers as plain data.

Cells run in order. At each autograded test cell the kernel runs the extraction
code for that question instead of the cell's source, so answers computed before
a later crash are already out of the kernel. Nothing raised by the student's
code stops the run; a dead kernel, a kernel that ignores the interrupt at a
cell's time limit, or the notebook time limit ends it with a reason that is
reported per question.

What the kernel sends is held to budgets as it arrives (output size per cell
and per notebook, JSON nesting), and the executed notebook leaves here with
its outputs already inert (safehtml.inert_outputs), so the costly sanitising
runs in the worker, in parallel, not in the grader's single-writer record step.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import time
from dataclasses import asdict, dataclass, field

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellTimeoutError, DeadKernelError

from autograder import safehtml
from autograder.course.config import Limits
from autograder.engine import kernel_side, wire
from autograder.engine.stages import Staged, go_on, merge
from autograder.engine.sandbox import Sandbox, compile_cache, sweep_abandoned
from autograder.nbcells import grade_id, is_test_cell

log = logging.getLogger(__name__)
MAX_JSON_DEPTH = 32  # nesting of one displayed output as the kernel sends it; nbformat needs 3
# after an interrupt at a cell's time limit, how long the kernel has to stop
# and say so before it counts as not responding
INTERRUPT_GRACE = 10


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
    outputs_inert: bool = False  # the outputs were made inert here (the record step need not)

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
        return [*self.sandbox.launch_prefix(), argv[0], "--args", "{options_fd}", *argv[end:]]

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
    if km.sandbox.out_of_memory():
        limits, crowd = km.sandbox.limits, km.sandbox.crowded()
        held = (f"the sandbox holds at most {limits.memory_mb + limits.disk_mb} MB, files written "
                "to its home and /tmp included")
        if crowd:
            return (f"the notebook started {crowd} processes at once (a fork bomb?) and the "
                    f"sandbox ran out of memory ({held}); it was stopped")
        return f"the Python kernel ran out of memory: {held}"
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
        self.too_deep: list[int] = []  # cells whose output was nested too deeply to keep
        self.timed_out = False  # this cell hit its time limit and was interrupted
        self.finished = False   # the kernel said this cell is done (idle)

    def run_cell(self, cell, cell_index, **kwargs):
        """execute_cell, with this cell's timeout and completion flags reset."""
        self.timed_out = self.finished = False
        return self.execute_cell(cell, cell_index, **kwargs)

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def process_message(self, msg, cell, cell_index):
        try:
            return super().process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            self.finished = True
            raise

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content") if isinstance(msg, dict) else None
        content = content if isinstance(content, dict) else {}
        size = _size_within(content, MAX_JSON_DEPTH)
        if size is None:  # nothing downstream reads JSON this deep (nbformat needs 3 levels)
            if cell_index not in self.too_deep:
                self.too_deep.append(cell_index)
                outs.append(nbformat.v4.new_output(
                    "stream", name="stderr", text="[output dropped here: it was nested more than "
                    f"{MAX_JSON_DEPTH} levels deep]\n"))
            return None
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


def _size_within(value, max_depth: int) -> int | None:
    """About how many bytes `value` (decoded JSON) takes, or None when it is
    nested deeper than `max_depth`. Iterative: depth itself cannot break it."""
    size, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return None
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, dict):
            size += 2
            stack.extend((v, depth + 1) for v in item.values())
            size += sum(len(k) + 4 if isinstance(k, str) else 8 for k in item)
        elif isinstance(item, list):
            size += 2
            stack.extend((v, depth + 1) for v in item)
        else:
            size += 8
    return size


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


def _error_of(cell, timed_out: bool, seconds: int) -> str:
    """Why a test cell sent no answers. The grader knows when it interrupted
    the cell at its time limit: that is said as such, whatever the
    KeyboardInterrupt it caused looks like in the cell's output."""
    if timed_out:
        return f"checking this answer ran past its time limit ({seconds} s)"
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"checking this answer raised {safehtml.quote(str(out.get('ename')), 40)[1:-1]}"
    return "this part of the notebook did not run"


def _unresponsive(index: int, seconds: int) -> str:
    return (f"the kernel stopped responding after cell {index + 1} hit its time limit "
            f"({seconds} s): it did not stop when interrupted, so it was shut down")


def _run_cells(client, nb, outcome, seed, extraction, cell_timeout, notebook_timeout, start,
               on_cell=None):
    # nbclient writes each executed cell back into nb.cells[index], so the
    # seeding prologue runs as a temporary first cell
    nb.cells.insert(0, nbformat.v4.new_code_cell(kernel_side.prologue(seed)))
    client.timeout = cell_timeout
    try:
        client.run_cell(nb.cells[0], 0, store_history=False)
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
        cell.source = safehtml.valid_text(cell.source)  # a lone surrogate cannot be sent
        gid = grade_id(cell)
        if is_test_cell(cell) and gid in extraction:
            _extract(client, cell, index, gid, extraction[gid], outcome)
        else:
            client.run_cell(cell, index)
            imitations = _answer_outputs(cell)
            if imitations:  # never read as answers; a sign of tampering
                cell.outputs = [o for o in cell.outputs if o not in imitations]
                outcome.notes.append(f"cell {index + 1} displayed output imitating the "
                                     "grader's answers; it was removed")
        if on_cell is not None:  # progress for whoever waits (validate)
            on_cell(index, cell)
        if client.timed_out and not client.finished:
            # the kernel swallowed the interrupt: every later cell would queue
            # behind this one and wait out its own limit
            outcome.stopped = _unresponsive(index, client.timeout)
            return
        crowd = client.km.sandbox.leftover_processes()
        if crowd:
            outcome.stopped = (f"the notebook left {crowd} processes running after a cell "
                               "(a fork bomb?); it was stopped")
            return


def _extract(client, cell, index: int, gid: str, code: str | Staged, outcome: RunOutcome) -> None:
    """Run a test cell's extraction in place of its source, in stages when the question
    has them (engine/stages.py: the next stage only while the answer is not yet
    rejected, all of them within the cell's time limit); the answers go to
    `outcome.payloads` as one payload, or why there are none."""
    codes = code.codes if isinstance(code, Staged) else (code,)
    source, limit, texts = cell.source, client.timeout, []
    began = time.monotonic()
    client.extracting = index
    try:
        for k, stage_code in enumerate(codes):
            if k and not go_on(texts, code):
                break
            client.timeout = max(1, int(limit - (time.monotonic() - began)))
            nonce = secrets.token_hex(16)
            cell.source = kernel_side.for_cell(stage_code, nonce, client.timeout)
            client.run_cell(cell, index, store_history=False)
            text, forged = _genuine_payload(cell, nonce)
            if forged:
                outcome.forged[gid] = forged
                return
            if text is None:
                if not texts:
                    outcome.unanswered[gid] = _error_of(cell, client.timed_out, client.timeout)
                break   # a later stage that sent nothing: the check sees where the stages end
            texts.append(safehtml.valid_text(text))
            if client.timed_out:
                break
    finally:
        cell.source = source
        client.extracting = None
        outcome.extract_seconds += time.monotonic() - began
        cell.outputs = []
    if texts:
        try:
            outcome.payloads[gid] = merge(texts, code if isinstance(code, Staged) else None)
        except ValueError:   # a stage's payload that is not JSON: the first, as it came
            outcome.payloads[gid] = texts[0]


def run_submission(nb: nbformat.NotebookNode, *, sandbox: Sandbox, seed: int,
                   extraction: dict[str, str | Staged], cell_timeout: int,
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
    client.iopub_timeout = INTERRUPT_GRACE  # how long an interrupted cell has to stop
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
                outcome.stopped = _unresponsive(outcome.stopped_at or 0, client.timeout)
    except DeadKernelError:
        outcome.stopped = _death_reason(client.km)
    except RuntimeError as exc:  # kernel failed to start or reply
        outcome.stopped = f"the Python kernel stopped responding ({exc})"
    except RecursionError:
        outcome.stopped = "the kernel sent a message nested too deeply to be read"
    except UnicodeError as exc:
        outcome.stopped = (f"the kernel sent text that is not valid Unicode ({type(exc).__name__}); "
                           "it could not be read")
    except Exception as exc:  # noqa: BLE001 - e.g. a patched json module garbling the kernel's messages
        outcome.stopped = ("the notebook broke the kernel's messages to the grader "
                           f"({type(exc).__name__}); was a module such as json patched?")
    if outcome.stopped:
        outcome.kernel_log = sandbox.kernel_log_tail()
    if not outcome.stopped:
        outcome.stopped_at = None
    outcome.seconds = time.monotonic() - start
    outcome.truncated = list(client.truncated)
    if client.total_cut:
        outcome.notes.append(f"the notebook printed more than {sandbox.limits.notebook_output_mb} MB "
                             "of output in all; the rest was dropped")
    outcome.notes += [f"cell {i + 1} displayed output nested more than {MAX_JSON_DEPTH} levels "
                      "deep; it was dropped" for i in client.too_deep]
    make_inert(nb, outcome)
    return outcome


def make_inert(nb: nbformat.NotebookNode, outcome: RunOutcome) -> None:
    """Sanitise every output of the executed notebook, within one notebook's
    rendering budget (safehtml.Budget), noting what was shown as text."""
    budget = safehtml.Budget()
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell.outputs = safehtml.inert_outputs(cell.outputs, budget, f"cell {index + 1}")
    outcome.notes += [f"{cut}; it is shown as text" for cut in budget.cuts]
    outcome.outputs_inert = True


def execute_sandboxed(nb: nbformat.NotebookNode, *, seed: int, extraction: dict[str, str | Staged],
                      data: dict[str, bytes], cell_timeout: int, notebook_timeout: int,
                      limits: Limits, trusted: bool = False, on_cell=None) -> RunOutcome:
    """Run `nb` in place in a fresh sandbox holding only `data` (file name -> bytes).
    Everything in and out is plain data, so this runs the same on a Dask worker."""
    sweep_abandoned()
    box = Sandbox(limits, notebook_timeout, seed, data, compile_cache(), trusted)
    try:
        return run_submission(nb, sandbox=box, seed=seed, extraction=extraction,
                              cell_timeout=cell_timeout, notebook_timeout=notebook_timeout,
                              on_cell=on_cell)
    finally:
        if not box.cleanup():  # never raises: what ran is reported all the same
            log.warning("could not remove all of the sandbox folder %s", box.host)
