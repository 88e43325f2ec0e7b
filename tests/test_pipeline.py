"""The whole course cycle through real nbgrader with a real kernel:
release -> fetch -> validate -> submit -> collect -> autograde -> feedback -> export.

One batch holds a correct, a wrong, an erroring, a late, a crashing, a damaged,
a misfiled and a tampered submission, plus one from an unknown student, and
shows that each problem listed in docs/nbgrader.md is handled.
"""
from __future__ import annotations

import csv
import shutil
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring.source import answer_from_variant
from autograder.grading.report import read_report
from autograder.pipeline.autograde import autograde
from autograder.pipeline.collect import collect
from autograder.course.config import load_course
from autograder.errors import CourseError
from autograder.pipeline.export import export_csv
from autograder.pipeline.feedback import feedback
from autograder.nbcells import grade_id
from autograder.pipeline.release import release
from autograder.pipeline.student import fetch, fetch_feedback, submit, validate
from conftest import REPO

HW = "backdoor"
ROSTER = ["alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi"]
NOISE = '\nimport sys, warnings\nwarnings.warn("a noisy library warning")\nprint("progress...", file=sys.stderr)\n'
CRASH = "\nimport os\nos._exit(1)\n"
CHEAP = "alternatives/enumeration.py"


def make_course(tmp: Path, roster=ROSTER):
    """The real course, in memory: state under tmp, this roster, the back-door homework."""
    return load_course(REPO / "course.yml").moved(tmp / "state", roster=roster, homeworks=[HW])


def notebook_path(course, student):
    return course.dirs.fetched(HW, student) / f"{HW}.ipynb"


def answer(course, student, variant=None, extra=None, edit=None):
    a = course.assignment(HW)
    path = notebook_path(course, student)
    nb = nbformat.read(path, 4)
    answer_from_variant(nb, a, variant, extra=extra, written={
        "explain_simpson": f"{student}: promotion 0, because happiness confounds."})
    if edit:
        edit(nb)
    nbformat.write(nb, path)
    return path


