"""TA: collect submissions from the exchange into nbgrader's submitted/ folder.

The exchange's inbound folder is written by students, so nothing in it is
trusted. nbgrader's own collect follows symlinks (a student could pull in the
gradebook or another student's work) and stops at the first folder over its
size limit. This collect keeps nbgrader's layout and rules (the latest
submission of each student, `timestamp.txt`, submitted/<student>/<assignment>)
but copies each submission on its own:

- only regular files are copied, opened with O_NOFOLLOW and checked with
  fstat, so a symlink, a FIFO or a device is never read; each one skipped is noted;
- a submission over `submission_mb` or with too many files is refused whole,
  with a reason, and the others are collected;
- a submission is copied to a temporary folder first and swapped in, so a
  failure never leaves half of one (or loses the one collected before).
"""
from __future__ import annotations

import fnmatch
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.utils import parse_utc

from autograder.course.config import Course
from autograder.course.state import submitted_students
from autograder.engine.jobs import write_json_atomic
from autograder.pipeline.readiness import require_released
from autograder.pipeline.teamwork import record_members

IGNORE = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]  # as nbgrader's collect
MAX_FILES = 500


class Refused(Exception):
    """This one submission cannot be collected; the message says why."""


@dataclass
class Collected:
    collected: list[str] = field(default_factory=list)     # newly collected or updated
    unchanged: list[str] = field(default_factory=list)     # nothing newer in the exchange
    refused: dict[str, str] = field(default_factory=dict)  # student -> reason
    unknown: list[str] = field(default_factory=list)       # not on the roster (not a team, for
                                                           # team work); left in the exchange
    notes: dict[str, list[str]] = field(default_factory=dict)  # student -> files skipped


def _latest(inbound: Path, assignment_id: str) -> dict[str, tuple[object, str]]:
    """{student: (timestamp, folder name)} of each student's newest submission."""
    latest: dict[str, tuple[object, str]] = {}
    for entry in os.scandir(inbound):
        parts = entry.name.rsplit("+", 3)  # student+assignment+timestamp+random, as nbgrader
        if len(parts) < 3 or parts[1] != assignment_id or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            when = parse_utc(parts[2])
        except Exception:  # noqa: BLE001 - a folder name a student made up
            continue
        if parts[0] not in latest or when > latest[parts[0]][0]:
            latest[parts[0]] = (when, entry.name)
    return latest


def _copy_tree(src_fd: int, dest: Path, budget: list[int], notes: list[str], where: str = ""):
    """Copy the regular files under the directory `src_fd` into `dest`.
    `budget` = [bytes left, files left]; Refused when either runs out."""
    dest.mkdir(parents=True, exist_ok=True)
    with os.scandir(src_fd) as entries:
        listing = sorted(entries, key=lambda e: e.name)
    for entry in listing:
        name, shown = entry.name, f"{where}{entry.name}"
        if any(fnmatch.fnmatch(name, pat) for pat in IGNORE):
            continue
        if entry.is_symlink():
            notes.append(f"`{shown}` is a symbolic link and was not collected")
            continue
        if entry.is_dir(follow_symlinks=False):
            fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=src_fd)
            try:
                _copy_tree(fd, dest / name, budget, notes, f"{shown}/")
            finally:
                os.close(fd)
            continue
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=src_fd)
        except OSError:
            notes.append(f"`{shown}` could not be opened and was not collected")
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                notes.append(f"`{shown}` is not a regular file and was not collected")
                continue
            budget[1] -= 1
            if budget[1] < 0:
                raise Refused(f"it holds more than {MAX_FILES} files")
            with open(fd, "rb", closefd=False) as src, open(dest / name, "wb") as out:
                while chunk := src.read(2**20):
                    budget[0] -= len(chunk)
                    if budget[0] < 0:
                        raise Refused("it is larger than the course's submission size limit")
                    out.write(chunk)
            os.utime(dest / name, (info.st_atime, info.st_mtime))
        finally:
            os.close(fd)


def copy_submission(src: Path, dest: Path, max_bytes: int, notebook: str) -> list[str]:
    """Copy one submission folder safely into `dest` (replacing it); return notes."""
    notes: list[str] = []
    root = dest.parent.parent  # submitted/: a refused first submission leaves no folder
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".collect-", dir=root))
    try:
        try:
            fd = os.open(src, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError as exc:
            raise Refused(f"its folder could not be opened ({exc.strerror})") from None
        try:
            _copy_tree(fd, staging, [max_bytes, MAX_FILES], notes)
        finally:
            os.close(fd)
        if not (staging / notebook).is_file():
            raise Refused(f"it holds no regular file named {notebook}")
        dest.parent.mkdir(exist_ok=True)
        old = dest.with_name(dest.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if dest.exists():
            dest.rename(old)
        staging.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return notes


def _timestamp(folder: Path):
    try:
        return parse_utc((folder / "timestamp.txt").read_text().strip())
    except Exception:  # noqa: BLE001 - missing or damaged
        return None


def collect(course: Course, assignment_id: str) -> Collected:
    """Collect each student's newest submission (each team's, for team work); one
    bad submission is refused with a reason and never stops the others.
    Submissions from ids not on the roster (not teams) stay in the exchange and
    are reported."""
    a = course.assignment(assignment_id)
    require_released(course, a.id)
    inbound = course.exchange / course.id / "inbound"
    result = Collected()
    roster = set(course.nbgrader_ids(a))
    latest = _latest(inbound, a.id) if inbound.is_dir() else {}
    for student, (when, name) in sorted(latest.items()):
        if student not in roster:
            result.unknown.append(student)
            continue
        dest = course.course_dir / "submitted" / student / a.id
        have = _timestamp(dest) if dest.is_dir() else None
        if have is not None and when <= have:
            result.unchanged.append(student)
            continue
        try:
            notes = copy_submission(inbound / name, dest, course.submission_mb * 2**20,
                                    f"{a.notebook_name}.ipynb")
        except (Refused, OSError) as exc:
            why = str(exc) if isinstance(exc, Refused) else f"it could not be read ({exc.strerror})"
            result.refused[student] = f"the submission of {when:%Y-%m-%d %H:%M} was refused: {why}"
            continue
        result.collected.append(student)
        if notes:
            result.notes[student] = notes
    _save_refusals(course, a.id, result)
    record_members(course, a, result.collected)
    return result


def _refusals_path(course: Course, assignment_id: str) -> Path:
    return course.course_dir / "collect" / f"{assignment_id}.json"


def _save_refusals(course: Course, assignment_id: str, result: Collected) -> None:
    known = refusals(course, assignment_id)
    for student in result.collected + result.unchanged:
        known.pop(student, None)
    known.update(result.refused)
    write_json_atomic(_refusals_path(course, assignment_id), known)


def refusals(course: Course, assignment_id: str) -> dict[str, str]:
    """{student: why their newest submission was refused} from the last collects."""
    try:
        data = json.loads(_refusals_path(course, assignment_id).read_text())
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def unknown_students(course: Course, assignment_id: str) -> list[str]:
    roster = set(course.nbgrader_ids(course.assignment(assignment_id)))
    return [s for s in submitted_students(course, assignment_id) if s not in roster]
