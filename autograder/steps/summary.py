"""What the top of a feedback page says: each graded cell's label, score and
what to look at.

Labels come from the instructor's source notebook (the last heading above each
graded cell), never from the submission, whose headings the student could
edit. Messages come from our grading report (grading.json), scores from the
gradebook, so a TA's manual grade or override shows as entered. An override of
an autograded question replaces the autograder's verdict, on the page and in
the summary, with "Adjusted by your TA" and the TA's comment on the question's
answer, so the page never shows a score next to a verdict that contradicts it.
"""
from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field

import nbformat

from autograder.grading.report import GradingReport
from autograder.grading.verdict import FAIL
from autograder.nbcells import is_answer_cell, is_manual, is_test_cell
from autograder.safehtml import MARK

_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
# "(2 points)", "(2 points, graded by a TA)": the page shows points itself
_POINTS_NOTE = re.compile(r"\s*\(\s*\d+(?:\.\d+)?\s*(?:points?|pts?)\b[^)]*\)\s*$", re.IGNORECASE)
_MARKUP = re.compile(r"[*_`]+")


def _plain(heading: str) -> str:
    return _POINTS_NOTE.sub("", _MARKUP.sub("", heading)).strip()


def is_graded(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("task")) and bool(meta.get("grade_id"))


def question_labels(nb) -> dict[str, str]:
    """grade_id -> the title of the section the cell is in ("Question 1: ..."),
    with "(part i of n)" when a section holds several graded cells."""
    heading, sections = None, []
    for cell in nb.cells:
        if is_graded(cell):
            gid = cell.metadata.nbgrader["grade_id"]
            if sections and sections[-1][0] == heading:
                sections[-1][1].append(gid)
            else:
                sections.append((heading, [gid]))
        if cell.cell_type == "markdown":
            found = _HEADING.findall(cell.source)
            if found:
                heading = _plain(found[-1]) or heading
    labels = {}
    for heading, gids in sections:
        for i, gid in enumerate(gids, 1):
            title = heading or gid
            labels[gid] = f"{title} (part {i} of {len(gids)})" if len(gids) > 1 else title
    return labels


@dataclass
class Row:
    grade_id: str
    label: str
    score: float
    points: float
    manual: bool        # graded by a TA (written answers), not by the autograder
    state: str          # full | partial | none | pending
    look_at: list[str] = field(default_factory=list)  # student-facing, plain text
    adjusted: str | None = None  # a TA's override of the autograder: their comment ("" for none)
    regrade: str = ""            # the student's regrade request on it, and its outcome

    def to_dict(self) -> dict:
        return asdict(self)


def _state(score: float, points: float, pending: bool) -> str:
    if pending:
        return "pending"
    return "full" if score >= points - 1e-9 else "none" if score <= 1e-9 else "partial"


def answer_comments(nb) -> dict[str, str]:
    """Test cell grade id -> the TA's comments on its question's answer cells (the
    ungraded answer cells since the graded cell before it), as GetGrades filled them in."""
    out, comments = {}, []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if is_test_cell(cell):
            out[meta.get("grade_id")] = "\n".join(comments)
            comments = []
        elif is_manual(cell):
            comments = []
        elif is_answer_cell(cell) and (meta.get("comment") or "").strip():
            comments.append(meta["comment"].strip())
    return out


def adjusted_box(comment: str, auto: float, score: float, points: float) -> str:
    """What replaces an overridden test cell's messages on the page (our box)."""
    said = f": {html.escape(comment)}" if comment else "."
    return (f'<div class="{MARK} alert alert-info" role="status"><strong>Adjusted by your TA'
            f"</strong>{said}<br>The autograder gave {auto:g} / {points:g}; your TA set "
            f"{score:g} / {points:g}, which is the score that counts.</div>")


def show_adjusted(cell, comment: str, auto: float, score: float) -> None:
    """Replace an overridden test cell's outputs (our messages and the autograder's
    score) with the TA's adjustment."""
    points = float(cell.metadata.nbgrader.get("points") or 0)
    text = f"Adjusted by your TA{': ' + comment if comment else '.'}"
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/plain": text + "\n", "text/html": adjusted_box(comment, auto, score, points)})]


def summary_rows(nb, labels: dict[str, str], report: GradingReport | None, pending: set[str],
                 adjusted: dict[str, str] | None = None,
                 regrades: dict[str, str] | None = None) -> list[Row]:
    """One row per graded cell of `nb` (scores and comments filled in by
    nbgrader's GetGrades); `pending`: manually graded cells with no grade yet;
    `adjusted`: autograded cells a TA overrode, with the TA's comment;
    `regrades`: the student's regrade request per cell, as one line."""
    adjusted, regrades = adjusted or {}, regrades or {}
    messages = {q.grade_id: q.messages for q in (report.questions if report else [])}
    rows = []
    for cell in nb.cells:
        if not is_graded(cell):
            continue
        meta = cell.metadata.nbgrader
        gid = meta["grade_id"]
        manual = bool(meta.get("solution") or meta.get("task"))
        points = float(meta.get("points") or 0)
        score = float(meta.get("score") or 0)
        state = _state(score, points, gid in pending)
        look = []
        if gid in adjusted:
            pass  # the TA's words replace the autograder's
        elif state in ("partial", "none"):
            look = [m for m in messages.get(gid, []) if m.startswith(FAIL)]
            if manual and meta.get("comment"):
                look.append("See your TA's comment on this answer.")
        rows.append(Row(gid, labels.get(gid, gid), score, points, manual, state, look,
                        adjusted.get(gid), regrades.get(gid, "")))
    return rows
