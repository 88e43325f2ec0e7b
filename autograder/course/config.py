"""Load and validate course.yml, the single source of course configuration.

Errors are one line, `FILE:LINE: where: what`, so an instructor can jump to the
mistake. Everything else in the platform reads the typed `Course` built here.
"""
from __future__ import annotations

import csv
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import yaml

from autograder.checks.budget import DEFAULT_BUDGET
from autograder.course.dirs import CourseDirs, default_exchange
from autograder.course.teams import Placement, Team, TeamSize, build_teams, read_team_file
from autograder.errors import CourseError

_ID = r"^[A-Za-z0-9_-]+$"
DUE_PLACEHOLDER = "# REPLACE"  # `course new` marks the due date it makes up; release refuses it
_DATE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})$"
_INT = {"type": "integer", "minimum": 1}


def _settings(properties: dict) -> dict:
    """A mapping of known settings only: a misspelt key is an error, not ignored."""
    return {"type": "object", "additionalProperties": False, "properties": properties}


SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["course_id"],
    "properties": {
        "course_id": {"type": "string", "pattern": _ID},
        "course_dir": {"type": "string"},
        "exchange": {"type": "string"},
        "workers": _INT,
        "submission_mb": _INT,
        "dask_scheduler": {"type": "string"},
        "sandbox": _settings({
            "memory_mb": {"type": "integer", "minimum": 256}, "cpu_seconds": _INT,
            "processes": {"type": "integer", "minimum": 16}, "file_mb": _INT,
            "threads": _INT, "output_mb": _INT, "notebook_output_mb": _INT,
            "disk_mb": {"type": "integer", "minimum": 16}}),
        "roster": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "pattern": _ID},
                    "first_name": {"type": "string"},
                    "last_name": {"type": "string"},
                    "email": {"type": "string"},
                    "sis_user_id": {"type": "string"},
                    "sis_login_id": {"type": "string"},
                    "section": {"type": "string"},
                    "team": {"type": "string", "pattern": _ID},
                },
            },
        },
        "roster_file": {"type": "string"},
        "false_fail_budget": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.05},
        # ask staged questions one stage at a time, stopping at a rejection (docs/engine.md)
        "early_rejection": {"type": "boolean"},
        "teams": _settings({
            "size": _settings({"min": _INT, "max": _INT}),
            "members": {"type": "object", "propertyNames": {"pattern": _ID},
                        "additionalProperties": {"type": "array", "minItems": 1,
                                                 "items": {"type": "string", "pattern": _ID}}},
            "file": {"type": "string"},  # a CSV with the columns team,student
        }),
        "assignments": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "title", "notebook", "solution", "checks", "due", "questions"],
                "properties": {
                    "id": {"type": "string", "pattern": _ID},
                    "title": {"type": "string"},
                    "notebook": {"type": "string"},
                    "solution": {"type": "string"},
                    "checks": {"type": "string"},
                    "due": {"type": "string", "pattern": _DATE},
                    "late_policy": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["kind"],
                        "properties": {
                            "kind": {"enum": ["none", "zero", "per_day"]},
                            "fraction_per_day": {"type": "number", "minimum": 0, "maximum": 1},
                            "max_fraction": {"type": "number", "minimum": 0, "maximum": 1},
                            "grace_minutes": {"type": "number", "minimum": 0},
                        },
                    },
                    # student id (a team's id for team work) -> a new due date, or extra days
                    "extensions": {
                        "type": "object",
                        "propertyNames": {"pattern": _ID},
                        "additionalProperties": {"anyOf": [
                            {"type": "string", "pattern": _DATE},
                            {"type": "number", "exclusiveMinimum": 0}]},
                    },
                    "canvas_column": {"type": "string", "minLength": 1},
                    "group": {"type": "boolean"},  # team work: submitted and graded per team
                    # student id -> points added to their final grade (negative: taken off), and why
                    "adjustments": {
                        "type": "object",
                        "propertyNames": {"pattern": _ID},
                        "additionalProperties": _settings({
                            "points": {"type": "number"},
                            "reason": {"type": "string", "minLength": 1}}) | {
                            "required": ["points", "reason"]},
                    },
                    "timeout": _settings({"cell": _INT, "notebook": _INT}),
                    "seeds": _settings({"policy": {"enum": ["per_student", "fixed"]},
                                        "base": {"type": "integer", "minimum": 0}}),
                    "datasets": {"type": "array", "items": {"type": "string"}},
                    "false_fail_budget": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.05},
                    "early_rejection": {"type": "boolean"},
                    "questions": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
                    },
                },
            },
        },
        "projects": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "title", "milestones"],
                "properties": {
                    "id": {"type": "string", "pattern": _ID},
                    "title": {"type": "string"},
                    "group": {"type": "boolean"},  # the default of its milestones
                    "canvas_column": {"type": "string", "minLength": 1},  # of the summed column
                    # each milestone takes every key of an `assignments:` entry
                    "milestones": {"type": "array", "minItems": 1, "items": {}},
                },
            },
        },
    },
}
SCHEMA["properties"]["projects"]["items"]["properties"]["milestones"]["items"] = \
    SCHEMA["properties"]["assignments"]["items"]


