"""Class statistics of one homework for instructors and TAs: per-question mean,
spread and share of full marks, the distribution of totals, and the commonest
failure messages and misconceptions, from the gradebook (the same numbers as
the export, manual grades included) and each submission's grading.json. Team
work counts teams: one submission, one grade per team.

Only messages students were already shown are aggregated; nothing hidden
(expected values, tolerances) is read or written."""
from __future__ import annotations

import html
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course.config import Course
from autograder.grading.report import read_report
from autograder.pipeline.export import rows, submission_rows

GRADED = ("ok", "incomplete")  # statuses whose scores are grades (a "+manual" suffix too)
_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[-+]?\d+)?")


@dataclass
class QuestionStats:
    grade_id: str
    max_points: float
    scores: list[float] = field(default_factory=list)
    pending: int = 0  # awaiting manual grading

    @property
    def n(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> float:
        return sum(self.scores) / self.n if self.scores else math.nan

    @property
    def sd(self) -> float:
        if self.n < 2:
            return math.nan
        m = self.mean
        return math.sqrt(sum((x - m) ** 2 for x in self.scores) / (self.n - 1))

    @property
    def full_share(self) -> float:
        if not self.scores:
            return math.nan
        return sum(x >= self.max_points - 1e-9 for x in self.scores) / self.n


@dataclass
class ClassStats:
    assignment: str
    title: str
    max_total: float
    roster: int
    status: Counter
    questions: list[QuestionStats]
    totals: list[float]
    finals: list[float]
    failures: Counter      # (grade_id, message) -> students
    misconceptions: Counter  # (grade_id, label) -> students
    unit: str = "students"   # what `roster` counts: "teams" for team work

    @property
    def graded(self) -> int:
        return len(self.totals)


def message_key(text: str) -> str:
    """A failure message with the student's own decimals blanked, so the same
    mistake with different numbers is counted once."""
    text = text.lstrip("✘ ").strip()
    return _FLOAT.sub("…", " ".join(text.split()))


def _labels(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def class_stats(course: Course, assignment_id: str) -> ClassStats:
    a = course.assignment(assignment_id)
    header, data = submission_rows(course, a.id) if a.group else rows(course, a.id)
    questions = {q: QuestionStats(q, pts) for q, pts in a.questions.items()}
    status, totals, finals = Counter(), [], []
    failures, misconceptions = Counter(), Counter()
    for row in data:
        status[row["status"]] += 1
        if row["status"].split("+")[0] not in GRADED:
            continue
        totals.append(float(row["total"]))
        finals.append(float(row["final"]))
        for q, qs in questions.items():
            if row[q] == "":
                qs.pending += 1
            else:
                qs.scores.append(float(row[q]))
        report = read_report(course, a.id, row["student_id"]) or {}
        for res in report.get("questions", []):
            if not isinstance(res, dict) or res.get("points", 0) >= res.get("max_points", 0):
                continue
            gid = str(res.get("grade_id"))
            seen = {message_key(m) for m in res.get("messages", [])
                    if isinstance(m, str) and m.startswith("✘")}
            for m in seen:
                failures[gid, m] += 1
            for label in set(_labels(res.get("misconception"))):
                misconceptions[gid, label] += 1
    return ClassStats(a.id, a.title, sum(a.questions.values()), len(data), status,
                      list(questions.values()), totals, finals, failures, misconceptions,
                      "teams" if a.group else "students")


def _num(x: float, spec: str = ".2f") -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def question_table(st: ClassStats) -> tuple[list[str], list[list[str]]]:
    header = ["question", "points", "graded", "mean", "sd", "full marks", "pending manual"]
    body = [[q.grade_id, f"{q.max_points:g}", str(q.n), _num(q.mean), _num(q.sd),
             _num(100 * q.full_share, ".0f") + ("%" if q.scores else ""), str(q.pending or "")]
            for q in st.questions]
    return header, body


def summary_line(st: ClassStats) -> str:
    if not st.totals:
        return f"{st.assignment}: no graded submission yet"
    mean = sum(st.totals) / len(st.totals)
    pending = [q.grade_id for q in st.questions if q.pending]
    return (f"{st.assignment}: {st.graded} of {st.roster} {st.unit} graded; mean total "
            f"{mean:.2f} / {st.max_total:g}, median {statistics.median(st.totals):g}"
            + (f" (manual grading pending on {len(pending)} question(s), counted as 0 so far)"
               if pending else "")
            + "; status " + ", ".join(f"{k} {v}" for k, v in st.status.most_common()))


def plot(st: ClassStats, folder: Path) -> list[Path]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    folder.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    bins = max(1, math.ceil(st.max_total))
    ax.hist(st.totals, bins=bins, range=(0, st.max_total), color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"total points (of {st.max_total:g}, before late penalty)")
    ax.set_ylabel(st.unit)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"{st.assignment}: totals of {st.graded} graded submissions")
    fig.tight_layout()
    totals = folder / "totals.png"
    fig.savefig(totals, dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 0.45 * len(st.questions) + 1.2))
    names = [q.grade_id for q in st.questions][::-1]
    means = [0 if math.isnan(q.mean) else q.mean / q.max_points for q in st.questions][::-1]
    full = [0 if math.isnan(q.full_share) else q.full_share for q in st.questions][::-1]
    y = range(len(names))
    ax.barh([i + 0.2 for i in y], means, height=0.4, label="mean share of points", color="#4c72b0")
    ax.barh([i - 0.2 for i in y], full, height=0.4, label="share with full marks", color="#dd8452")
    ax.set_yticks(list(y), names)
    ax.set_xlim(0, 1)
    for i, q in zip(y, st.questions[::-1]):
        if not q.scores and q.pending:
            ax.text(0.01, i, "manual grading pending", va="center", fontsize=8, color="#555")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=8, frameon=False)
    ax.set_title(f"{st.assignment}: per question")
    fig.tight_layout()
    per_q = folder / "questions.png"
    fig.savefig(per_q, dpi=100)
    plt.close(fig)
    return [totals, per_q]


