"""Teams for course projects: who is in which team, read from course.yml (a
`teams:` section, a CSV of team,student rows, or a `team` column of the roster),
validated against the roster, and drawn at random for `course teams --random`.

Every error is one line that starts with the file and line where the team or the
member was written, so an instructor can jump to it. A team's work is stored and
graded under the team's id (docs/engine.md, "Team work"), so a team id must not
also be a student's id.
"""
from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import CourseError

TEAM_COLUMNS = ("team", "student")


@dataclass(frozen=True)
class Team:
    id: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class TeamSize:
    """course.yml `teams.size`: how many members a team may have."""
    min: int = 1
    max: int | None = None

    def describe(self) -> str:
        if self.max is None:
            return f"at least {self.min}"
        return f"{self.min} to {self.max}" if self.min != self.max else f"exactly {self.min}"


@dataclass(frozen=True)
class Placement:
    """One statement "this student is in this team", and where it was written."""
    team: str
    student: str
    where: str  # "course.yml:12" or "teams.csv:3"


def read_team_file(path: Path, shown: str, id_pattern: str) -> list[Placement]:
    """The rows of a team,student CSV (a header line first; Excel's BOM is fine)."""
    if not path.is_file():
        raise CourseError(f"{shown}: team file not found: {path}")
    out = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        if sorted(header) != sorted(TEAM_COLUMNS):
            raise CourseError(f"{path.name}:1: the header must be exactly the columns "
                              f"{', '.join(TEAM_COLUMNS)} (found: {', '.join(header) or 'nothing'})")
        reader.fieldnames = header
        for line, row in enumerate(reader, start=2):
            team, student = (row.get("team") or "").strip(), (row.get("student") or "").strip()
            for what, value in (("team id", team), ("student id", student)):
                if not re.match(id_pattern, value):
                    raise CourseError(f"{path.name}:{line}: bad {what} {value!r} "
                                      "(letters, digits, _ and - only)")
            out.append(Placement(team, student, f"{path.name}:{line}"))
    return out


def build_teams(placements: list[Placement], declared: dict[str, str], size: TeamSize,
                roster: list[str]) -> dict[str, Team]:
    """Teams from placements, checked against the roster and the size rule.
    `declared` is {team id: where the team itself is written} (its first
    placement when it has no line of its own)."""
    students = set(roster)
    home: dict[str, Placement] = {}
    members: dict[str, list[str]] = {}
    for p in placements:
        declared.setdefault(p.team, p.where)
        if p.student not in students:
            raise CourseError(f"{p.where}: '{p.student}' in team '{p.team}' is not on the roster")
        if p.student in home:
            first = home[p.student]
            if first.team == p.team:
                raise CourseError(f"{p.where}: '{p.student}' is listed twice in team '{p.team}'")
            raise CourseError(f"{p.where}: '{p.student}' is already in team '{first.team}' "
                              f"({first.where}); a student is in one team only")
        home[p.student] = p
        members.setdefault(p.team, []).append(p.student)
    teams = {}
    for team, where in declared.items():
        if team in students:
            raise CourseError(f"{where}: team id '{team}' is also a student's id; give the team "
                              "another name (a team's work is stored under its id)")
        n = len(members.get(team, []))
        if n < size.min:
            raise CourseError(f"{where}: team '{team}' has {n} member(s), fewer than the "
                              f"minimum of {size.min} (teams.size)")
        if size.max is not None and n > size.max:
            raise CourseError(f"{where}: team '{team}' has {n} members, more than the "
                              f"maximum of {size.max} (teams.size)")
        teams[team] = Team(team, tuple(members[team]))
    return teams


def split_sizes(n: int, size: int, rule: TeamSize = TeamSize()) -> list[int]:
    """Sizes of teams for n students aiming at `size`, as even as possible: no team
    larger than `size` (7 by 3: 3, 2, 2) unless that leaves a team of one where
    `size` is larger (5 by 2: 3, 2), and within `rule` when either way fits."""
    if n == 0:
        return []
    options = []
    for count in sorted({-(-n // size), max(1, n // size)}):
        sizes = [n // count + (i < n % count) for i in range(count)]
        fits = rule.min <= min(sizes) and (rule.max is None or max(sizes) <= rule.max)
        options.append((not fits, min(sizes) < min(size, 2), -count, sizes))
    return min(options)[-1]


def propose(students: list[str], size: int, seed: int, rule: TeamSize,
            taken: set[str], prefix: str = "team") -> dict[str, list[str]]:
    """Students shuffled by `seed` into teams of about `size`, named prefix01, ...
    (an id in `taken` is skipped). The same roster and seed give the same teams."""
    if size < 1:
        raise CourseError("the team size must be at least 1")
    sizes = split_sizes(len(students), size, rule)
    if not sizes:
        raise CourseError("the roster is empty: no students to put in teams")
    low, high = min(sizes), max(sizes)
    if low < rule.min or (rule.max is not None and high > rule.max):
        raise CourseError(f"{len(students)} students in teams of about {size} gives teams of "
                          f"{low} to {high}, but course.yml allows {rule.describe()} members "
                          "(teams.size); pick another size")
    order = sorted(students)
    random.Random(seed).shuffle(order)
    names = (f"{prefix}{i:02d}" for i in range(1, 10**6))
    out: dict[str, list[str]] = {}
    start = 0
    for n in sizes:
        name = next(x for x in names if x not in taken)
        out[name] = sorted(order[start:start + n])
        start += n
    return out
