"""Instructor: write a new homework's pieces from a worked example (`course new HW`).

A homework is its question notebook, its reference solution (with two variants: a
known mistake and another correct method), its hidden checks and an entry in
course.yml. The example in
autograder/templates/new/ is small but complete: a simulation question whose check
takes its band from a standard error and ctx.alpha, whose design derives the sample
size from the false-fail budget, and whose known mistake is declared with words for
the student; it releases and earns full marks as written, so an instructor edits a
homework that works instead of starting from a blank page (docs/authoring.md).

The course.yml entry is inserted as text at the end of the `assignments:` list (or
of a project's `milestones:`, with `--project`), so the file's comments and layout
stay as the instructor wrote them; the new file is
loaded and validated before it replaces the old one, and nothing is left behind when
any step fails.
"""
from __future__ import annotations

import keyword
import os
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import nbformat

from autograder.authoring.course_text import add_milestone
from autograder.course.config import Course, load_course
from autograder.errors import CourseError

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "new"
TOKENS = ("__HW_ID__", "__TITLE__")
QUESTIONS = {"test_p_y_do": 3}    # the example's graded cells and their points
MISTAKE = "mistakes/conditioning.py"           # a known wrong answer, as a variant
ALTERNATIVE = "alternatives/adjustment.py"     # another correct method, as a variant


@dataclass(frozen=True)
class Scaffold:
    """Where a new homework's pieces go, relative to the folder of course.yml."""
    id: str
    title: str

    @property
    def notebook(self) -> str:
        return f"assignments/{self.id}/{self.id}.ipynb"

    @property
    def checks(self) -> str:
        return f"assignments/{self.id}/checks.py"

    @property
    def solution(self) -> str:
        return f"solutions/{self.id}/{self.id}.py"

    @property
    def mistake(self) -> str:
        return f"solutions/{self.id}/{MISTAKE}"

    @property
    def alternative(self) -> str:
        return f"solutions/{self.id}/{ALTERNATIVE}"

    def files(self) -> list[str]:
        return [self.notebook, self.solution, self.mistake, self.alternative, self.checks]


def check_id(hw_id: str) -> None:
    """A homework id names folders, files and a Python module: an ASCII identifier."""
    if not (hw_id.isascii() and hw_id.isidentifier()) or keyword.iskeyword(hw_id):
        raise CourseError(f"'{hw_id}' is not a valid homework id: use letters, digits and _, "
                          "starting with a letter (e.g. frontdoor_2)")


def check_title(title: str) -> str:
    title = title.strip()
    if not title or any(ord(ch) < 32 for ch in title):
        raise CourseError("the title must be one non-empty line of text")
    return title


def default_title(hw_id: str) -> str:
    return hw_id.replace("_", " ").strip().capitalize()


def _fill(text: str, s: Scaffold, *, docstring: bool = False) -> str:
    # In checks.py the title lands in the module docstring: escape what would end it.
    title = s.title.replace("\\", "\\\\").replace('"', '\\"') if docstring else s.title
    return text.replace("__HW_ID__", s.id).replace("__TITLE__", title)


def render(s: Scaffold) -> dict[str, str]:
    """{relative path: text} of the homework's files."""
    nb = nbformat.read(TEMPLATES / "notebook.ipynb", as_version=4)
    for cell in nb.cells:
        cell.source = _fill(cell.source, s)
    return {s.notebook: nbformat.writes(nb) + "\n",
            s.solution: _fill((TEMPLATES / "solution.py").read_text(), s),
            s.mistake: _fill((TEMPLATES / "mistake.py").read_text(), s),
            s.alternative: _fill((TEMPLATES / "alternative.py").read_text(), s),
            s.checks: _fill((TEMPLATES / "checks.py").read_text(), s, docstring=True)}


def course_entry(s: Scaffold, indent: str, today: datetime | None = None,
                 group: bool = False) -> str:
    """The assignment's course.yml entry, as YAML text at the list's indentation;
    `group` marks it as team work."""
    today = today or datetime.now(timezone.utc)
    due = datetime.combine((today + timedelta(weeks=4)).date(), time(23, 59), timezone.utc)
    seed_base = zlib.crc32(s.id.encode()) % 10_000   # fixed per id, differs between homeworks
    title = s.title.replace("\\", "\\\\").replace('"', '\\"')
    k = indent + "  "
    lines = [f"{indent}- id: {s.id}",
             f'{k}title: "{title}"',
             f"{k}notebook: {s.notebook}",
             f"{k}solution: {s.solution}",
             f"{k}checks: {s.checks}",
             *([f"{k}group: true          # team work: one submission and one grade per team"]
               if group else []),
             f"{k}# datasets: [datasets/{s.id}/data.csv]   # copied next to the notebook",
             f"{k}due: {due.isoformat()}   # REPLACE: the deadline, with its time zone",
             f"{k}late_policy: {{kind: per_day, fraction_per_day: 0.1, max_fraction: 0.5}}",
             f"{k}timeout: {{cell: 120, notebook: 600}}",
             f"{k}seeds: {{policy: per_student, base: {seed_base}}}",
             f"{k}questions:            # grade_id: points, one per graded cell of the notebook"]
    lines += [f"{k}  {gid}: {points:g}" for gid, points in QUESTIONS.items()]
    return "\n".join(lines) + "\n"