def _md_table(header, body) -> list[str]:
    esc = [[c.replace("|", "\\|") for c in r] for r in body]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(r) + " |" for r in esc]]


def write_report(st: ClassStats, folder: Path, top: int = 10) -> list[Path]:
    """report.md and report.html with two plots, in `folder`."""
    images = plot(st, folder)
    header, body = question_table(st)
    fail = [[g, m, str(n)] for (g, m), n in st.failures.most_common(top)]
    mis = [[g, m, str(n)] for (g, m), n in st.misconceptions.most_common(top)]
    md = [f"# {st.assignment}: {st.title}", "", summary_line(st), "",
          "## Per question", "", *_md_table(header, body), "",
          f"![totals]({images[0].name})", "", f"![per question]({images[1].name})", "",
          "## Commonest failure messages", "",
          *(_md_table(["question", "message (students' decimals shown as …)", st.unit], fail)
            if fail else ["No failed checks."]), ""]
    if mis:
        md += ["## Commonest misconceptions", "", *_md_table(["question", "misconception", st.unit], mis), ""]
    md_path = folder / "report.md"
    md_path.write_text("\n".join(md))

    def table(h, b):
        cells = "".join(f"<th>{html.escape(c)}</th>" for c in h)
        rows_ = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in b)
        return f"<table><tr>{cells}</tr>{rows_}</table>"

    page = [f"<!doctype html><meta charset='utf-8'><title>{html.escape(st.assignment)} statistics</title>",
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto}td,th{border:1px solid #ccc;"
            "padding:2px 6px}table{border-collapse:collapse}</style>",
            f"<h1>{html.escape(st.assignment)}: {html.escape(st.title)}</h1>",
            f"<p>{html.escape(summary_line(st))}</p><h2>Per question</h2>", table(header, body),
            f"<p><img src='{images[0].name}' alt='histogram of totals'>"
            f"<img src='{images[1].name}' alt='per-question means'></p>",
            "<h2>Commonest failure messages</h2>",
            table(["question", "message", st.unit], fail) if fail else "<p>No failed checks.</p>"]
    if mis:
        page += ["<h2>Commonest misconceptions</h2>", table(["question", "misconception", st.unit], mis)]
    html_path = folder / "report.html"
    html_path.write_text("\n".join(page))
    return [md_path, html_path, *images]
