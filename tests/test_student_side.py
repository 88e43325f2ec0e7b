"""The student's side in a real exchange, with no course.yml in reach: students run
`course` from their own folders (each a home of its own, with the student
configuration `course student-config` writes), one uses nbgrader's own JupyterLab
assignment list through the server endpoints its extension calls, and the course
carries on: feedback generated is not fetchable until released, a regrade request
goes from filed to resolved and shows in the student's status and feedback.

One autograde batch (three adjsets notebooks, about 3 s each) serves every test;
nbgrader's Validate runs one more notebook in the student's server."""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring.source import fill_student_notebook, solution_variant
from autograder.course.config import load_course
from conftest import REPO, error_line, run_cli, write_course_yml

HW = "adjsets"
ROSTER = ["alice", "bob", "erin"]
MANUAL = ("explain_w_11", "explain_formula_11", "formulas_12")


def home(tmp: Path, student: str) -> Path:
    return tmp / "home" / student


def as_student(tmp: Path, student: str, *args, cwd: Path | None = None) -> tuple[int, str]:
    """`course ...` run by a student: their own HOME (so ~/.jupyter and nbgrader's
    cache are theirs), from a folder of theirs, no --config and no course.yml."""
    env = {**os.environ, "HOME": str(home(tmp, student))}
    env.pop("JUPYTER_CONFIG_DIR", None)
    env.pop("JUPYTER_DATA_DIR", None)
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True,
                          text=True, timeout=600, cwd=cwd or home(tmp, student), env=env)
    return proc.returncode, proc.stdout + proc.stderr


def answer(path: Path, course, variant: str | None = None) -> None:
    a = course.assignment(HW)
    nb = nbformat.read(path, 4)
    sections = solution_variant(a, a.solution.parent / variant if variant else a.solution)
    nbformat.write(fill_student_notebook(nb, sections), path)


# -------------------------------------------------- erin: nbgrader's lab extension

