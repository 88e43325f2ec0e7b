"""Instructor: measure a homework's false-fail rate and its power against the
known wrong answers of the content brief, and record both in docs/calibration.md.

- False fails: the reference solution runs K times in a real kernel under K
  seeds; every lost point is a false fail. The budget predicts at most K x A.
- Detection: each registered wrong answer is applied to the answers of a real
  reference run under many seeds (its own sampling noise included), and the
  hidden checks grade it; the rate is the share of runs that lose points.
- Naming: on the first `name_runs` of those runs, the feedback's diagnosis
  (misconceptions.py) is run on each failed question; the rate is the share of
  failed questions whose feedback names this mistake (or one the student is told
  about in the same words).
- Wrong answers nobody registered: a correct run's answers changed in generic ways
  (grading/unregistered.py), plus any the instructor writes in a file, graded with
  that run's context; the report says which are caught and whether the feedback
  explains each in words (a named mistake or a description), and flags any number.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from autograder.authoring.source import build_source_notebook
from autograder.checks import z_critical
from autograder.course.config import Course
from autograder.errors import CourseError
from autograder.grading.answers import decode_payload
from autograder.grading.misconceptions import diagnose, is_told
from autograder.grading.submission import grade_notebook
from autograder.grading.unregistered import Unregistered, generic_wrong_answers, grade_unregistered
from autograder.grading.verdict import grade_values
from autograder.homework import load_homework
from autograder.seeds import derive_seed

console = Console()


@dataclass
class Calibration:
    assignment: str
    title: str
    runs: int
    wrong_runs: int
    budget: float
    total_checks: int
    false_fail_runs: int = 0
    lost: dict = field(default_factory=lambda: defaultdict(int))       # grade_id -> runs
    z_ratio: dict = field(default_factory=lambda: defaultdict(list))    # grade_id -> |z| / z_crit
    p_ratio: dict = field(default_factory=lambda: defaultdict(list))    # grade_id -> p / alpha (GOF)
    detection: dict = field(default_factory=dict)                       # label -> {grade_id: rate}
    naming: dict = field(default_factory=dict)                          # label -> (named, failed)
    stopped: list = field(default_factory=list)
    unregistered: list[Unregistered] = field(default_factory=list)

    @property
    def alpha(self) -> float:
        return self.budget / max(1, self.total_checks)


def _reference_runs(course: Course, a, hw, cal: Calibration, progress) -> tuple[dict, int | None]:
    """The first complete run's answers and its grading seed (what they answer)."""
    task = progress.add_task(f"{a.id}: reference runs", total=cal.runs)
    base, base_seed = None, None
    for i in range(cal.runs):
        seed = derive_seed("calibrate", a.id, i)
        outcome, results = grade_notebook(a, hw, build_source_notebook(a), seed)
        if outcome.stopped:
            cal.stopped.append(f"seed {seed}: {outcome.stopped}")
        if any(r.points < r.max_points for r in results):
            cal.false_fail_runs += 1
        for r in results:
            cal.lost[r.grade_id] += r.points < r.max_points
            for d in r.detail:
                if d.get("se") and d.get("z") and "value" in d and "truth" in d:
                    cal.z_ratio[r.grade_id].append(abs(d["value"] - d["truth"]) / (d["z"] * d["se"]))
                elif d.get("z_crit") and d.get("z") is not None:  # posterior vs reference posterior
                    cal.z_ratio[r.grade_id].append(abs(d["z"]) / d["z_crit"])
                if d.get("pvalue") is not None and d.get("alpha"):
                    cal.p_ratio[r.grade_id].append(d["pvalue"] / d["alpha"])
        if base is None and not outcome.stopped:
            base = {gid: decode_payload(text) for gid, text in outcome.payloads.items()}
            base_seed = seed
        progress.advance(task)
    return base or {}, base_seed


