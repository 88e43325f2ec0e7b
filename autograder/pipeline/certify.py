"""Instructor: certify a homework's false-fail rate with thousands of correct runs,
by asking one kernel many times over for the graded answers.

A kernel run per correct submission is too slow for the ~3,000 runs that bound a
rate of 1e-3 (with no false fail in K runs the rate is below 1 - 0.05^(1/K) ≈ 3/K
with 95% confidence). Most of a submission's randomness, though, enters through
the grader's calls: fresh probes and fresh seeds handed to the student's functions
under each grading seed. So the reference notebook runs once per kernel, and its
test cells are then repeated, each copy extracting the answers under another
grading seed; every copy is graded as a submission of its own (all its questions
under that seed). Questions whose answers do not change with the grading seed are
fixed by the notebook run itself (a fitted model, a data file): their noise is not
re-drawn, so they are counted once per kernel and reported apart, and the kernel
runs of `course calibrate` remain their check.

A certificate takes hours (docs/benchmarks.md), so each kernel's tally is appended
to a ledger (one JSON line per kernel, beside the doc it writes: with --write-docs
docs/certificates/HW.jsonl, kept with the repository) as soon as it is graded. A
run that stops keeps every finished kernel, and the next run of the same command
goes on from there: kernel k's seeds depend on k alone, so a certificate built over
several sessions is the one a single run would have built. Lines are only used
while the fingerprint of what they certify (the checks, the reference solution,
the notebook, the spend and the copies per kernel) is unchanged.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from scipy import stats

from autograder.authoring.source import build_source_notebook
from autograder.course.config import Course
from autograder.engine.jobs import SandboxRun
from autograder.grading.answers import decode_payload
from autograder.grading.submission import extraction_for, read_data
from autograder.grading.verdict import grade_question
from autograder.homework import load_homework
from autograder.nbcells import grade_id, is_test_cell
from autograder.seeds import derive_seed

console = Console()
CONFIDENCE = 0.95


def upper_bound(fails: int, runs: int, confidence: float = CONFIDENCE) -> float:
    """One-sided Clopper-Pearson upper bound on a rate seen `fails` times in `runs`."""
    if runs <= 0:
        return 1.0
    if fails >= runs:
        return 1.0
    return float(stats.beta.ppf(confidence, fails + 1, runs - fails))


@dataclass
class Certificate:
    assignment: str
    budget: float                      # the rate the course promises (course.yml's top level)
    spend: float                       # what the assignment's checks spend by design
    kernels: int = 0
    runs: int = 0                      # simulated submissions (copies graded under a seed)
    false_fail_runs: int = 0
    lost: dict = field(default_factory=dict)        # grade_id -> runs that lost points there
    redrawn: list = field(default_factory=list)     # questions whose answers the seed re-draws
    fixed: list = field(default_factory=list)       # questions fixed by the notebook run
    fixed_fails: int = 0                            # kernels whose fixed questions lost points
    stopped: list = field(default_factory=list)
    seconds: float = 0.0               # kernel time, over every session that added kernels
    resumed: int = 0                   # kernels taken from the ledger, not run this time

    @property
    def bound(self) -> float:
        return upper_bound(self.false_fail_runs, self.runs)

    @property
    def certified(self) -> bool:
        return self.bound <= self.budget


def _copies(nb, hw, per_kernel: int):
    """The notebook with every graded test cell repeated `per_kernel` times at its end,
    copy k's grade_id `gid#k`."""
    tests = [c for c in nb.cells if is_test_cell(c) and grade_id(c) in hw.questions]
    for k in range(per_kernel):
        for i, cell in enumerate(tests):
            dup = copy.deepcopy(cell)
            dup.metadata.nbgrader["grade_id"] = f"{grade_id(cell)}#{k}"
            if "id" in dup:
                dup["id"] = f"certify-{k}-{i}"
            nb.cells.append(dup)
    return nb


@dataclass
class KernelTally:
    """One kernel's share of a certificate, and the ledger's line: made by _one_kernel
    or read back by read_ledger, added into the Certificate by _add."""
    kernel: int
    runs: int = 0
    false_fail_runs: int = 0
    lost: dict = field(default_factory=dict)
    redrawn: list = field(default_factory=list)
    fixed: list = field(default_factory=list)
    fixed_fail: bool = False
    stopped: str = ""
    seconds: float = 0.0


def _add(cert: Certificate, t: KernelTally) -> None:
    cert.kernels += 1
    cert.runs += t.runs
    cert.false_fail_runs += t.false_fail_runs
    for gid, n in t.lost.items():
        cert.lost[gid] = cert.lost.get(gid, 0) + n
    cert.redrawn = sorted(set(cert.redrawn) | set(t.redrawn))
    cert.fixed = sorted(set(cert.fixed) | set(t.fixed))
    cert.fixed_fails += t.fixed_fail
    cert.seconds += t.seconds
    if t.stopped:
        cert.stopped.append(t.stopped)


