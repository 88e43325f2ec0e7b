"""Edit course.yml as text, so the instructor's comments and layout stay: the
teams' `members:` block written or replaced (`course teams --random`), and a
milestone added to a project (`course new HW --project P`).

Where each block begins and ends comes from the YAML parser's marks, not from
guessing at indentation. The edited text is loaded and validated as `course`
would read it before it replaces course.yml, so a failure leaves the file as it was.
"""
from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import yaml

from autograder.course.config import Course, load_course
from autograder.course.teams import propose, split_sizes
from autograder.errors import CourseError


def _root(text: str) -> yaml.MappingNode:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        raise CourseError("course.yml: expected a mapping of settings at the top level")
    return node


def _get(mapping: yaml.Node, key: str) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of `key` in a mapping node, or (None, None)."""
    if isinstance(mapping, yaml.MappingNode):
        for k, v in mapping.value:
            if k.value == key:
                return k, v
    return None, None


def _end(lines: list[str], node: yaml.Node, indent: int) -> int:
    """Index of the line after the node's last line of content. A block node's end
    mark is where the next setting begins, so blank lines and comments indented
    less than `indent` just before it belong to what follows and are left out."""
    mark = node.end_mark
    line = lines[mark.line] if mark.line < len(lines) else ""
    end = mark.line if not line[:mark.column].strip() else mark.line + 1
    while end > node.start_mark.line + 1:
        prev = lines[end - 1]
        if prev.strip() and not (prev.lstrip().startswith("#")
                                 and len(prev) - len(prev.lstrip()) < indent):
            break
        end -= 1
    return end


def _dash(lines: list[str], item: yaml.Node) -> str:
    """The indentation of the `- ` that starts a block sequence's item."""
    m = re.match(r"^(\s*)- ", lines[item.start_mark.line])
    if not m:
        raise CourseError(f"course.yml:{item.start_mark.line + 1}: write this list in block "
                          "style (one `- id: ...` per line) so that an entry can be added")
    return m.group(1)


def _block(node: yaml.Node, what: str) -> None:
    if node.flow_style:
        raise CourseError(f"course.yml:{node.start_mark.line + 1}: write `{what}` in block "
                          "style (one entry per line) so that it can be edited")


def _splice(text: str, at: int, new: list[str], upto: int | None = None) -> str:
    """The text with lines [at, upto) replaced by `new` (inserted when upto is None)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines[:at] + [ln + "\n" for ln in new] + lines[at if upto is None else upto:])


def set_team_members(text: str, teams: dict[str, list[str]], note: str,
                     size: tuple[int, int] | None) -> str:
    """course.yml's text with `teams.members` set to `teams` (replacing the block
    if there is one); `size` (min, max) is written only where there is no
    `teams:` section yet."""
    lines = text.splitlines()
    root = _root(text)
    key, value = _get(root, "teams")

    def members(indent: str) -> list[str]:
        return ([f"{indent}members:   # {note}"]
                + [f"{indent}  {team}: [{', '.join(ids)}]" for team, ids in teams.items()])

    if key is None:
        head = ["", "teams:"] + ([f"  size: {{min: {size[0]}, max: {size[1]}}}"] if size else [])
        return _splice(text, len(lines), head + members("  "))
    if not isinstance(value, yaml.MappingNode) or not value.value:
        raise CourseError(f"course.yml:{key.start_mark.line + 1}: `teams:` must be a mapping "
                          "(size, members or file) for teams to be written into it")
    _block(value, "teams:")
    indent = " " * value.value[0][0].start_mark.column
    mkey, mvalue = _get(value, "members")
    if mkey is None:
        return _splice(text, _end(lines, value, len(indent)), members(indent))
    return _splice(text, mkey.start_mark.line, members(indent),
                   _end(lines, mvalue, len(indent) + 1))


def add_milestone(text: str, project_id: str, project_lines, entry_for) -> str:
    """course.yml's text with a milestone appended to project `project_id`'s
    `milestones:`, or a new project holding it appended to `projects:`.
    `entry_for(indent)` writes the milestone at a list indentation;
    `project_lines(indent)` the new project's lines before `milestones:`."""
    lines = text.splitlines()
    root = _root(text)
    key, projects = _get(root, "projects")
    if key is None:
        new = ["", "projects:", *project_lines("  "), "    milestones:"]
        return _splice(text, len(lines), new + entry_for("      ").rstrip("\n").split("\n"))
    if not isinstance(projects, yaml.SequenceNode) or not projects.value:
        raise CourseError(f"course.yml:{key.start_mark.line + 1}: `projects:` must be a "
                          "non-empty list for a project to be added to it")
    _block(projects, "projects:")
    for project in projects.value:
        pid = _get(project, "id")[1]
        if pid is not None and pid.value == project_id:
            mkey, milestones = _get(project, "milestones")
            if not isinstance(milestones, yaml.SequenceNode) or not milestones.value:
                raise CourseError(f"course.yml:{project.start_mark.line + 1}: project "
                                  f"'{project_id}' has no `milestones:` list to add to")
            _block(milestones, "milestones:")
            indent = _dash(lines, milestones.value[0])
            return _splice(text, _end(lines, milestones, len(indent)),
                           entry_for(indent).rstrip("\n").split("\n"))
    indent = _dash(lines, projects.value[0])
    new = [*project_lines(indent), f"{indent}  milestones:"]
    return _splice(text, _end(lines, projects, len(indent)),
                   new + entry_for(indent + "    ").rstrip("\n").split("\n"))


def replace_course_yml(course: Course, text: str, tag: str) -> Course:
    """Validate `text` as course.yml (loaded as `course` reads it), then put it in
    place atomically. On any error course.yml is unchanged and the message names
    course.yml, not the trial copy."""
    trial = course.source.with_name(f".{course.source.name}.{tag}.new")
    try:
        trial.write_text(text)
        try:
            checked = load_course(trial, course.course_dir)
        except CourseError as exc:
            raise CourseError(f"{str(exc).replace(trial.name, course.source.name)} "
                              f"(nothing written; {course.source.name} is unchanged)") from None
        os.replace(trial, course.source)
    finally:
        Path(trial).unlink(missing_ok=True)
    return dataclasses.replace(checked, source=course.source)


def write_random_teams(course: Course, size: int, seed: int,
                       replace: bool = False) -> tuple[Course, dict[str, list[str]]]:
    """Draw teams of about `size` from the whole roster with `seed` and write them
    into course.yml's `teams.members`. Teams already there are replaced only with
    `replace`, and only when course.yml's `members:` is where they all come from."""
    written = (yaml.safe_load(course.source.read_text()) or {}).get("teams") or {}
    listed = {t: tuple(m) for t, m in (written.get("members") or {}).items()}
    if course.teams and not replace:
        raise CourseError(f"course.yml already has {len(course.teams)} team(s) (`course teams` "
                          "lists them); add --replace to draw new ones for the whole roster")
    if {t.id: t.members for t in course.teams.values()} != listed:
        raise CourseError("some teams come from a team file or the roster's `team` column; "
                          "clear those before drawing teams into course.yml")
    teams = propose([s.id for s in course.roster], size, seed, course.team_size,
                    {s.id for s in course.roster})
    sizes = split_sizes(len(course.roster), size, course.team_size)
    note = f"drawn by `course teams --random {size} --seed {seed}`"
    text = set_team_members(course.source.read_text(), teams, note,
                            None if written else (min(sizes), max(sizes)))
    return replace_course_yml(course, text, "teams"), teams