def _detection(a, hw, cal: Calibration, base: dict, progress, name_runs: int = 200) -> None:
    for label, mistake in hw.wrong_answers.items():
        task = progress.add_task(f"{a.id}: {label}", total=cal.wrong_runs)
        hits = defaultdict(int)
        touched = set()
        named = failed = 0
        for j in range(cal.wrong_runs):
            ctx = hw.context(derive_seed("wrong", a.id, label, j), cal.budget)
            values = mistake(base, ctx)
            for gid, question in hw.questions.items():
                if values.get(gid) is base.get(gid) or gid not in values:
                    continue  # this mistake leaves the question's answers alone
                touched.add(gid)
                res = grade_values(question, values[gid], ctx, a.questions[gid])
                hits[gid] += res.points < res.max_points
                if res.points < res.max_points and j < name_runs:
                    failed += 1
                    named += is_told(hw, label, diagnose(hw, gid, values, res, ctx), res)
            progress.advance(task)
        cal.detection[label] = {gid: hits[gid] / cal.wrong_runs for gid in sorted(touched)}
        cal.naming[label] = (named, failed)


def plot(cal: Calibration, path: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    ratios = {g: v for g, v in cal.z_ratio.items() if v}
    if ratios:
        ax1.boxplot(list(ratios.values()), tick_labels=list(ratios.keys()), orientation="horizontal")
    ax1.axvline(1.0, color="crimson", ls="--", label="band edge (fail beyond)")
    ax1.set_xlabel("|estimate − truth| / band half-width")
    ax1.set_title(f"Reference solution, {cal.runs} seeds")
    ax1.legend(loc="lower right", fontsize=8)
    labels, rates = [], []
    for label, per_q in cal.detection.items():
        for gid, rate in per_q.items():
            labels.append(f"{label}\n→ {gid}")
            rates.append(rate)
    ax2.barh(labels, rates, color="#4c72b0")
    ax2.axvline(0.999, color="crimson", ls="--", label="target power 0.999")
    ax2.set_xlim(0, 1.02)
    ax2.set_xlabel(f"share of {cal.wrong_runs} simulated submissions that lose points")
    ax2.set_title("Known wrong answers")
    ax2.legend(loc="lower left", fontsize=8)
    ax2.tick_params(axis="y", labelsize=7)
    fig.suptitle(f"Calibration: {cal.assignment}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def render(cal: Calibration, command: str, image: str, hw=None) -> str:
    z = z_critical(cal.alpha)
    lines = [
        f"## {cal.assignment}: {cal.title}",
        "",
        f"Command: `{command}` ({date.today():%Y-%m-%d}, 2-core CPU machine)",
        "",
        f"- False-fail budget the checks spend per submission A = {cal.budget:g}, split over "
        f"{cal.total_checks} random checks: α = {cal.alpha:.3g} each (z = {z:.2f}).",
        f"- Reference solution, {cal.runs} seeds: **{cal.false_fail_runs} false fail(s)**; "
        f"the budget predicts at most {cal.runs * cal.budget:.3g} on average.",
    ]
    if cal.stopped:
        lines.append(f"- Runs that stopped early: {'; '.join(cal.stopped)}")
    if cal.z_ratio:
        lines += ["", "| check | runs | largest \\|est − truth\\| / band half-width |", "|---|---|---|"]
        lines += [f"| {g} | {len(v)} | {max(v):.2f} |" for g, v in cal.z_ratio.items() if v]
    if cal.p_ratio:
        lines += ["", "| goodness-of-fit check | tests | smallest p-value / α (fails below 1) |",
                  "|---|---|---|"]
        lines += [f"| {g} | {len(v)} | {min(v):.3g} |" for g, v in cal.p_ratio.items() if v]
    lines += ["", f"Known wrong answers, {cal.wrong_runs} simulated submissions each:", "",
              "| wrong answer | check | detection rate |", "|---|---|---|"]
    for label, per_q in cal.detection.items():
        lines += [f"| {label} | {g} | {r:.4f} |" for g, r in per_q.items()]
    if cal.naming:
        lines += ["", "Feedback naming the mistake (share of failed questions whose message names "
                  "it; the first runs of each wrong answer):", "",
                  "| wrong answer | told in feedback | named | of failed questions |", "|---|---|---|---|"]
        for label, (k, m) in cal.naming.items():
            if hw is not None and label in hw.no_evidence:
                share = f"{(k / m) if m else float('nan'):.3f}" if label in hw.check_words else "not diagnosed"
                lines.append(f"| {label} | by the check's own message | {share} | {m} |")
                continue
            told = "yes" if hw is not None and label in hw.says else "TA only"
            if hw is not None and label in hw.check_words:
                told += ", and the check's own words"
            lines.append(f"| {label} | {told} | {(k / m) if m else float('nan'):.3f} | {m} |")
    if cal.unregistered:
        lines += unregistered_table(cal.unregistered)
    lines += ["", f"![calibration plot]({image})", ""]
    return "\n".join(lines)


def unregistered_table(rows: list[Unregistered]) -> list[str]:
    caught = [r for r in rows if r.caught]
    lines = ["", "Wrong answers nobody registered (a correct run's answers changed, graded with "
             f"its probes): {len(caught)} of {len(rows)} caught; of those, "
             f"{sum(r.explained for r in caught)} explained in words, "
             f"{sum(bool(r.numbers) for r in caught)} with a number in the explanation.", "",
             "| change | question | caught | what the feedback adds |", "|---|---|---|---|"]
    for r in rows:
        if not r.caught:
            told = "—"
        elif r.named:
            told = f"names the registered mistake `{r.named}`"
        elif r.description:
            told = "describes it: " + r.description.replace("|", "/")
        else:
            told = ("nothing: a describable check failed (to improve)" if r.describable
                    else "the check's own message (no numbers to compare)")
        flag = " **(a number!)**" if r.numbers else ""
        lines.append(f"| {r.label} | {r.grade_id} | {'yes' if r.caught else 'no'} | {told}{flag} |")
    return lines


def update_doc(doc: Path, assignment_id: str, section: str) -> None:
    begin, end = f"<!-- calibration:{assignment_id} -->", f"<!-- /calibration:{assignment_id} -->"
    block = f"{begin}\n{section}\n{end}"
    text = doc.read_text() if doc.exists() else "# Calibration\n"
    if begin in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text)


def docs_doc(course: Course) -> Path:
    """The committed record; written only when asked (`--write-docs`)."""
    return course.repo / "docs" / "calibration.md"


def scratch_doc(course: Course) -> Path:
    """Where a trial run writes, inside the course state, never the repo's docs."""
    return course.dirs.calibration_doc


def runs_note(runs: int, budget: float) -> str | None:
    """What K reference runs can show about a false-fail rate: with no false fail in
    K runs, the rate's 95% upper bound is about 3/K (the rule of three)."""
    needed = math.ceil(3 / budget)
    if runs >= needed:
        return None
    return (f"note: {runs} reference run(s) cannot show a false-fail rate as low as the budget "
            f"{budget:g}: with no false fail in {runs} run(s) the rate is only known to be below "
            f"{min(1.0, 3 / runs):.2g} (95% upper bound, 3/runs); showing {budget:g} takes about "
            f"{needed} runs (`course certify`). The detection rates below do not depend on it.")


def calibrate(course: Course, assignment_id: str, runs: int = 20, wrong_runs: int = 2000,
              doc: Path | None = None, show_progress: bool = True,
              unregistered: dict | None = None) -> Calibration:
    """`unregistered`: {label: wrong(base, ctx) -> answers}, an instructor's own wrong
    answers graded next to the generic ones (`load_wrong_answers`)."""
    a = course.assignment(assignment_id)
    hw = load_homework(a.checks)
    cal = Calibration(a.id, a.title, runs, wrong_runs, a.false_fail_budget, hw.total_checks)
    note = runs_note(runs, course.false_fail_budget)   # the rate promised, which certify shows
    if note:
        console.print(note, highlight=False, soft_wrap=True)
    with Progress(disable=not show_progress) as progress:
        base, base_seed = _reference_runs(course, a, hw, cal, progress)
        _detection(a, hw, cal, base, progress)
    if base_seed is not None:
        cal.unregistered = grade_unregistered(
            hw, a.questions, base, hw.context(base_seed, cal.budget),
            {**generic_wrong_answers(), **(unregistered or {})})
    doc = doc or scratch_doc(course)
    doc.parent.mkdir(parents=True, exist_ok=True)
    image = plot(cal, doc.parent / f"calibration_{a.id}.png")
    command = f"course calibrate {a.id} --runs {runs} --wrong-runs {wrong_runs}"
    update_doc(doc, a.id, render(cal, command, image.name, hw))
    console.print(f"{a.id}: {cal.false_fail_runs}/{runs} false-fail runs; detection "
                  + ", ".join(f"{lbl}: {min(v.values()) if v else float('nan'):.4f}"
                              for lbl, v in cal.detection.items())
                  + "; feedback named the mistake in "
                  + ", ".join(f"{lbl}: {k}/{m}" for lbl, (k, m) in cal.naming.items())
                  + f"; unregistered wrong answers caught {sum(r.caught for r in cal.unregistered)}"
                  + f"/{len(cal.unregistered)}, explained {sum(r.explained for r in cal.unregistered if r.caught)}"
                  + f"; wrote {doc}")
    return cal


def load_wrong_answers(path: Path) -> dict:
    """An instructor's file of wrong answers nobody registered: every public function
    `name(base, ctx) -> answers` (the form of `@hw.wrong_answer`) is one."""
    import importlib.util
    import inspect

    spec = importlib.util.spec_from_file_location(f"unregistered_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise CourseError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = {name: f for name, f in vars(module).items()
             if inspect.isfunction(f) and not name.startswith("_") and f.__module__ == module.__name__}
    if not found:
        raise CourseError(f"{path}: no function `name(base, ctx)` that returns answers")
    return found


def calibrate_rhat_gates(doc: Path, n_sims: int = 4000, seed: int = 2027) -> str:
    """Show which R-hat gate keeps a CORRECT sampler inside the false-fail budget:
    4 stationary AR(1) chains of 1000 draws whose ESS ranges from 440 to 4000."""
    from autograder.checks import rhat_false_fail_rate
    n_chains, n_draws = 4, 1000
    rows = []
    for target_ess in (4000, 1500, 1333, 1000, 700, 440):
        ratio = target_ess / (n_chains * n_draws)       # ESS ≈ N (1 - φ) / (1 + φ)
        phi = (1 - ratio) / (1 + ratio)
        rates = [rhat_false_fail_rate(n_chains, n_draws, phi, t, n_sims, seed) for t in (1.01, 1.05)]
        rows.append(f"| {target_ess} | {phi:.3f} | {rates[0]:.4f} | {rates[1]:.4f} |")
    section = "\n".join([
        "## Convergence gates for posterior checks",
        "",
        f"Command: `course calibrate-gates --sims {n_sims}` ({date.today():%Y-%m-%d})",
        "",
        f"Share of {n_sims} *correct* samplers (4 stationary AR(1) chains × 1000 draws) whose "
        "rank-normalised split R-hat exceeds each gate:",
        "",
        "| ESS | AR(1) φ | P(R-hat > 1.01) | P(R-hat > 1.05) |",
        "|---|---|---|---|",
        *rows,
        "",
        "A hard 1.01 gate on its own exceeds the whole 1e-3 budget of a submission at "
        "ESS ≤ 1000 and uses a large share of it at ESS ≈ 1333; only from ESS ≈ 1500 is it "
        "negligible. The gate at 1.05 never fired. The platform's `checks.convergence` therefore hard-fails only when "
        "R-hat > 1.05 or the bulk ESS is below the question's required minimum, and reports "
        "R-hat > 1.01 as feedback; a homework that wants the 1.01 gate must require ESS ≥ 1500.",
        "",
    ])
    update_doc(doc, "rhat-gates", section)
    return section