def tamper(nb):
    """Edit one test cell (and its points), delete another."""
    for cell in nb.cells:
        if grade_id(cell) == "test_cpts":
            cell.source = "assert True"
            cell.metadata.nbgrader["points"] = 100
    nb.cells = [c for c in nb.cells if grade_id(c) != "test_naive"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pipeline")
    course = make_course(tmp)
    a = course.assignment(HW)

    # nothing can happen before the release
    with pytest.raises(CourseError, match="has not been released"):
        fetch(course, HW, "alice")
    with pytest.raises(CourseError, match="has not been released"):
        collect(course, HW)

    release(course, HW)
    for s in ROSTER:
        fetch(course, HW, s)
    answer(course, "alice", extra={"cpts_answer": NOISE})
    answer(course, "bob", "mistakes/naive.py")
    answer(course, "carol", "mistakes/runtime_error.py")
    # alice hands in the reference; the others whose grading is about something else hand
    # in the exact-enumeration alternative, as correct and far cheaper to grade
    answer(course, "dan", CHEAP)
    answer(course, "erin", CHEAP, extra={"do_answer": CRASH})
    answer(course, "frank", CHEAP)
    answer(course, "grace", CHEAP)
    answer(course, "heidi", CHEAP, edit=tamper)
    validation = validate(course, notebook_path(course, "alice"))

    # student-side refusals: nothing is lost, the student can still fix it
    with pytest.raises(CourseError, match="unknown student 'mallory'"):
        submit(course, HW, "mallory")
    good = notebook_path(course, "grace")
    misfiled = good.with_name("homework.ipynb")
    good.rename(misfiled)
    with pytest.raises(CourseError, match="expects backdoor.ipynb.*homework.ipynb"):
        submit(course, HW, "grace")
    misfiled.rename(good)
    broken = notebook_path(course, "frank")
    saved = broken.read_text()
    broken.write_text(saved[: len(saved) // 2])
    with pytest.raises(CourseError, match="not valid notebook JSON"):
        submit(course, HW, "frank")
    broken.write_text(saved)

    for s in ROSTER:
        submit(course, HW, s)
    collect(course, HW)

    # damage that reaches the TA anyway (bad transfer, a file dropped in by hand)
    sub = course.course_dir / "submitted"
    (sub / "frank" / HW / f"{HW}.ipynb").write_text('{"cells": [')
    (sub / "grace" / HW / f"{HW}.ipynb").rename(sub / "grace" / HW / "frontdoor.ipynb")
    shutil.copytree(sub / "alice" / HW, sub / "mallory" / HW)
    late = a.due + timedelta(days=1, hours=12)  # dan's clock: a day and a half late
    (sub / "dan" / HW / "timestamp.txt").write_text(late.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))

    done = {g.student: g for g in autograde(course, HW, show_progress=False)}
    feedback(course, HW)
    csv_path = export_csv(course, HW)
    with csv_path.open() as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    return course, done, rows, validation


def test_validate_runs_visible_checks_only(graded):
    _, _, _, validation = graded
    assert validation.ok and len(validation.passed) == 4


def test_correct_submission_gets_every_autograded_point_despite_stderr_noise(graded):
    _, done, rows, _ = graded
    row = rows["alice"]
    assert done["alice"].status == "ok"
    assert [float(row[q]) for q in ("test_cpts", "test_backdoor", "test_do", "test_naive")] == [2, 3, 3, 1]
    assert row["explain_simpson"] == "" and "manual grading pending" in row["notes"]
    assert float(row["final"]) == 9.0


def test_simpsons_paradox_submission_scores_zero_on_the_ace_questions(graded):
    _, _, rows, _ = graded
    row = rows["bob"]
    assert (row["test_backdoor"], row["test_do"]) == ("0.0", "0.0")   # 0 means 0 (nbgrader #1374)
    assert float(row["total"]) == 3.0


def test_runtime_error_costs_only_its_own_question(graded):
    course, done, rows, _ = graded
    assert float(rows["carol"]["test_do"]) == 0.0 and float(rows["carol"]["total"]) == 6.0
    # graded as it is, but not "ok": the cell that raised is named for the TA
    assert done["carol"].status == "errors" and rows["carol"]["status"] == "errors+manual"
    assert "(do_answer) raised KeyError" in done["carol"].reason
    assert "(do_answer) raised KeyError" in rows["carol"]["notes"]
    report = read_report(course, HW, "carol")
    do = next(q for q in report.questions if q.grade_id == "test_do")
    assert "KeyError" in do.messages[0]


def test_late_submission_gets_the_course_yml_penalty(graded):
    _, _, rows, _ = graded
    row = rows["dan"]
    assert float(row["total"]) == 9.0
    assert float(row["late_penalty"]) == pytest.approx(0.2 * 9.0)   # two started days x 10%
    assert float(row["final"]) == pytest.approx(7.2)
    assert "late by 36.0 h" in row["notes"]


def test_dead_kernel_keeps_earlier_answers_and_is_flagged(graded):
    course, done, rows, _ = graded
    row = rows["erin"]
    assert done["erin"].status == "incomplete"
    assert (float(row["test_cpts"]), float(row["test_backdoor"])) == (2.0, 3.0)
    assert (float(row["test_do"]), float(row["test_naive"])) == (0.0, 0.0)
    assert row["status"].startswith("incomplete") and "kernel exited with status 1" in row["notes"]
    with Gradebook(course.db_url, course.id) as gb:
        assert gb.find_submission_notebook(HW, HW, "erin").flagged
        assert not gb.find_submission_notebook(HW, HW, "alice").flagged


def test_damaged_and_misfiled_notebooks_are_reported_not_zeroed_silently(graded):
    course, done, rows, _ = graded
    assert done["frank"].status == rows["frank"]["status"] == "corrupt_notebook"
    assert done["grace"].status == rows["grace"]["status"] == "wrong_assignment"
    assert "frontdoor.ipynb" in rows["grace"]["notes"]
    assert (course.course_dir / "submitted" / "frank" / HW / f"{HW}.ipynb").exists()  # nothing deleted


def test_unknown_student_is_not_graded(graded):
    _, done, rows, _ = graded
    assert done["mallory"].status == "unknown_student" and "mallory" not in rows


def test_edited_and_deleted_test_cells_are_restored_and_graded(graded):
    course, _, rows, _ = graded
    row = rows["heidi"]
    assert (float(row["test_cpts"]), float(row["test_naive"])) == (2.0, 1.0)   # not 100, not lost
    report = read_report(course, HW, "heidi")
    assert any("test_cpts` was edited" in n for n in report.tampering)
    assert any("test cell `test_naive` was missing" in n for n in report.repairs)


def test_feedback_shows_our_messages_and_leaks_no_hidden_check(graded):
    course, _, _, _ = graded
    html = (course.course_dir / "feedback" / "bob" / HW / f"{HW}.html").read_text()
    assert "further from the correct value than Monte Carlo error can explain" in html
    checks_source = course.assignment(HW).checks.read_text()
    for line in checks_source.splitlines():
        line = line.strip()
        if len(line) > 25 and not line.startswith(("#", '"', "from ", "import ")):
            assert line not in html, line
    for secret in ("0.05504", "0.0550", "PROBE_TABLES", "ace_se"):
        assert secret not in html


def test_students_fetch_only_their_own_feedback(graded):
    course, _, _, _ = graded
    mine = fetch_feedback(course, HW, "alice")
    assert len(mine) == 1
    expected = (course.course_dir / "feedback" / "alice" / HW / f"{HW}.html").read_text()
    assert mine[0].read_text() == expected
    assert "bob" not in str(course.dirs.workspace("alice").rglob("*"))


def test_validate_says_what_is_wrong_without_revealing_answers(graded, tmp_path):
    course, _, _, _ = graded
    src = notebook_path(course, "alice")
    work = tmp_path / "backdoor"
    work.mkdir()
    shutil.copy(src.parent / "promotions.csv", work)
    nb = nbformat.read(src, 4)
    for cell in nb.cells:
        if grade_id(cell) == "cpts_answer":
            cell.source += '\ncpts["p_y_given_xz"] = [0.9, 0.7, 0.8]\n'
        if grade_id(cell) == "test_naive":
            cell.source = "pass"
    nbformat.write(nb, work / "backdoor.ipynb")
    report = validate(course, work / "backdoor.ipynb")
    assert not report.ok
    failed = dict(report.failed)
    assert "shape (2, 2)" in failed["test_cpts"]
    assert any("test_naive" in p and "changed" in p for p in report.problems)
    text = " ".join(failed.values())
    assert "0.932" not in text and "0.055" not in text