def fingerprint(a, per_kernel: int) -> str:
    """What a ledger line certifies: the checks, the reference solution and the notebook
    (their bytes), the share of the budget the checks spend and the copies per kernel."""
    h = hashlib.sha256()
    for path in (a.checks, a.solution, a.notebook):
        h.update(Path(path).read_bytes() if path and Path(path).is_file() else b"-")
    h.update(f"{a.false_fail_budget!r}:{per_kernel}".encode())
    return h.hexdigest()[:16]


def ledger_path(doc: Path, assignment_id: str) -> Path:
    return doc.parent / "certificates" / f"{assignment_id}.jsonl"


def read_ledger(path: Path, mark: str) -> tuple[dict[int, KernelTally], int]:
    """The kernels recorded for this fingerprint, and how many lines were for another."""
    done, other = {}, 0
    if not path.is_file():
        return done, other
    names = {f.name for f in dataclasses.fields(KernelTally)}
    for line in path.read_text().splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue   # a line cut short when a run was killed mid-write
        if rec.get("fingerprint") != mark:
            other += 1
            continue
        tally = KernelTally(**{k: v for k, v in rec.items() if k in names})
        done[tally.kernel] = tally
    return done, other


def _record(path: Path, mark: str, tally: KernelTally) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fh.write(json.dumps({"fingerprint": mark, "date": f"{date.today():%Y-%m-%d}",
                             **dataclasses.asdict(tally)}) + "\n")


def _one_kernel(a, hw, kernel: int, per_kernel: int, progress, task) -> KernelTally:
    seed = derive_seed("certify", a.id, "kernel", kernel)
    ctxs = [hw.context(derive_seed("certify", a.id, kernel, k), a.false_fail_budget)
            for k in range(per_kernel)]
    base_ctx = hw.context(seed, a.false_fail_budget)
    extraction = dict(extraction_for(hw, base_ctx))
    for k, ctx in enumerate(ctxs):
        extraction.update({f"{gid}#{k}": code for gid, code in extraction_for(hw, ctx).items()})
    longer = dataclasses.replace(a, notebook_timeout=a.notebook_timeout + per_kernel * a.cell_timeout)
    run = SandboxRun.for_assignment(longer, seed, extraction, read_data(a.datasets))
    start = time.monotonic()
    outcome = run.execute(_copies(build_source_notebook(a), hw, per_kernel), trusted=True)
    tally = KernelTally(kernel)
    if outcome.stopped:
        tally.stopped = f"kernel {kernel} (seed {seed}): {outcome.stopped}"
    payloads = outcome.payloads
    # a question is re-drawn by the grading seed when its copies' answers differ
    tally.redrawn = [gid for gid in hw.questions
                     if len({payloads.get(f"{gid}#{k}") for k in range(min(per_kernel, 3))}) > 1]
    tally.fixed = [gid for gid in hw.questions if gid not in tally.redrawn]
    points = a.questions

    def lost(gid, text, ctx) -> bool:
        try:
            answers = decode_payload(text) if text is not None else None
        except ValueError as exc:
            answers = exc
        res = grade_question(hw.questions[gid], answers, ctx, points[gid],
                             None if text is not None else "no answer was extracted")
        return res.points < res.max_points

    tally.fixed_fail = any(lost(gid, payloads.get(gid), base_ctx) for gid in tally.fixed)
    for k, ctx in enumerate(ctxs if tally.redrawn else []):
        # nothing re-drawn by the grading seed: only kernel runs can show the rate
        if not any(f"{gid}#{k}" in payloads for gid in tally.redrawn):
            break  # the kernel stopped before this copy: not a run
        failed = [gid for gid in tally.redrawn if lost(gid, payloads.get(f"{gid}#{k}"), ctx)]
        tally.runs += 1
        tally.false_fail_runs += bool(failed)
        for gid in failed:
            tally.lost[gid] = tally.lost.get(gid, 0) + 1
        progress.advance(task)
    tally.seconds = round(time.monotonic() - start, 1)
    return tally


