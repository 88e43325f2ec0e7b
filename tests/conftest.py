"""Shared fixtures: the real course.yml with course state in a temp folder, and
helpers that grade a reference solution (or a variant of it) in a real kernel.

Kernel runs are the expensive part of the suite: `reference_run` runs each
homework's reference once per session and seed, for every test file that needs it."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.grading.answers import decode_payload
from autograder.authoring.source import answer_from_variant, build_source_notebook
from autograder.course.config import load_course
from autograder.homework import load_checks, load_homework
from autograder.grading.submission import grade_notebook
from autograder.pipeline.collect import collect
from autograder.pipeline.release import release
from autograder.pipeline.student import fetch, submit

REPO = Path(__file__).resolve().parents[1]
REFERENCE_SEED = 11   # the grading seed of the shared reference run of every homework


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    return load_course(REPO / "course.yml", course_dir=tmp_path_factory.mktemp("course"))


def grade(course, assignment_id: str, seed: int, variant: str | Path | None = None,
          assignment=None):
    """Grade the reference solution, or the reference with the sections of
    `variant` (a file under solutions/<hw>/) swapped in, as a submission.
    `assignment` overrides the course's (e.g. another budget).

    Returns (outcome, {grade_id: QuestionResult})."""
    a = assignment or course.assignment(assignment_id)
    nb = answer_from_variant(build_source_notebook(a), a, variant)
    outcome, results = grade_notebook(a, load_homework(a.checks), nb, seed)
    return outcome, {r.grade_id: r for r in results}


_REFERENCE_RUNS: dict = {}


def reference_run(course, assignment_id: str, seed: int = REFERENCE_SEED):
    """The reference solution graded in a real kernel, once per session and seed:
    (outcome, {grade_id: QuestionResult}, {grade_id: decoded answers})."""
    key = (str(course.course_dir), assignment_id, seed)
    if key not in _REFERENCE_RUNS:
        outcome, results = grade(course, assignment_id, seed)
        values = {gid: decode_payload(text) for gid, text in outcome.payloads.items()}
        _REFERENCE_RUNS[key] = outcome, results, values
    return _REFERENCE_RUNS[key]


def full_marks(results) -> list[str]:
    return [gid for gid, r in results.items() if r.points == r.max_points]


def no_marks(results) -> list[str]:
    return [gid for gid, r in results.items() if r.points == 0]


@pytest.fixture(scope="module")
def checks(request, course):
    """The hidden-checks module of the homework named by the test module's `HW`."""
    return checks_of(course, request.module.HW)


@pytest.fixture(scope="module")
def hw(request, course):
    """The `Homework` of the test module's `HW`."""
    return homework_of(course, request.module.HW)


def checks_of(course, assignment_id: str):
    """The hidden-checks module of a homework (its truths, tables and `hw`)."""
    return load_checks(course.assignment(assignment_id).checks)


def homework_of(course, assignment_id: str):
    return load_homework(course.assignment(assignment_id).checks)


def context_of(course, assignment_id: str, seed: int = 1):
    """The grading context of a submission with this seed, at the course's budget."""
    a = course.assignment(assignment_id)
    return homework_of(course, assignment_id).context(seed, a.false_fail_budget)


def score(course, assignment_id: str, gid: str, values: dict, seed: int = 1):
    """Run one question's hidden checks on plain values, as the grader would (no kernel)."""
    from autograder.grading.verdict import grade_values
    a = course.assignment(assignment_id)
    hw = load_homework(a.checks)
    return grade_values(hw.questions[gid], values, hw.context(seed, a.false_fail_budget),
                        a.questions[gid])


def design_budget(assignment_id: str) -> float:
    """The false-fail budget a homework's checks spend (course.yml)."""
    return load_course(REPO / "course.yml").assignment(assignment_id).false_fail_budget


def design_sizes(assignment_id: str) -> dict[str, int]:
    """The sample sizes of a homework's design at course.yml's budget."""
    a = load_course(REPO / "course.yml").assignment(assignment_id)
    return load_homework(a.checks).sizes(a.false_fail_budget)


def write_course_yml(tmp: Path, homework: str, roster, **assignment_changes) -> Path:
    """The repository's course.yml for one homework and this roster, with its state in
    tmp/state (as `Course.moved(tmp / "state")` puts it), written to tmp/course.yml."""
    import yaml
    data = yaml.safe_load((REPO / "course.yml").read_text())
    data["course_dir"] = str(tmp / "state")
    data["roster"] = [{"id": s} for s in roster]
    a = next(x for x in data["assignments"] if x["id"] == homework)
    for key in ("notebook", "solution", "checks"):
        a[key] = str(REPO / a[key])
    a["datasets"] = [str(REPO / d) for d in a.get("datasets", [])]
    a.update(assignment_changes)
    data["assignments"] = [a]
    data.pop("projects", None)  # the kits' milestones live under projects: (not copied)
    path = tmp / "course.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_cli(config: Path, *args, timeout: int = 600) -> tuple[int, str]:
    """The real `course` command in a subprocess: (exit code, stdout + stderr)."""
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=config.parent)
    return proc.returncode, proc.stdout + proc.stderr


def error_line(code: int, out: str) -> str:
    """The single `error:` line of a failed command (exit 2, and nothing like a traceback)."""
    assert code == 2, out
    assert "Traceback" not in out and "nbgrader." not in out, out
    lines = [ln for ln in out.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, out
    return lines[0]


def assert_detected(truth, wrongs, se, n, alpha, floor, power=0.999):
    """Each known wrong estimate {label: (value, per-draw SD)} falls outside the band
    (z(alpha) * se + floor around the truth) with the design's power, whether the band's
    SE or the mistake's own scatter over n draws is the wider."""
    from autograder.checks import detection_probability
    for label, (wrong, sd_wrong) in wrongs.items():
        for spread in (se, sd_wrong / n ** 0.5):
            assert detection_probability(truth, wrong, spread, alpha, floor) >= power, label


def export_rows(path: Path) -> dict[str, dict]:
    """An exported grades CSV (`course export`) as {student_id: row}."""
    with path.open(newline="") as fh:
        return {r["student_id"]: r for r in csv.DictReader(fh)}


def hand_in_references(course, homeworks, students) -> None:
    """Release each homework; every student fetches it, answers with the reference
    solution and submits; then collect (the engine tests' cheap honest batch)."""
    for hw in homeworks:
        release(course, hw)
        for s in students:
            fetch(course, hw, s)
            path = course.dirs.fetched(hw, s) / f"{hw}.ipynb"
            nb = nbformat.read(path, 4)
            answer_from_variant(nb, course.assignment(hw))
            nbformat.write(nb, path)
            submit(course, hw, s)
        collect(course, hw)
