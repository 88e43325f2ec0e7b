"""Small predicates over nbgrader cell metadata, shared by every step."""
from __future__ import annotations


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell) -> str | None:
    return meta(cell).get("grade_id")


def is_test_cell(cell) -> bool:
    """An autograded test cell: graded, code, and not an answer cell."""
    m = meta(cell)
    return cell.get("cell_type") == "code" and bool(m.get("grade")) and not m.get("solution")


def is_answer_cell(cell) -> bool:
    return bool(meta(cell).get("solution"))


def is_manual(cell) -> bool:
    """A graded cell the TA scores by hand (written answers, tasks)."""
    m = meta(cell)
    return (bool(m.get("grade")) and bool(m.get("solution"))) or bool(m.get("task"))
