"""What must hold between a homework's notebook and its hidden checks before anything
is released or graded; each rule fails with one line that names the fix.

- Every autograded test cell has a hidden question (`hw.question(grade_id)`), and every
  question a test cell: otherwise a grade_id typo would leave a cell scored by its
  visible asserts alone, or a question that never runs.
- The notebook states the design's sample sizes through `{{name}}` placeholders, filled
  here from `hw.sizes(budget)`: every placeholder names a size of the design and every
  size is stated, so the text cannot drift from the design when the budget changes.
"""
from __future__ import annotations

import re

from autograder.errors import CourseError
from autograder.homework import Homework
from autograder.nbcells import grade_id, is_test_cell

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def check_cells(nb, hw: Homework, where: str) -> None:
    """Test cells and hidden questions match one to one (by grade_id)."""
    cells = [grade_id(c) for c in nb.cells if is_test_cell(c)]
    orphans = [gid for gid in cells if gid not in hw.questions]
    if orphans:
        raise CourseError(f"{where}: test cell '{orphans[0]}' has no hidden question in the "
                          "checks file (a grade_id typo?); it would be scored by its visible "
                          "asserts alone")
    missing = [gid for gid in hw.questions if gid not in cells]
    if missing:
        raise CourseError(f"{where}: hidden question '{missing[0]}' has no test cell with that "
                          "grade_id in the notebook")


def state_sizes(nb, sizes: dict[str, int], where: str) -> None:
    """Fill the `{{name}}` placeholders of every cell, in place, from the design."""
    used = set()
    for cell in nb.cells:
        for m in PLACEHOLDER.finditer(cell.source):
            if m.group(1) not in sizes:
                known = ", ".join(sorted(sizes)) or "none"
                raise CourseError(f"{where}: placeholder {m.group(0)} is not a size of the "
                                  f"design (its sizes: {known})")
            used.add(m.group(1))
        cell.source = PLACEHOLDER.sub(lambda m: str(sizes[m.group(1)]), cell.source)
    unstated = sorted(set(sizes) - used)
    if unstated:
        raise CourseError(f"{where}: the design's size '{unstated[0]}' is never stated; write "
                          f"{{{{{unstated[0]}}}}} where the question gives it")


def check_released(nb, where: str) -> None:
    """The student version states numbers, not placeholders."""
    for cell in nb.cells:
        m = PLACEHOLDER.search(cell.source)
        if m:
            raise CourseError(f"{where}: the student version still holds the placeholder "
                              f"{m.group(0)}")
