"""TA: a similarity report over the students' own answers, for a homework's collected submissions: winnowed fingerprints (the MOSS method, by the `copydetect` package), pairs above a threshold, and their shared lines side by side in an HTML page.

What is compared is each student's own text only: their answer cells and any
cell they added, never a cell they left as released. Code is tokenised first
(names, strings and comments do not count, so renaming variables or rewording
comments does not hide a copy); written answers are compared as lower-cased
words. Everything the released notebook holds (the question text, the setup
code, the starter code of each answer cell) is boilerplate: a passage of it
that two students both carry is not a shared passage. A pair is flagged when
one student's answers are, for the larger part, found in the other's
(`threshold`, a share of the fingerprinted text), and they share at least
`MIN_SHARED` characters of it, so a three-line answer that every correct
student writes the same way is not a copy.

The report is a lead for a TA to read, never a verdict: two students may have
worked together as allowed, or one may have copied from the other; the page
shows what they share and where.
"""
from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import nbformat
import numpy as np
from copydetect import CodeFingerprint, compare_files

from autograder.course.config import Assignment, Course
from autograder.course.state import submitted_students
from autograder.errors import CourseError
from autograder.nbcells import grade_id, is_answer_cell, is_test_cell, meta
from autograder.pipeline.readiness import nothing_collected, require_released

K = 25              # characters of tokenised code in one fingerprint (copydetect's noise threshold)
WINDOW = 6          # winnowing window: any shared run of K + WINDOW - 1 = 30 characters is found
THRESHOLD = 0.5     # default share of a student's fingerprinted answers found in the other's
MIN_SHARED = 150    # fewest shared characters (tokenised code, or words) for a flag
KINDS = ("code", "written")


@dataclass(frozen=True)
class Cell:
    """One cell of a student's own text."""
    label: str      # the answer cell's grade id, else "cell N"
    kind: str       # code | written
    source: str


@dataclass
class Answers:
    """One student's own cells, and their fingerprints per kind."""
    student: str
    cells: list[Cell]
    texts: dict[str, str] = field(default_factory=dict)                       # kind -> joined text
    spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # kind -> (start, end, label)
    prints: dict[str, CodeFingerprint] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    text: str
    shared: bool


@dataclass(frozen=True)
class Side:
    """One student's side of a match: their cells, each line marked shared or not."""
    student: str
    share: float                          # of this student's fingerprinted text found in the other's
    cells: tuple[tuple[str, tuple[Line, ...]], ...]  # (label, lines), cells with a shared line only


@dataclass(frozen=True)
class Match:
    kind: str           # code | written
    shared: int         # characters in common (of the first student's text)
    sides: tuple[Side, Side]

    @property
    def similarity(self) -> float:
        return max(s.share for s in self.sides)


@dataclass(frozen=True)
class Pair:
    students: tuple[str, str]
    matches: tuple[Match, ...]

    @property
    def similarity(self) -> float:
        return max(m.similarity for m in self.matches)


@dataclass
class Report:
    assignment: str
    title: str
    threshold: float
    compared: list[str]
    pairs: list[Pair]                                   # flagged, most similar first
    skipped: dict[str, str] = field(default_factory=dict)  # student -> why not compared


