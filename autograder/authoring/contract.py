"""What must hold between a homework's notebook and its hidden checks before anything
is released or graded; each rule fails with one line that names the fix.

- Every autograded test cell has a hidden question (`hw.question(grade_id)`), and every
  question a test cell: otherwise a grade_id typo would leave a cell scored by its
  visible asserts alone, or a question that never runs.
- The notebook states the design's sample sizes through `{{name}}` placeholders, filled
  here from `hw.sizes(budget)`: every placeholder names a size of the design and every
  size is stated, so the text cannot drift from the design when the budget changes.
- The manifest (`hw.variant`) names every file of the solution's mistakes/ and
  alternatives/ folders, each once, only files that exist, and only questions that
  exist; an entry of alternatives alone loses nothing (an alternative is a correct
  answer). A variant nobody declared is a variant no test grades.
"""
from __future__ import annotations

import re
from pathlib import Path

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


VARIANT_FOLDERS = ("mistakes", "alternatives")


def check_variants(hw: Homework, solutions: Path, where: str) -> None:
    """The manifest and the variant files under `solutions` (solutions/<hw>/) match."""
    named = set()
    for entry in hw.variants:
        for name in entry.files:
            path = Path(name)
            if path.parent.as_posix() not in VARIANT_FOLDERS or path.suffix != ".py":
                raise CourseError(f"{where}: manifest entry {name} is not a .py file in "
                                  f"{' or '.join(VARIANT_FOLDERS)}/")
            if not (solutions / path).is_file():
                raise CourseError(f"{where}: manifest entry {name} names a file that does not "
                                  f"exist in {solutions}")
            named.add(path.as_posix())
        for gid in [*entry.loses, *entry.partly, *entry.told, *entry.luck]:
            if gid not in hw.questions:
                raise CourseError(f"{where}: manifest entry {entry.name} names '{gid}', which "
                                  "is not a hidden question")
        if all(n.startswith("alternatives/") for n in entry.files) and (entry.loses or entry.partly):
            raise CourseError(f"{where}: manifest entry {entry.name} is an alternative (a "
                              "correct answer) but is declared to lose points")
    for folder in VARIANT_FOLDERS:
        for path in sorted((solutions / folder).glob("*.py")):
            if f"{folder}/{path.name}" not in named:
                raise CourseError(f"{where}: {folder}/{path.name} is in no manifest entry; "
                                  f"declare it with hw.variant(\"{folder}/{path.name}\", ...) "
                                  "in the checks file")


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