class StudentServer:
    """A student's Jupyter server with nbgrader's extensions, as on a hub."""

    def __init__(self, tmp: Path, student: str):
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.log = open(tmp / f"{student}-server.log", "w")
        env = {**os.environ, "HOME": str(home(tmp, student))}
        env.pop("JUPYTER_CONFIG_DIR", None)
        env.pop("JUPYTER_DATA_DIR", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "server", f"--ServerApp.root_dir={home(tmp, student)}",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--no-browser",
             f"--IdentityProvider.token={self.token}"] + (["--allow-root"] if os.geteuid() == 0 else []),
            cwd=home(tmp, student), env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(240):
            try:
                self.request("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                assert self.proc.poll() is None, (tmp / f"{student}-server.log").read_text()
                time.sleep(0.5)
        raise AssertionError("the student's Jupyter server did not start in 2 minutes")

    def request(self, method: str, path: str, body: dict | None = None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=300) as resp:
            return json.loads(resp.read().decode() or "null")

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_extension_flow(tmp: Path, course) -> dict:
    """What nbgrader's JupyterLab assignment list does when erin clicks: list,
    fetch, validate, submit (its handlers, /assignments/...)."""
    server = StudentServer(tmp, "erin")
    try:
        course_id = urllib.parse.quote(course.id)
        out = {"listed": server.request("GET", f"/assignments?course_id={course_id}")}
        out["fetched"] = server.request("POST", "/assignments/fetch",
                                        {"course_id": course.id, "assignment_id": HW})
        answer(home(tmp, "erin") / HW / f"{HW}.ipynb", course)
        out["validated"] = server.request("POST", "/assignments/validate", {"path": f"{HW}/{HW}.ipynb"})
        out["submitted"] = server.request("POST", "/assignments/submit",
                                          {"course_id": course.id, "assignment_id": HW})
        return out
    finally:
        server.close()


# ------------------------------------------------------------------- the term

@pytest.fixture(scope="module")
def term(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("student_side")
    config = write_course_yml(tmp, HW, ROSTER)
    course = load_course(config)
    ta = lambda *args: run_cli(config, *args)  # noqa: E731 - the instructor and TAs, with course.yml
    out = {"release": ta("release", HW)}
    assert out["release"][0] == 0, out["release"][1]
    code, text = ta("student-config")
    assert code == 0, text
    for s in ROSTER:  # each student's own account: the course's student config, their id
        (home(tmp, s) / ".jupyter").mkdir(parents=True)
        (home(tmp, s) / ".jupyter" / "nbgrader_config.py").write_text(
            text + f"c.CourseDirectory.student_id = {s!r}  # the account's name on a real machine\n")

    out["status_before"] = as_student(tmp, "alice", "status")
    out["fetch_alice"] = as_student(tmp, "alice", "fetch", HW)
    notebook = home(tmp, "alice") / HW / f"{HW}.ipynb"
    answer(notebook, course)
    out["validate_in_folder"] = as_student(tmp, "alice", "validate", f"{HW}.ipynb", cwd=notebook.parent)
    copy = home(tmp, "alice") / "scratch" / "my attempt.ipynb"
    copy.parent.mkdir()
    shutil.copy(notebook, copy)
    out["validate_copy"] = as_student(tmp, "alice", "validate", copy.name, cwd=copy.parent)
    out["submit_alice"] = as_student(tmp, "alice", "submit", HW)
    out["status_alice_submitted"] = as_student(tmp, "alice", "status", HW)
    out["status_as_bob"] = as_student(tmp, "alice", "status", "--student", "bob")
    assert as_student(tmp, "bob", "fetch", HW)[0] == 0
    answer(home(tmp, "bob") / HW / f"{HW}.ipynb", course, "mistakes/collider.py")
    out["submit_bob"] = as_student(tmp, "bob", "submit", HW)
    out["lab"] = lab_extension_flow(tmp, course)

    out["collect"] = ta("collect", HW)
    out["autograde"] = ta("autograde", HW, "--workers", "2")
    out["generate"] = ta("feedback", HW)
    out["fetch_generated"] = as_student(tmp, "alice", "fetch-feedback", HW)
    out["status_generated"] = as_student(tmp, "alice", "status", HW)
    out["release_pending"] = ta("release-feedback", HW)
    with Gradebook(course.db_url, course.id) as gb:  # the TA grades the written answers
        for s in ROSTER:
            for q in MANUAL:
                gb.find_grade(q, HW, HW, s).manual_score = 1.0
        gb.db.commit()
    assert ta("feedback", HW)[0] == 0
    out["release"] = ta("release-feedback", HW)
    out["status_released"] = as_student(tmp, "alice", "status", HW)
    out["fetch_released"] = as_student(tmp, "alice", "fetch-feedback", HW)
    out["status_fetched"] = as_student(tmp, "alice", "status", HW)

    # bob asks for a regrade; a TA answers, then resolves it with a new score
    out["request"] = as_student(tmp, "bob", "regrade-request", HW, "--question", "test_sets_11",
                                "--why", "My sets are valid: I checked each one against the graph.")
    out["request_again"] = as_student(tmp, "bob", "regrade-request", HW, "--question", "test_sets_11",
                                      "--why", "Please!")
    out["request_unknown"] = as_student(tmp, "bob", "regrade-request", HW, "--question", "nope",
                                        "--why", "x")
    out["list"] = ta("regrades", HW)
    out["status_filed"] = as_student(tmp, "bob", "status", HW)
    out["reply"] = ta("regrades", HW, "--id", "1", "--reply", "Looking at it with the graph.",
                      "--by", "ta_ann")
    out["status_answered"] = as_student(tmp, "bob", "status", HW)
    out["resolve"] = ta("regrades", HW, "--id", "1", "--score", "2", "--reply",
                        "You are right: {W} is a valid set too.", "--by", "ta_ben")
    out["history"] = ta("regrades", HW, "--id", "1", "--history")
    out["status_resolved"] = as_student(tmp, "bob", "status", HW)
    assert ta("feedback", HW)[0] == 0 and ta("release-feedback", HW)[0] == 0
    out["fetch_bob"] = as_student(tmp, "bob", "fetch-feedback", HW)
    return tmp, config, course, out


def ok(result) -> str:
    code, text = result
    assert code == 0, text
    return text


def test_a_student_without_course_yml_sees_what_is_released(term):
    tmp, config, course, out = term
    text = ok(out["status_before"])
    assert "alice in causal-ml" in text and f"{HW}: Choosing adjustment sets" in text
    assert "due 2027-02-05 23:59 UTC" in text and "not fetched yet" in text
    assert not (home(tmp, "alice") / "course.yml").exists()
    assert f"fetched into {home(tmp, 'alice') / HW}" in ok(out["fetch_alice"])


def test_a_student_validates_in_their_folder_and_a_renamed_copy_elsewhere(term):
    tests = sum(1 for c in nbformat.read(REPO / "assignments" / HW / f"{HW}.ipynb", 4).cells
                if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code")
    for key in ("validate_in_folder", "validate_copy"):
        text = ok(term[3][key])
        assert "all visible checks pass" in text and text.count("✔") == tests, text


def test_submit_and_status_say_what_was_submitted_when_and_whether_late(term):
    out = term[3]
    assert f"submitted {HW} for alice at" in ok(out["submit_alice"])
    text = ok(out["status_alice_submitted"])
    assert "submitted 20" in text and "on time (due 2027-02-05 23:59 UTC)" in text
    assert "feedback: not released yet" in text


def test_acting_for_another_student_is_the_instructors_alone(term):
    line = error_line(*term[3]["status_as_bob"])
    assert "logged in as 'alice'" in line and "only the instructor" in line


def test_nbgraders_lab_assignment_list_fetches_validates_and_submits_to_our_collect(term):
    tmp, config, course, out = term
    lab = out["lab"]
    assert lab["listed"]["success"], lab["listed"]
    released = [a for a in lab["listed"]["value"] if a["assignment_id"] == HW]
    assert released and released[0]["status"] == "released"
    assert lab["fetched"]["success"] and (home(tmp, "erin") / HW / f"{HW}.ipynb").is_file()
    # nbgrader's Validate ran the visible checks in erin's own kernel: they import only
    # what a student's environment has (the platform package, not the hidden checks)
    assert lab["validated"]["success"] and lab["validated"]["value"] == {}, lab["validated"]
    assert lab["submitted"]["success"], lab["submitted"]
    mine = [a for a in lab["submitted"]["value"] if a.get("student_id") == "erin"]
    assert mine and mine[0]["status"] == "submitted"
    # our collect took the submission and our autograde graded it in full
    assert "collected 3 new submission(s)" in ok(out["collect"])
    report = json.loads((course.course_dir / "autograded" / "erin" / HW / "grading.json").read_text())
    assert report["status"] == "ok" and all(q["points"] == q["max_points"] for q in report["questions"])


def test_feedback_generated_is_not_fetchable_until_released(term):
    tmp, config, course, out = term
    generated = ok(out["generate"])
    assert "students see them once you run `course release-feedback" in generated
    assert "  alice (1 of 3)" in generated and "  erin (3 of 3)" in generated  # progress
    page = course.course_dir / "feedback" / "alice" / HW / f"{HW}.html"
    assert page.is_file()  # the TA can open it
    line = error_line(*out["fetch_generated"])
    assert "no feedback" in line and "released it" in line
    assert "feedback: not released yet" in ok(out["status_generated"])


def test_release_refuses_while_manual_grading_is_pending_and_says_for_whom(term):
    line = error_line(*term[3]["release_pending"])
    assert "manual grading of adjsets is still pending for 3 student(s)" in line
    assert "alice (explain_w_11, explain_formula_11, formulas_12)" in line and "--force" in line


def test_released_feedback_is_ready_then_fetched(term):
    tmp, config, course, out = term
    assert "released the feedback on adjsets to 3 student(s)" in ok(out["release"])
    assert "feedback: ready; fetch it with `course fetch-feedback adjsets`" in ok(out["status_released"])
    fetched = ok(out["fetch_released"]).strip().splitlines()[-1]
    assert fetched.endswith(f"{HW}.html") and Path(fetched).is_file()
    assert str(home(tmp, "alice")) in fetched
    assert "feedback: fetched, in" in ok(out["status_fetched"])


def test_a_regrade_request_goes_from_filed_to_resolved_with_an_audit_trail(term):
    tmp, config, course, out = term
    assert "regrade request on adjsets test_sets_11 filed for bob" in ok(out["request"])
    assert "already have an open regrade request on test_sets_11" in error_line(*out["request_again"])
    line = error_line(*out["request_unknown"])
    assert "'nope' is not a question of adjsets" in line and "test_sets_11 (Question 1.1" in line
    listed = ok(out["list"])
    assert "1 regrade request(s), 1 open" in listed and "My sets are valid" in listed
    assert "regrade #1 test_sets_11" in ok(out["status_filed"]) and ": open" in out["status_filed"][1]
    assert "answered; your TA: Looking at it with the graph." in ok(out["status_answered"])
    resolved = ok(out["status_resolved"])
    assert "resolved, score changed from" in resolved and "to 2 of 2" in resolved
    assert "your TA: You are right: {W} is a valid set too." in resolved
    history = [ln for ln in ok(out["history"]).splitlines() if ln.strip().startswith("#1 ")]
    assert [ln.split()[3:5] for ln in history] == [["bob", "filed:"], ["ta_ann", "answered:"],
                                                    ["ta_ben", "resolved:"]]
    assert "'score': 2.0" in history[-1] and "'status': 'answered'" in history[-1]
    with Gradebook(course.db_url, course.id) as gb:
        assert gb.find_grade("test_sets_11", HW, HW, "bob").score == 2.0


def test_the_resolved_request_shows_on_the_students_feedback(term):
    tmp, config, course, out = term
    page = Path(ok(out["fetch_bob"]).strip().splitlines()[-1]).read_text()
    assert "Regrade request: #1, resolved, score changed from" in page
    assert "Adjusted by your TA: You are right: {W} is a valid set too." in page
