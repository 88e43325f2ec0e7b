"""Assemble the instructor notebook: question template + reference solution.

`assignments/HW/HW.ipynb` holds the questions; each answer cell has an nbgrader
grade_id and an empty `### BEGIN SOLUTION` / `### END SOLUTION` region.
`solutions/HW/HW.py` holds the reference code, one `# %% [grade_id]` section per
answer cell (`# %% [grade_id] markdown` for written answers, lines prefixed
`# `). The merge is nbgrader's source notebook; points come from course.yml, the
sizes the text states from the checks' design at the assignment's budget, and the
contract between cells and hidden questions is checked (contract.py).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import nbformat

from autograder.authoring import contract
from autograder.course.config import Assignment
from autograder.errors import CourseError
from autograder.homework import load_homework
from autograder.nbcells import grade_id, is_answer_cell, meta

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_HEADER = re.compile(r"^# %% \[([A-Za-z0-9_-]+)\]( markdown)?\s*$")


def read_solution_sections(path: Path) -> dict[str, tuple[str, str]]:
    """{grade_id: (kind, text)} from a percent-format solution file."""
    sections: dict[str, tuple[str, list[str]]] = {}
    current = None
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            current = m.group(1)
            if current in sections:
                raise CourseError(f"{path.name}:{lineno}: section [{current}] appears twice")
            sections[current] = ("markdown" if m.group(2) else "code", [])
        elif current is not None:
            sections[current][1].append(line)
    out = {}
    for gid, (kind, lines) in sections.items():
        if kind == "markdown":
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in lines]
        out[gid] = (kind, "\n".join(lines).strip("\n"))
    return out


def build_source_notebook(assignment: Assignment) -> nbformat.NotebookNode:
    try:
        nb = nbformat.read(assignment.notebook, as_version=4)
    except Exception as exc:
        raise CourseError(f"{assignment.notebook}: not a readable notebook ({exc})") from None
    solutions = read_solution_sections(assignment.solution)
    seen, graded = set(), set()
    for cell in nb.cells:
        m, gid = meta(cell), grade_id(cell)
        if m.get("grade") or m.get("task"):
            if gid not in assignment.questions:
                raise CourseError(f"{assignment.notebook.name}: graded cell '{gid}' has no points "
                                  f"in course.yml (assignment {assignment.id})")
            m["points"] = assignment.questions[gid]
            graded.add(gid)
        if not is_answer_cell(cell):
            continue
        if gid not in solutions:
            raise CourseError(f"{assignment.solution.name}: no section [{gid}] for answer cell '{gid}'")
        kind, text = solutions[gid]
        seen.add(gid)
        if cell.cell_type == "markdown":
            cell.source = text
        elif BEGIN in cell.source and END in cell.source:
            head, rest = cell.source.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            cell.source = f"{head}{BEGIN}\n{text}\n{END}{tail}"
        else:
            raise CourseError(f"{assignment.notebook.name}: answer cell '{gid}' has no "
                              f"{BEGIN} / {END} region")
    extra = sorted(set(solutions) - seen)
    if extra:
        raise CourseError(f"{assignment.solution.name}: section [{extra[0]}] matches no answer cell")
    missing = sorted(set(assignment.questions) - graded)
    if missing:
        raise CourseError(f"course.yml gives points to '{missing[0]}', which is not a graded "
                          f"cell of {assignment.notebook.name}")
    hw = load_homework(assignment.checks)
    where = f"{assignment.id} ({assignment.notebook.name})"
    contract.check_cells(nb, hw, where)
    contract.state_sizes(nb, hw.sizes(assignment.false_fail_budget), where)
    contract.check_variants(hw, assignment.solution.parent, where)
    return nb


def solution_lines(assignment: Assignment) -> set[str]:
    """Distinctive reference-solution lines: those the question template lacks."""
    nb = nbformat.read(assignment.notebook, as_version=4)
    template = {ln.strip() for cell in nb.cells for ln in cell.source.splitlines()}
    lines = set()
    for kind, text in read_solution_sections(assignment.solution).values():
        for line in text.splitlines():
            s = line.strip()
            if len(s) > 12 and s not in template and not s.startswith("#"):
                lines.add(s)
    return lines


STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def fill_student_notebook(nb, sections: dict[str, tuple[str, str]]):
    """Answer a notebook as a student would, in place: in the answer cells named in
    `sections` (same format as a solution file), replace nbgrader's stub (a released
    notebook) or the solution region (a source notebook); written answers replace the
    cell."""
    for cell in nb.cells:
        gid = grade_id(cell)
        if not is_answer_cell(cell) or gid not in sections:
            continue
        text = sections[gid][1]
        if cell.cell_type == "markdown":
            cell.source = text
        elif STUB in cell.source:
            cell.source = cell.source.replace(STUB, text)
        elif BEGIN in cell.source and END in cell.source:
            head, rest = cell.source.split(BEGIN, 1)
            cell.source = f"{head}{text}{rest.split(END, 1)[1]}"
        else:
            raise CourseError(f"answer cell '{gid}' has no nbgrader stub to replace")
    return nb


VariantFiles = str | Path | Sequence[str | Path] | None   # one file, several, or none


def variant_paths(assignment: Assignment, variant: VariantFiles) -> list[Path]:
    """The files of a variant: none (the reference), one, or several; a relative name is
    under solutions/<hw>/ (e.g. "mistakes/naive.py")."""
    if variant is None:
        return []
    names = [variant] if isinstance(variant, (str, Path)) else list(variant)
    return [Path(n) if Path(n).is_absolute() else assignment.solution.parent / n for n in names]


def solution_variant(assignment: Assignment, variant: VariantFiles) -> dict[str, tuple[str, str]]:
    """Reference sections with some replaced by one variant file (a known mistake, another
    method) or by several that replace different sections, graded in one kernel run."""
    sections = read_solution_sections(assignment.solution)
    owner: dict[str, str] = {}
    for path in variant_paths(assignment, variant):
        if path == assignment.solution:
            continue
        own = read_solution_sections(path)
        both = sorted(set(own) & set(owner))
        if both:
            raise CourseError(f"{path.name}: section [{both[0]}] is also replaced by "
                              f"{owner[both[0]]}; variants graded together must replace "
                              "different sections")
        owner.update(dict.fromkeys(own, path.name))
        sections.update(own)
    return sections


def answer_from_variant(nb, assignment: Assignment, variant: VariantFiles = None, *,
                        written: dict[str, str] | None = None,
                        extra: dict[str, str] | None = None):
    """Answer `nb` (released or source notebook, in place) with the reference solution,
    or with the reference where a variant (one file under solutions/<hw>/ or an absolute
    path, or a tuple of files replacing different sections) has sections; `written`
    replaces written answers, `extra` appends code to a section. The one way demo, tests
    and benchmarks hand in a notebook."""
    sections = solution_variant(assignment, variant)
    answers = {grade_id(c) for c in nb.cells if is_answer_cell(c)}
    for path in variant_paths(assignment, variant):
        unknown = sorted(set(read_solution_sections(path)) - answers)
        if unknown:
            raise CourseError(f"{path.name}: section [{unknown[0]}] matches no answer cell")
    for gid, text in (written or {}).items():
        sections[gid] = ("markdown", text)
    for gid, code in (extra or {}).items():
        sections[gid] = ("code", sections[gid][1] + "\n" + code)
    return fill_student_notebook(nb, sections)