def certify(course: Course, assignment_id: str, runs: int = 3000, per_kernel: int = 200,
            doc: Path | None = None, show_progress: bool = True) -> Certificate:
    """`runs` simulated correct submissions, `per_kernel` to a kernel run; with a `doc`,
    kernels already in its ledger are taken from there (module doc)."""
    a = course.assignment(assignment_id)
    hw = load_homework(a.checks)
    cert = Certificate(a.id, course.false_fail_budget, a.false_fail_budget)
    per_kernel = min(per_kernel, runs)   # every kernel the same size, so the ledger's lines are alike
    mark = fingerprint(a, per_kernel)
    ledger = ledger_path(doc, a.id) if doc is not None else None
    done, other = read_ledger(ledger, mark) if ledger is not None else ({}, 0)
    if other:
        console.print(f"{ledger}: {other} kernel(s) recorded for other checks, a notebook or a "
                      "spend since changed; not used", highlight=False)
    with Progress(disable=not show_progress) as progress:
        task = progress.add_task(f"{a.id}: simulated correct submissions", total=runs)
        for kernel in range(math.ceil(runs / per_kernel)):
            if kernel in done:
                tally = done[kernel]
                cert.resumed += 1
                progress.advance(task, tally.runs)
            else:
                tally = _one_kernel(a, hw, kernel, per_kernel, progress, task)
                if ledger is not None:
                    _record(ledger, mark, tally)
            _add(cert, tally)
    if cert.resumed:
        console.print(f"{cert.resumed} of {cert.kernels} kernel(s) taken from {ledger}",
                      highlight=False)
    if doc is not None:
        from autograder.pipeline.calibrate import update_doc
        update_doc(doc, f"certificate-{a.id}", render(cert, per_kernel, ledger))
    console.print(summary(cert), highlight=False, soft_wrap=True)
    return cert


def spent(cert: Certificate) -> str:
    if cert.spend < cert.budget:
        return f" (the checks spend {cert.spend:g}, course.yml)"
    if cert.certified:
        return " (the checks spend all of it)"
    # a correct answer at the SE bound fails at about the spend: no run count bounds it below
    return (" (the checks spend all of it, so a certificate may need them to spend less: "
            "docs/statistics.md, \"The promise and the spend\")")


def summary(cert: Certificate) -> str:
    verdict = ("certifies" if cert.certified else "does NOT certify")
    return (f"{cert.assignment}: {cert.false_fail_runs} false fail(s) in {cert.runs} simulated correct "
            f"submissions ({cert.kernels} kernels, {cert.seconds:.0f} s): the rate is below "
            f"{cert.bound:.2g} with {CONFIDENCE:.0%} confidence, which {verdict} the budget "
            f"{cert.budget:g}{spent(cert)}" + (f"; questions fixed by the notebook run (not re-drawn): "
                                  f"{', '.join(cert.fixed)}, {cert.fixed_fails} of {cert.kernels} "
                                  "kernels lost points there" if cert.fixed else ""))


def render(cert: Certificate, per_kernel: int, ledger: Path | None = None) -> str:
    lines = [
        f"## {cert.assignment}: certified false-fail rate",
        "",
        f"Command: `course certify {cert.assignment} --runs {cert.runs} --per-kernel {per_kernel}` "
        f"({date.today():%Y-%m-%d}, 2-core CPU machine, {cert.seconds:.0f} s)",
        "",
        f"- {cert.runs} simulated correct submissions in {cert.kernels} kernel runs of the reference "
        f"(each copy of the test cells answers under its own grading seed: fresh probes, fresh "
        f"seeds for the student's functions): **{cert.false_fail_runs} false fail(s)**.",
        f"- The false-fail rate is below **{cert.bound:.2g}** with {CONFIDENCE:.0%} confidence "
        f"(one-sided Clopper-Pearson); the budget is {cert.budget:g}{spent(cert)}: "
        f"{'certified' if cert.certified else 'not certified'}.",
        f"- Questions re-drawn by the grading seed: {', '.join(cert.redrawn) or 'none'}.",
    ]
    if ledger is not None:
        rel = ledger.relative_to(ledger.parents[1]) if len(ledger.parents) > 1 else ledger
        lines.append(f"- Each kernel's tally is in `{rel}` ({cert.kernels} kernels, "
                     f"{cert.resumed} of them from earlier runs); the same command goes on "
                     "from there.")
    if cert.fixed:
        lines.append(f"- Fixed by the notebook run (counted once per kernel, not in the bound): "
                     f"{', '.join(cert.fixed)}; {cert.fixed_fails} of {cert.kernels} kernels lost "
                     "points there. Their check is `course calibrate`'s kernel runs.")
    if cert.lost:
        lines.append("- Lost points, by question: "
                     + ", ".join(f"{g}: {n}" for g, n in sorted(cert.lost.items())))
    if cert.stopped:
        lines.append(f"- Kernels that stopped early: {'; '.join(cert.stopped)}")
    lines.append("")
    return "\n".join(lines)