_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


def insert_entry(text: str, entry_for) -> str:
    """course.yml's text with an entry appended to its block-style `assignments:` list.
    `entry_for(indent)` writes the entry at the indentation the list already uses."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if re.match(r"^assignments\s*:\s*(#.*)?$", ln)),
                 None)
    if start is None:
        raise CourseError("course.yml has no block-style `assignments:` list to add to "
                          "(write one entry by hand as `assignments:` then `  - id: ...`)")
    end = start + 1          # one past the block's last indented line
    indent = None
    for i in range(start + 1, len(lines)):
        ln = lines[i]
        if _TOP_KEY.match(ln):
            break                               # the next top-level setting
        # indented lines (comments too) and list items belong to the list; a comment
        # at column 0 after it introduces what follows, so the entry goes before it
        if ln.strip() and (ln[0].isspace() or ln.startswith("-")):
            end = i + 1
            m = re.match(r"^(\s*)- ", ln)
            if indent is None and m:
                indent = m.group(1)
    if indent is None:
        raise CourseError("course.yml: `assignments:` has no `- id: ...` entry to follow")
    head = "".join(lines[:end])
    if head and not head.endswith("\n"):
        head += "\n"
    return head + entry_for(indent) + "".join(lines[end:])


def project_lines(project_id: str, group: bool):
    """A new project's lines before its `milestones:`, at a list's indentation."""
    def lines(indent: str) -> list[str]:
        return [f"{indent}- id: {project_id}",
                f'{indent}  title: "{default_title(project_id)}"   # REPLACE: the project\'s title',
                *([f"{indent}  group: true          # its milestones are team work"] if group else [])]
    return lines


def course_yml_with(course: Course, s: Scaffold, team: bool, project: str | None) -> str:
    """course.yml's text with the new entry: in `assignments:`, or a milestone of
    `project` (a new project when course.yml has none of that id)."""
    text = course.source.read_text()
    if project is None:
        return insert_entry(text, lambda indent: course_entry(s, indent, group=team))
    check_id(project)
    known = course.projects.get(project)
    if known is None and project in course.assignments:
        raise CourseError(f"'{project}' is an assignment, not a project; pick another project id")
    own_group = team and known is not None and not all(
        course.assignments[m].group for m in known.milestones)
    return add_milestone(text, project, project_lines(project, team),
                         lambda indent: course_entry(s, indent, group=own_group))


def new_homework(course: Course, hw_id: str, title: str | None = None, team: bool = False,
                 project: str | None = None) -> list[Path]:
    """Write the homework `hw_id` next to course.yml and add it to course.yml
    (team work with `team`; a milestone of `project` when given). Returns the
    files written, course.yml last."""
    check_id(hw_id)
    if hw_id in course.assignments:
        raise CourseError(f"course.yml already has an assignment '{hw_id}'; pick another id")
    s = Scaffold(hw_id, check_title(title if title is not None else default_title(hw_id)))
    base = course.repo
    taken = [f for f in s.files() if (base / f).exists()]
    if taken:
        raise CourseError(f"{taken[0]} already exists; move it away or pick another id "
                          "(course new never overwrites a file)")
    new_text = course_yml_with(course, s, team, project)
    written: list[Path] = []
    made: list[Path] = []
    trial = course.source.with_name(f".{course.source.name}.{hw_id}.new")
    try:
        for rel, text in render(s).items():
            path = base / rel
            for parent in reversed(path.relative_to(base).parents[:-1]):
                if not (base / parent).exists():
                    (base / parent).mkdir()
                    made.append(base / parent)
            path.write_text(text)
            written.append(path)
        trial.write_text(new_text)
        try:
            check = load_course(trial, course.course_dir)   # the whole file, as `course` reads it
        except CourseError as exc:   # name the file the instructor knows, not the trial copy
            raise CourseError(f"{str(exc).replace(trial.name, course.source.name)} "
                              f"(nothing written; {course.source.name} is unchanged)") from None
        landed = check.assignments.get(hw_id)
        if landed is None or (team and not landed.group) or (project and landed.project != project):
            raise CourseError("course.yml: the new entry did not land where it should")
        os.replace(trial, course.source)
    except BaseException:
        trial.unlink(missing_ok=True)
        for path in reversed(written):
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    return written + [course.source]


def next_steps(hw_id: str) -> list[str]:
    """What an instructor does after `course new` (docs/authoring.md walks through it)."""
    return [f"edit assignments/{hw_id}/{hw_id}.ipynb (the questions) and "
            f"solutions/{hw_id}/{hw_id}.py (one section per answer cell)",
            f"declare design, questions and wrong answers in assignments/{hw_id}/checks.py",
            f"course release {hw_id}",
            f"course check-solutions {hw_id}",
            f"course calibrate {hw_id}"]