@dataclass(frozen=True)
class Limits:
    """Per-kernel limits (course.yml `sandbox:`)."""
    memory_mb: int = 6144       # address space of each process
    cpu_seconds: int | None = None  # default: 2 x the notebook time limit
    processes: int = 256        # processes + threads of the sandbox user
    file_mb: int = 1024         # largest file the kernel may write
    threads: int = 1            # BLAS/OpenMP/torch threads per kernel
    output_mb: int = 4          # outputs kept per cell; the rest is dropped
    notebook_output_mb: int = 16  # outputs kept for the whole notebook
    disk_mb: int = 2048         # what the kernel may write (home and /tmp), counted in its memory

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Student:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


ROSTER_COLUMNS = ("id", "first_name", "last_name", "email", "sis_user_id", "sis_login_id", "section",
                  "team")


@dataclass(frozen=True)
class Adjustment:
    """Points added to one student's final grade (negative: taken off), and why;
    e.g. a team member who did not contribute (course.yml `adjustments:`)."""
    points: float
    reason: str


@dataclass(frozen=True)
class LatePolicy:
    kind: str = "none"  # none | zero | per_day
    fraction_per_day: float = 0.0
    max_fraction: float = 1.0
    grace_minutes: float = 0.0  # lateness up to this is forgiven (docs/cli.md)

    def days_late(self, seconds_late: float) -> int:
        """Days counted against a submission: 0 within the grace period, else
        each started 24 hours after the deadline plus the grace counts as one."""
        beyond = seconds_late - 60 * self.grace_minutes
        return 0 if beyond <= 0 else int(-(-beyond // 86400))  # ceiling

    def penalty_fraction(self, seconds_late: float) -> float:
        """Share of the score taken away."""
        days = self.days_late(seconds_late)
        if days == 0 or self.kind == "none":
            return 0.0
        if self.kind == "zero":
            return 1.0
        return min(self.max_fraction, days * self.fraction_per_day)

    def describe(self) -> str:
        grace = f", {self.grace_minutes:g} min grace" if self.grace_minutes else ""
        if self.kind == "none":
            return "no late penalty"
        if self.kind == "zero":
            return f"late work scores 0{grace}"
        return (f"{100 * self.fraction_per_day:g}% off per started day late, at most "
                f"{100 * self.max_fraction:g}%{grace}")


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    notebook: Path
    solution: Path
    checks: Path
    due: datetime
    questions: dict[str, float]
    late_policy: LatePolicy = LatePolicy()
    cell_timeout: int = 300
    notebook_timeout: int = 1800
    seed_policy: str = "per_student"
    seed_base: int = 0
    datasets: tuple[Path, ...] = ()
    false_fail_budget: float = DEFAULT_BUDGET
    early_rejection: bool = True  # staged questions asked one stage at a time (engine/stages.py)
    limits: Limits = Limits()  # the sandbox each submission's kernel runs in
    extensions: dict[str, timedelta] = field(default_factory=dict)  # student -> extra time
    canvas_column: str = ""  # the assignment's column header in Canvas (default: title)
    group: bool = False      # team work: one submission and one grade per team
    project: str = ""        # the project this is a milestone of, if any
    adjustments: dict[str, Adjustment] = field(default_factory=dict)  # student -> adjustment
    due_placeholder: str = ""  # "course.yml:LINE" while the due date is still `course new`'s placeholder

    @property
    def notebook_name(self) -> str:
        return self.notebook.stem

    def due_for(self, student_id: str) -> datetime:
        """The deadline of one student, with their extension."""
        return self.due + self.extensions.get(student_id, timedelta(0))


@dataclass(frozen=True)
class Project:
    """A course project: milestones, each an assignment of its own (course.yml `projects:`)."""
    id: str
    title: str
    milestones: tuple[str, ...]
    canvas_column: str = ""  # the header of the project's summed column in Canvas


@dataclass(frozen=True)
class Course:
    id: str
    source: Path  # the course.yml this came from
    course_dir: Path
    exchange: Path
    roster: tuple[Student, ...]
    assignments: dict[str, Assignment] = field(default_factory=dict)
    workers: int | None = None          # local grading processes (default: CPU cores)
    dask_scheduler: str | None = None   # grade on this Dask cluster instead
    submission_mb: int = 50             # largest submission folder collect accepts
    # the false-fail rate promised per submission (course.yml's top level); an assignment's
    # checks may spend less (its own false_fail_budget), which a certificate needs as margin
    false_fail_budget: float = DEFAULT_BUDGET
    teams: dict[str, Team] = field(default_factory=dict)
    team_size: TeamSize = TeamSize()
    projects: dict[str, Project] = field(default_factory=dict)

    @property
    def repo(self) -> Path:
        return self.source.parent

    @property
    def dirs(self) -> CourseDirs:
        """Every path of this course's state folder and exchange (course/dirs.py)."""
        return CourseDirs(self.course_dir, self.exchange, self.id)

    @property
    def db_url(self) -> str:
        return self.dirs.db_url

    def assignment(self, assignment_id: str) -> Assignment:
        try:
            return self.assignments[assignment_id]
        except KeyError:
            known = ", ".join(sorted(self.assignments)) or "none"
            raise CourseError(
                f"unknown assignment '{assignment_id}' (course.yml lists: {known})") from None

    def student(self, student_id: str) -> Student:
        for s in self.roster:
            if s.id == student_id:
                return s
        raise CourseError(f"unknown student '{student_id}': not on the course roster")

    def project(self, project_id: str) -> Project:
        try:
            return self.projects[project_id]
        except KeyError:
            known = ", ".join(sorted(self.projects)) or "none"
            raise CourseError(f"unknown project '{project_id}' (course.yml lists: {known})") from None

    def team_of(self, student_id: str) -> Team | None:
        return next((t for t in self.teams.values() if student_id in t.members), None)

    def nbgrader_ids(self, a: Assignment) -> list[str]:
        """Whose submissions of `a` there are: its teams for team work, else the
        roster's students. nbgrader stores and grades work under these ids."""
        return list(self.teams) if a.group else [s.id for s in self.roster]

    def members(self, a: Assignment, nbgrader_id: str) -> tuple[str, ...]:
        """The students whom the submission stored under `nbgrader_id` belongs to."""
        if not a.group:
            return (nbgrader_id,)
        team = self.teams.get(nbgrader_id)
        return team.members if team else ()

    def moved(self, course_dir: str | Path, *, roster=None, homeworks=None,
              assignment_changes: dict | None = None, **changes) -> "Course":
        """This course with its state in `course_dir` (and its exchange under it),
        optionally another roster (ids or Students), only some homeworks, assignment
        fields changed for each (`cell_timeout=60`) and course fields changed. Built
        in memory: the pipeline is handed this object, nothing reads course.yml again."""
        course_dir = Path(course_dir)
        if roster is not None:
            roster = tuple(s if isinstance(s, Student) else Student(str(s)) for s in roster)
        kept = {k: dataclasses.replace(a, **(assignment_changes or {}))
                for k, a in self.assignments.items() if homeworks is None or k in homeworks}
        projects = {p.id: dataclasses.replace(p, milestones=tuple(m for m in p.milestones if m in kept))
                    for p in self.projects.values() if any(m in kept for m in p.milestones)}
        return dataclasses.replace(self, course_dir=course_dir, exchange=default_exchange(course_dir),
                                   roster=self.roster if roster is None else roster,
                                   assignments=kept, projects=projects, **changes)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings so the schema sees what was typed."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line_of(node, path) -> int:
    """1-based line of the YAML node at `path` (keys and indices)."""
    line = node.start_mark.line
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line, node = key.start_mark.line, value
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _where(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "top level"


def _schema_error(err: jsonschema.ValidationError, root_node, source: Path) -> CourseError:
    path = list(err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set(err.schema.get("properties", {}))
        extra = sorted(k for k in err.instance if k not in allowed)
        if extra:
            path = path + [extra[0]]
            hint = f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""
            return CourseError(f"{source.name}:{_line_of(root_node, path)}: "
                               f"unknown key '{extra[0]}' in {_where(path[:-1])}{hint}")
    if err.validator == "pattern" and path and path[-1] == "due":
        msg = f"'{err.instance}' is not a date with time zone, e.g. 2027-02-01T23:59:00+00:00"
    elif err.validator == "required":
        msg = err.message
    else:
        msg = err.message
    return CourseError(f"{source.name}:{_line_of(root_node, path)}: {_where(path)}: {msg}")


def _parse_due(text: str, where: str) -> datetime:
    try:
        due = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError as exc:  # the pattern passed: a day or hour that does not exist
        raise CourseError(f"{where}: '{text}' is not a real date and time ({exc}); "
                          "fix it, e.g. 2027-02-28T23:59:00+00:00") from None
    return due.astimezone(timezone.utc)


def _extensions(a: dict, due: datetime, where) -> dict[str, timedelta]:
    out = {}
    for student, value in a.get("extensions", {}).items():
        if isinstance(value, str):
            new_due = _parse_due(value, where("extensions"))
            if new_due < due:
                raise CourseError(f"{where('extensions')}: the extension of '{student}' "
                                  f"({value}) is before the assignment's due date")
            out[student] = new_due - due
        else:
            out[student] = timedelta(days=value)
    return out


def _read_roster(data: dict, base: Path, source: Path, root_node,
                 placements: list[Placement]) -> tuple[Student, ...]:
    """The roster; each student's `team` (a column or key) is added to `placements`."""
    students = []
    for i, s in enumerate(data.get("roster", [])):
        if s.get("team"):
            placements.append(Placement(s["team"], s["id"], f"{source.name}:"
                                        f"{_line_of(root_node, ['roster', i, 'team'])}"))
        students.append(Student(**{k: v for k, v in s.items() if k != "team"}))
    if "roster_file" in data:
        path = base / data["roster_file"]
        if not path.is_file():
            raise CourseError(f"{source.name}:{_line_of(root_node, ['roster_file'])}: "
                              f"roster file not found: {path}")
        with path.open(newline="", encoding="utf-8-sig") as fh:  # -sig: Excel's BOM
            reader = csv.DictReader(fh)
            header = [h.strip() for h in reader.fieldnames or []]
            unknown = [h for h in header if h not in ROSTER_COLUMNS]
            if "id" not in header or unknown:
                what = f"unknown column '{unknown[0]}'" if unknown else "no 'id' column"
                raise CourseError(f"{path.name}:1: {what}; the header must name columns from: "
                                  f"{', '.join(ROSTER_COLUMNS)} (id is required)")
            reader.fieldnames = header
            for line, row in enumerate(reader, start=2):
                if not re.match(_ID, row.get("id") or ""):
                    raise CourseError(f"{path.name}:{line}: bad student id {row.get('id')!r} "
                                      "(letters, digits, _ and - only)")
                fields = {k: (row.get(k) or "").strip() for k in ROSTER_COLUMNS}
                team = fields.pop("team")
                if team:
                    if not re.match(_ID, team):
                        raise CourseError(f"{path.name}:{line}: bad team id {team!r} "
                                          "(letters, digits, _ and - only)")
                    placements.append(Placement(team, fields["id"], f"{path.name}:{line}"))
                students.append(Student(**fields))
    ids = [s.id for s in students]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CourseError(f"{source.name}: student id listed twice in the roster: {dupes[0]}")
    return tuple(students)


def _given(**settings) -> dict:
    """The settings course.yml states; the others are left to the dataclass's default."""
    return {k: v for k, v in settings.items() if v is not None}


def load_course(path: str | Path = "course.yml", course_dir: str | Path | None = None) -> Course:
    """Parse and validate course.yml. `course_dir` overrides where course state lives."""
    source = Path(path).resolve()
    if not source.is_file():
        raise CourseError(f"course configuration not found: {source}")
    text = source.read_text()
    try:
        root_node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise CourseError(f"{source.name}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise CourseError(f"{source.name}:1: expected a mapping of settings at the top level")

    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data),
                    key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        raise _schema_error(errors[0], root_node, source)

    base = source.parent
    lines = text.splitlines()
    cdir = Path(course_dir) if course_dir else base / data.get("course_dir", "course-run")
    cdir = cdir.resolve()
    exchange = data.get("exchange")
    exchange = (base / exchange).resolve() if exchange else default_exchange(cdir)
    limits = Limits(**data.get("sandbox", {}))

    # assignments and the projects' milestones, each with its place in the file
    entries = [(a, ["assignments", i], None) for i, a in enumerate(data.get("assignments", []))]
    for i, p in enumerate(data.get("projects", [])):
        entries += [(m, ["projects", i, "milestones", j], p) for j, m in enumerate(p["milestones"])]
    if not entries:
        raise CourseError(f"{source.name}: no assignments: list them under `assignments:` "
                          "(or as milestones under `projects:`)")
    assignments: dict[str, Assignment] = {}
    promised = data.get("false_fail_budget", DEFAULT_BUDGET)   # an assignment may spend less
    for a, at, project in entries:
        def where(key, _at=at):
            return f"{source.name}:{_line_of(root_node, _at + [key])}"
        if a["id"] in assignments:
            raise CourseError(f"{where('id')}: assignment id '{a['id']}' is used twice")
        for key in ("notebook", "solution", "checks"):
            if not (base / a[key]).is_file():
                raise CourseError(f"{where(key)}: {key} file not found: {a[key]}")
        for ds in a.get("datasets", []):
            if not (base / ds).exists():
                raise CourseError(f"{where('datasets')}: dataset not found: {ds}")
        timeout, seeds = a.get("timeout", {}), a.get("seeds", {})
        if a.get("false_fail_budget", promised) > promised:
            raise CourseError(f"{where('false_fail_budget')}: {a['id']} may spend less of the "
                              f"false-fail budget than the course promises ({promised:g}), "
                              "not more")
        due = _parse_due(a["due"], where("due"))
        due_line = lines[_line_of(root_node, at + ["due"]) - 1]
        assignments[a["id"]] = Assignment(
            id=a["id"], title=a["title"],
            notebook=(base / a["notebook"]).resolve(),
            solution=(base / a["solution"]).resolve(),
            checks=(base / a["checks"]).resolve(),
            due=due,
            questions={k: float(v) for k, v in a["questions"].items()},
            datasets=tuple((base / d).resolve() for d in a.get("datasets", [])),
            limits=limits,
            extensions=_extensions(a, due, where),
            group=a.get("group", (project or {}).get("group", False)),
            project=project["id"] if project else "",
            adjustments={k: Adjustment(float(v["points"]), v["reason"])
                         for k, v in a.get("adjustments", {}).items()},
            due_placeholder=where("due") if DUE_PLACEHOLDER in due_line else "",
            # settings course.yml leaves out keep the dataclass's defaults (stated there only)
            **_given(late_policy=LatePolicy(**a["late_policy"]) if "late_policy" in a else None,
                     cell_timeout=timeout.get("cell"), notebook_timeout=timeout.get("notebook"),
                     seed_policy=seeds.get("policy"), seed_base=seeds.get("base"),
                     false_fail_budget=a.get("false_fail_budget", data.get("false_fail_budget")),
                     early_rejection=a.get("early_rejection", data.get("early_rejection")),
                     canvas_column=a.get("canvas_column")),
        )
    projects = _projects(data, assignments, source, root_node)

    placements: list[Placement] = []
    roster = _read_roster(data, base, source, root_node, placements)
    teams_data = data.get("teams", {})
    size = TeamSize(**teams_data.get("size", {}))
    if size.max is not None and size.min > size.max:
        raise CourseError(f"{source.name}:{_line_of(root_node, ['teams', 'size'])}: teams.size: "
                          f"min ({size.min}) is larger than max ({size.max})")
    declared = {}
    for team, members in teams_data.get("members", {}).items():
        declared[team] = f"{source.name}:{_line_of(root_node, ['teams', 'members', team])}"
        placements += [Placement(team, m, f"{source.name}:"
                                 f"{_line_of(root_node, ['teams', 'members', team, k])}")
                       for k, m in enumerate(members)]
    if "file" in teams_data:
        placements += read_team_file(base / teams_data["file"], f"{source.name}:"
                                     f"{_line_of(root_node, ['teams', 'file'])}", _ID)
    teams = build_teams(placements, declared, size, [s.id for s in roster])
    for a, at, _ in entries:
        _check_names(a, assignments[a["id"]], {s.id for s in roster}, teams,
                     lambda key, _at=at: f"{source.name}:{_line_of(root_node, _at + [key])}")
    return Course(id=data["course_id"], source=source, course_dir=cdir, exchange=exchange,
                  roster=roster, assignments=assignments,
                  teams=teams, team_size=size, projects=projects,
                  **_given(workers=data.get("workers"), dask_scheduler=data.get("dask_scheduler"),
                           submission_mb=data.get("submission_mb"),
                           false_fail_budget=data.get("false_fail_budget")))


def _projects(data: dict, assignments: dict, source: Path, root_node) -> dict[str, Project]:
    projects = {}
    for i, p in enumerate(data.get("projects", [])):
        where = f"{source.name}:{_line_of(root_node, ['projects', i, 'id'])}"
        if p["id"] in projects or p["id"] in assignments:
            raise CourseError(f"{where}: project id '{p['id']}' is used twice (project and "
                              "assignment ids share one name space: `course export` takes both)")
        projects[p["id"]] = Project(p["id"], p["title"], tuple(m["id"] for m in p["milestones"]),
                                    p.get("canvas_column", ""))
    return projects


def _check_names(entry: dict, a: Assignment, students: set[str], teams: dict, where) -> None:
    """Extensions name whose deadline moves: a team for team work (one deadline per
    team), a student otherwise. Adjustments are per student, team work or not."""
    for name in entry.get("extensions", {}):
        if a.group and name in students:
            team = next((t for t in teams.values() if name in t.members), None)
            hint = (f"give team '{team.id}' the extension instead" if team
                    else f"'{name}' is in no team")
            raise CourseError(f"{where('extensions')}: {a.id} is team work, so extensions are "
                              f"per team, not per student: '{name}' is a student ({hint})")
        if not a.group and name in teams:
            raise CourseError(f"{where('extensions')}: {a.id} is individual work, so extensions "
                              f"are per student: '{name}' is a team (extend each member instead)")
        if name not in (teams if a.group else students):
            raise CourseError(f"{where('extensions')}: extension for '{name}', who is not "
                              + ("a team in course.yml" if a.group else "on the roster"))
    for name in entry.get("adjustments", {}):
        if name not in students:
            raise CourseError(f"{where('adjustments')}: adjustment for '{name}', who is not on "
                              "the roster (adjustments are per student, team members included)")
