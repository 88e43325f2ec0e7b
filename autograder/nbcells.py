"""Notebooks as every step sees them: reading one with a one-line error, and small
predicates over nbgrader cell metadata."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from autograder.errors import CourseError


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook or raise a one-line error that says what is wrong with it."""
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise CourseError(f"notebook not found: {path}") from None
    except (json.JSONDecodeError, nbformat.reader.NotJSONError, UnicodeDecodeError):
        raise CourseError(f"{path.name} is not valid notebook JSON; it may have been damaged "
                          "by a text editor. Restore it from Jupyter's checkpoint or fetch again "
                          "and copy your answers over.") from None
    except Exception as exc:
        raise CourseError(f"{path.name} could not be read as a notebook ({exc})") from None


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