def _normalise_written(text: str) -> str:
    """Each line as lower-cased words one space apart (markup and punctuation
    dropped), empty lines left out: re-emphasising or re-spacing is no disguise."""
    lines = (" ".join(re.findall(r"[\w']+", line.lower())) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _fingerprint(text: str, kind: str, boilerplate=None, window: int = WINDOW) -> CodeFingerprint:
    if kind == "code":
        return CodeFingerprint("answers.py", K, window, boilerplate, filter=True, language="python",
                               fp=io.StringIO(text))
    return CodeFingerprint("answers.txt", K, window, boilerplate, filter=False, fp=io.StringIO(text))


def own_cells(nb, released) -> list[Cell]:
    """The student's own cells: answer cells and added cells, in notebook order,
    without any cell left exactly as released or any test or locked cell."""
    as_released = {c.source.strip() for c in released.cells}
    cells = []
    for i, cell in enumerate(nb.cells):
        source = cell.get("source", "")
        if (not source.strip() or source.strip() in as_released or is_test_cell(cell)
                or (meta(cell).get("locked") and not is_answer_cell(cell))):
            continue
        kind = {"code": "code", "markdown": "written"}.get(cell.get("cell_type"))
        if kind:
            cells.append(Cell(grade_id(cell) or f"cell {i + 1}", kind, source))
    return cells


def boilerplate(released) -> dict[str, np.ndarray]:
    """Every fingerprint of the released notebook, per kind (window 1: all of them)."""
    code = "\n".join(c.source for c in released.cells if c.cell_type == "code")
    written = "\n".join(_normalise_written(c.source) for c in released.cells if c.cell_type == "markdown")
    return {"code": np.array(sorted(_fingerprint(code, "code", window=1).hashes)),
            "written": np.array(sorted(_fingerprint(written, "written", window=1).hashes))}


def fingerprint_answers(student: str, cells: list[Cell], template: dict[str, np.ndarray]) -> Answers:
    answers = Answers(student, cells)
    for kind in KINDS:
        text, spans = "", []
        for cell in (c for c in cells if c.kind == kind):
            body = _normalise_written(cell.source) if kind == "written" else cell.source
            spans.append((len(text), len(text) + len(body), cell.label))
            text += body + "\n"
        if text.strip():
            answers.texts[kind], answers.spans[kind] = text, spans
            answers.prints[kind] = _fingerprint(text, kind, template[kind])
    return answers


def _side(answers: Answers, kind: str, slices: np.ndarray, share: float) -> Side:
    """The student's cells of this kind with each line marked shared when most of
    its visible characters lie in a shared slice."""
    text = answers.texts[kind]
    covered = np.zeros(len(text) + 1, dtype=bool)
    for start, end in zip(*slices) if len(slices) and len(slices[0]) else []:
        covered[int(start):int(end)] = True
    visible = ~np.isin(np.frombuffer(text.encode("utf-32-le"), dtype="<u4"), (9, 10, 13, 32))
    cells = []
    for start, end, label in answers.spans[kind]:
        lines, pos = [], start
        for raw in text[start:end].split("\n"):
            mask = visible[pos:pos + len(raw)]
            shared = bool(mask.any()) and covered[pos:pos + len(raw)][mask].mean() >= 0.5
            lines.append(Line(raw, shared))
            pos += len(raw) + 1
        if any(line.shared for line in lines):
            cells.append((label, tuple(lines)))
    return Side(answers.student, round(float(share), 4), tuple(cells))


def compare(a: Answers, b: Answers, threshold: float = 0.0) -> list[Match]:
    """What two students share, per kind of answer, with their shared lines: any
    shared text, or with `threshold`, only a kind flagged (at least that share of
    one student's fingerprinted text, and MIN_SHARED characters)."""
    matches = []
    for kind in KINDS:
        if kind not in a.prints or kind not in b.prints \
                or a.prints[kind].hashes.isdisjoint(b.prints[kind].hashes):
            continue
        shared, (share_a, share_b), (slices_a, slices_b) = compare_files(a.prints[kind], b.prints[kind])
        if not shared or (threshold and (max(share_a, share_b) < threshold or shared < MIN_SHARED)):
            continue
        matches.append(Match(kind, int(shared), (_side(a, kind, slices_a, share_a),
                                                 _side(b, kind, slices_b, share_b))))
    return matches


def similarity(course: Course, assignment_id: str, threshold: float = THRESHOLD,
               progress=None) -> Report:
    """Compare every pair of collected submissions of one homework.
    `progress(done, total)` is called as fingerprints are taken."""
    a = course.assignment(assignment_id)
    require_released(course, a.id)
    if not 0 < threshold <= 1:
        raise CourseError(f"--threshold is a share of a student's answers between 0 and 1, "
                          f"not {threshold:g}")
    students = submitted_students(course, a.id)
    if not students:
        raise nothing_collected(course, a.id)
    released = nbformat.read(course.dirs.released_notebook(a.id, a.notebook_name), 4)
    template = boilerplate(released)
    report = Report(a.id, a.title, threshold, [], [])
    answers = []
    for i, s in enumerate(students):
        nb = _read(course, a, s, report)
        if nb is not None:
            answers.append(fingerprint_answers(s, own_cells(nb, released), template))
            report.compared.append(s)
        if progress:
            progress(i + 1, len(students))
    for x, y in combinations(answers, 2):
        hits = compare(x, y, threshold)
        if hits:
            report.pairs.append(Pair((x.student, y.student), tuple(hits)))
    report.pairs.sort(key=lambda p: (-p.similarity, p.students))
    return report


def _read(course: Course, a: Assignment, student: str, report: Report):
    path = course.dirs.submitted(a.id, student) / f"{a.notebook_name}.ipynb"
    try:
        return nbformat.read(path, 4)
    except FileNotFoundError:
        report.skipped[student] = f"no {path.name} in the submission"
    except Exception as exc:  # noqa: BLE001 - a damaged notebook is that student's note
        report.skipped[student] = f"{path.name} could not be read ({type(exc).__name__})"
    return None


# ---------------------------------------------------------------- the page
_CSS = """body{font-family:sans-serif;max-width:80em;margin:auto;padding:0 1em}
table.side{width:100%;border-collapse:collapse;table-layout:fixed}
table.side td{vertical-align:top;width:50%;padding:0 0.5em;border-left:1px solid #ddd}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:0.85em}
pre span.shared{background:#ffe08a}
h3{margin-bottom:0.2em}.label{font-weight:bold;margin:0.6em 0 0.1em}
td.summary,th{padding:2px 8px;border:1px solid #ccc;text-align:left}"""


def _lines_html(side: Side) -> str:
    out = []
    for label, lines in side.cells:
        body = "\n".join(f'<span class="shared">{html.escape(ln.text)}</span>' if ln.shared
                         else html.escape(ln.text) for ln in lines)
        out.append(f'<div class="label">{html.escape(label)}</div><pre>{body}</pre>')
    return "".join(out)


def render_html(report: Report) -> str:
    esc = html.escape
    rows = "".join(
        f"<tr><td class='summary'><a href='#pair{i}'>{esc(p.students[0])} – {esc(p.students[1])}</a></td>"
        f"<td class='summary'>{p.similarity:.0%}</td>"
        f"<td class='summary'>{esc(', '.join(m.kind for m in p.matches))}</td></tr>"
        for i, p in enumerate(report.pairs))
    parts = [f"<!doctype html><meta charset='utf-8'><title>{esc(report.assignment)}: similarity</title>",
             f"<style>{_CSS}</style>",
             f"<h1>{esc(report.assignment)}: {esc(report.title)}, similarity of answers</h1>",
             f"<p>{len(report.compared)} submissions compared, {len(report.pairs)} pair(s) at or above "
             f"{report.threshold:.0%} of a student's own answers (the released notebook's text and "
             "starter code do not count). Shared lines are highlighted. This is a lead to read, "
             "not a verdict.</p>"]
    if report.skipped:
        parts.append("<p>Not compared: " + esc("; ".join(f"{s}: {why}" for s, why in report.skipped.items()))
                     + "</p>")
    if report.pairs:
        parts.append("<table><tr><th>pair</th><th>similarity</th><th>in</th></tr>" + rows + "</table>")
    for i, p in enumerate(report.pairs):
        parts.append(f"<h2 id='pair{i}'>{esc(p.students[0])} and {esc(p.students[1])}</h2>")
        for m in p.matches:
            left, right = m.sides
            parts.append(
                f"<h3>{esc(m.kind)} answers: {left.share:.0%} of {esc(left.student)}'s and "
                f"{right.share:.0%} of {esc(right.student)}'s are shared</h3>"
                f"<table class='side'><tr><td><b>{esc(left.student)}</b>{_lines_html(left)}</td>"
                f"<td><b>{esc(right.student)}</b>{_lines_html(right)}</td></tr></table>")
    return "\n".join(parts)


def write_report(report: Report, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "similarity.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path
