"""Repair what students do to a notebook's nbgrader cells, before nbgrader sees it.

Students copy-paste cells, delete them, change their type or their nbgrader
settings, and edit notebooks in text editors. nbgrader's sanitize steps raise
on most of that (a duplicate or unknown grade_id, a deleted answer-and-test
pair, a test cell flagged as an answer), which would leave the submission
ungraded. Here the submission is aligned with the released notebook instead,
cell by cell, and every change is noted for the student and the TA:

- nbgrader metadata that is not a dict, has no grade_id, or names a cell the
  release does not have is removed: the cell runs as an ordinary cell;
- of several copies of one graded cell the last keeps its metadata (as
  nbgrader's DeduplicateIds would); the others become ordinary cells;
- a cell whose nbgrader settings or type were changed gets the released ones;
- a released nbgrader cell that is missing is put back, as released, after
  the nearest earlier one that is present;
- duplicate or missing nbformat cell ids are renumbered.

Only metadata and missing cells change; the student's code is kept, so
nothing they wrote is lost.
"""
from __future__ import annotations

import copy
import hashlib

import nbformat

SETTINGS = ("grade", "solution", "locked", "task", "points", "grade_id")


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader")


def _gid(cell) -> str | None:
    m = _nbgrader(cell)
    if isinstance(m, dict) and isinstance(m.get("grade_id"), str):
        return m["grade_id"]
    return None


def _kind(ref_cell) -> str:
    m = ref_cell.metadata.nbgrader
    if m.get("solution"):
        return "answer cell"
    return "test cell" if m.get("grade") else "cell"


def _set_type(cell, cell_type: str) -> None:
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def repair(nb, released) -> list[str]:
    """Align `nb` with `released` in place; return notes on what was changed."""
    reference = {_gid(c): c for c in released.cells if _gid(c)}
    order = [g for g in (_gid(c) for c in released.cells) if g]
    notes: list[str] = []

    last = {}
    for index, cell in enumerate(nb.cells):
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.NotebookNode()
        gid = _gid(cell)
        if "nbgrader" in cell.get("metadata", {}) and gid not in reference:
            del cell.metadata["nbgrader"]
            notes.append(f"a cell with unknown nbgrader id {gid!r} was graded as an ordinary cell"
                         if gid else "a cell with damaged nbgrader settings was graded as an "
                         "ordinary cell")
        elif gid:
            last[gid] = index
    for index, cell in enumerate(nb.cells):
        gid = _gid(cell)
        if gid and last[gid] != index:
            del cell.metadata["nbgrader"]
            notes.append(f"cell `{gid}` appears more than once (copy-pasted?); "
                         "only its last copy was graded")

    for cell in nb.cells:
        gid = _gid(cell)
        if not gid:
            continue
        ref = reference[gid]
        mine = cell.metadata.nbgrader
        if any(mine.get(k) != ref.metadata.nbgrader.get(k) for k in SETTINGS) \
                or cell.cell_type != ref.cell_type:
            cell.metadata.nbgrader = copy.deepcopy(ref.metadata.nbgrader)
            if cell.cell_type != ref.cell_type:
                _set_type(cell, ref.cell_type)
            notes.append(f"the nbgrader settings of {_kind(ref)} `{gid}` were changed; "
                         "the released ones were restored")

    present = {_gid(c): i for i, c in enumerate(nb.cells) if _gid(c)}
    for pos, gid in enumerate(order):
        if gid in present:
            continue
        before = [present[g] for g in order[:pos] if g in present]
        at = max(before) + 1 if before else 0
        nb.cells.insert(at, copy.deepcopy(reference[gid]))
        present = {_gid(c): i for i, c in enumerate(nb.cells) if _gid(c)}
        what = _kind(reference[gid])
        notes.append(f"{what} `{gid}` was missing; the released version was put back"
                     + (" (it holds none of your work)" if what == "answer cell" else ""))

    seen = set()
    for index, cell in enumerate(nb.cells):
        cid = cell.get("id")
        if not isinstance(cid, str) or not cid or cid in seen:
            digest = hashlib.sha256(f"{index}:{cell.get('source', '')}".encode()).hexdigest()
            cell["id"] = f"r{index}-{digest[:8]}"
        seen.add(cell["id"])
    if nb.get("nbformat_minor", 0) < 5:
        nb.nbformat_minor = 5  # cell ids need nbformat 4.5
    return notes

