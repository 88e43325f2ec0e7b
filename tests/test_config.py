"""course.yml: schema errors are one line naming the key and the file line."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import dirs
from autograder.course.config import Assignment, Course, LatePolicy, load_course
from autograder.errors import CourseError
from autograder.steps.nbconfig import nbgrader_config

REPO = Path(__file__).resolve().parents[1]

GOOD = """\
course_id: demo
roster:
  - {id: alice}
assignments:
  - id: backdoor
    title: Back-door
    notebook: NB
    solution: SOL
    checks: CHK
    due: 2027-02-12T23:59:00+00:00
    questions:
      test_cpts: 2
"""


def write(tmp_path, text: str) -> Path:
    hw = REPO / "assignments" / "backdoor"
    text = (text.replace("NB", str(hw / "backdoor.ipynb"))
                .replace("SOL", str(REPO / "solutions" / "backdoor" / "backdoor.py"))
                .replace("CHK", str(hw / "checks.py")))
    path = tmp_path / "course.yml"
    path.write_text(text)
    return path


def error_of(tmp_path, text: str) -> str:
    with pytest.raises(CourseError) as exc:
        load_course(write(tmp_path, text))
    message = str(exc.value)
    assert "\n" not in message, "errors must be one line"
    return message


def test_the_repository_course_yml_is_valid():
    course = load_course(REPO / "course.yml")
    assert "backdoor" in course.assignments
    assert course.assignment("backdoor").false_fail_budget <= course.false_fail_budget == 1e-3


def test_a_minimal_config_loads_with_embedded_defaults(tmp_path):
    course = load_course(write(tmp_path, GOOD))
    assert course.course_dir == tmp_path / "course-run"
    assert course.exchange == tmp_path / "course-run" / "exchange"
    assert course.db_url.startswith("sqlite:///")
    a = course.assignment("backdoor")
    assert a.false_fail_budget == 1e-3 and a.late_policy.kind == "none"


def test_an_assignment_may_spend_less_of_the_budget_than_the_course_promises(tmp_path):
    """The top-level budget is the promise a certificate is held to; an assignment's
    own budget is what its checks spend, at most the promise."""
    spend = GOOD.replace("    questions:", "    false_fail_budget: 1.0e-4\n    questions:")
    course = load_course(write(tmp_path, "false_fail_budget: 2.0e-3\n" + spend))
    assert course.false_fail_budget == 2e-3 and course.assignment("backdoor").false_fail_budget == 1e-4
    msg = error_of(tmp_path, spend.replace("1.0e-4", "5.0e-3"))
    assert msg.startswith("course.yml:") and "spend less" in msg and "0.001" in msg


def test_unknown_key_names_the_key_and_its_line(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("    title: Back-door", "    title: Back-door\n    dua: 2027-01-01"))
    assert msg.startswith("course.yml:7:") and "'dua'" in msg


def test_wrong_type_names_the_key_and_its_line(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("test_cpts: 2", "test_cpts: two"))
    assert msg.startswith("course.yml:12:") and "test_cpts" in msg


def test_bad_due_date_is_explained(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("2027-02-12T23:59:00+00:00", "next friday"))
    assert msg.startswith("course.yml:10:") and "time zone" in msg


def test_missing_notebook_is_one_line(tmp_path):
    text = GOOD.replace("notebook: NB", "notebook: assignments/nope/nope.ipynb")
    msg = error_of(tmp_path, text)
    assert msg.startswith("course.yml:7:") and "notebook file not found" in msg


def test_unknown_assignment_id(tmp_path):
    course = load_course(write(tmp_path, GOOD))
    with pytest.raises(CourseError, match="unknown assignment 'frontdor'.*lists: backdoor"):
        course.assignment("frontdor")


def test_unknown_student(tmp_path):
    course = load_course(write(tmp_path, GOOD))
    with pytest.raises(CourseError, match="unknown student 'mallory'"):
        course.student("mallory")


def test_roster_file(tmp_path):
    (tmp_path / "roster.csv").write_text("id,first_name,last_name,email\nzoe,Zoe,Z,z@x.org\n")
    course = load_course(write(tmp_path, GOOD.replace("roster:\n  - {id: alice}\n",
                                                      "roster_file: roster.csv\n")))
    assert [s.id for s in course.roster] == ["zoe"]


def test_not_yaml(tmp_path):
    msg = error_of(tmp_path, "course_id: [unclosed\n")
    assert msg.startswith("course.yml:") and "not valid YAML" in msg


@pytest.mark.parametrize("seconds,expected", [(0, 0.0), (1, 0.1), (86400, 0.1), (86401, 0.2),
                                              (30 * 86400, 0.5)])
def test_late_policy_counts_started_days(seconds, expected):
    assert LatePolicy("per_day", 0.1, 0.5).penalty_fraction(seconds) == pytest.approx(expected)


def test_settings_course_yml_leaves_out_keep_the_dataclass_defaults(tmp_path):
    """Each default is stated once, in its dataclass: the loader passes on only
    what course.yml says."""
    course = load_course(write(tmp_path, GOOD))
    a = course.assignment("backdoor")
    for cls, obj in ((Assignment, a), (Course, course)):
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                assert getattr(obj, f.name) == f.default, f"{cls.__name__}.{f.name}"
    stated = load_course(write(tmp_path, GOOD.replace("    questions:", "    timeout: {cell: 60}\n"
                                                      "    questions:") + "submission_mb: 7\n"))
    a = stated.assignment("backdoor")
    assert (a.cell_timeout, a.notebook_timeout, stated.submission_mb) == (60, Assignment.notebook_timeout, 7)


def test_nbgrader_config_is_generated_from_course_yml(tmp_path):
    course = load_course(write(tmp_path, GOOD))
    cfg = nbgrader_config(course, course.assignment("backdoor"), "alice")
    assert cfg.CourseDirectory.root == str(course.course_dir)
    assert cfg.Exchange.root == str(course.exchange)
    assert cfg.OverwriteCells.add_missing_cells is True
    # each student gets a private nbgrader cache (no cross-student feedback matches)
    assert "students/alice" in cfg.Exchange.cache
    assert not list(REPO.glob("nbgrader_config.py"))
    # nbgrader's folders are the ones course/dirs.py names
    assert (cfg.CourseDirectory.submitted_directory, cfg.CourseDirectory.autograded_directory,
            cfg.CourseDirectory.db_url) == (dirs.SUBMITTED, dirs.AUTOGRADED, course.db_url)


def test_cli_reports_config_errors_in_one_line(tmp_path):
    path = write(tmp_path, GOOD.replace("test_cpts: 2", "test_cpts: two"))
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "--config", str(path), "gradebook",
                           "backdoor"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "course.yml:12:" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr


def test_sandbox_and_engine_settings(tmp_path):
    course = load_course(write(tmp_path, GOOD + "sandbox: {memory_mb: 2048, processes: 64}\n"
                                               "workers: 3\ndask_scheduler: tcp://10.0.0.5:8786\n"))
    limits = course.assignment("backdoor").limits
    assert (limits.memory_mb, limits.processes, limits.threads) == (2048, 64, 1)
    assert course.workers == 3 and course.dask_scheduler == "tcp://10.0.0.5:8786"
    msg = error_of(tmp_path, GOOD + "sandbox: {memory: 2048}\n")
    assert msg.startswith("course.yml:13:") and "'memory'" in msg


def test_a_due_date_that_does_not_exist_is_one_line(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("2027-02-12T23:59:00", "2027-02-30T23:59:00"))
    assert msg.startswith("course.yml:10:") and "2027-02-30" in msg and "not a real date" in msg


@pytest.mark.parametrize("header,what", [("id,First Name,Last Name", "'First Name'"),
                                         ("student,first_name", "'student'"),
                                         ("first_name,last_name", "no 'id' column")])
def test_roster_file_with_wrong_headers_is_refused(tmp_path, header, what):
    (tmp_path / "roster.csv").write_text(f"{header}\nzoe,Zoe,Z\n")
    msg = error_of(tmp_path, GOOD.replace("roster:\n  - {id: alice}\n", "roster_file: roster.csv\n"))
    assert msg.startswith("roster.csv:1:") and what in msg and "first_name" in msg


def test_roster_file_from_excel_with_canvas_ids(tmp_path):
    (tmp_path / "roster.csv").write_bytes(
        "\ufeffid,first_name,last_name,sis_user_id,sis_login_id,section\n"
        "zoe,Zoe,Zhang,S9,zzhang,Lab 2\n".encode())
    course = load_course(write(tmp_path, GOOD.replace("roster:\n  - {id: alice}\n",
                                                      "roster_file: roster.csv\n")))
    zoe = course.student("zoe")
    assert (zoe.last_name, zoe.sis_user_id, zoe.sis_login_id, zoe.section) == ("Zhang", "S9", "zzhang", "Lab 2")


def test_extensions_as_a_new_due_date_or_extra_days(tmp_path):
    from datetime import timedelta
    text = GOOD.replace("  - {id: alice}\n", "  - {id: alice}\n  - {id: bob}\n") + \
        "    extensions: {alice: 2027-02-14T23:59:00+00:00, bob: 1.5}\n"
    a = load_course(write(tmp_path, text)).assignment("backdoor")
    assert a.due_for("alice") - a.due == timedelta(days=2)
    assert a.due_for("bob") - a.due == timedelta(days=1.5) and a.due_for("carol") == a.due
    msg = error_of(tmp_path, text.replace("bob: 1.5", "mallory: 1"))
    assert "'mallory'" in msg and "not on the roster" in msg
    msg = error_of(tmp_path, text.replace("2027-02-14", "2027-02-01"))
    assert "before the assignment's due date" in msg


@pytest.mark.parametrize("seconds,days,expected", [(60, 0, 0.0), (900, 0, 0.0), (901, 1, 0.1),
                                                   (86400 + 900, 1, 0.1), (86400 + 901, 2, 0.2)])
def test_grace_period_forgives_the_first_minutes(seconds, days, expected):
    policy = LatePolicy("per_day", 0.1, 0.5, grace_minutes=15)
    assert policy.days_late(seconds) == days
    assert policy.penalty_fraction(seconds) == pytest.approx(expected)
