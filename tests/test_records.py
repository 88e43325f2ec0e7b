"""The records that cross module boundaries through files: the grading report
(grading.json) and the worker's execution result, each with one writer and one
reader; and the answers' wire format, whose limits both ends share.

No kernel runs here: the records are built from literals, and the kernel's
encoder is the real source text sent to kernels, run in this process."""
from __future__ import annotations

import ast
import contextlib
import io
import json

import pytest

from autograder.course.config import load_course
from autograder.engine import jobs, kernel_side, wire
from autograder.engine.execution import RunOutcome
from autograder.grading.answers import Unavailable, decode_payload
from autograder.grading.report import GradingReport, read_report, write_report
from autograder.grading.verdict import QuestionResult
from conftest import REPO

# grading.json as the first version wrote it (Nov 2026): no truncated_cells,
# kernel_log, repairs, review, fingerprint or record_seconds, no misconception
OLDEST_REPORT = """{
  "student": "alice",
  "assignment": "backdoor",
  "seed": 1234,
  "status": "incomplete",
  "stopped": "the Python kernel exited with status 1",
  "seconds": 12.5,
  "tampering": ["test cell `test_cpts` was edited; the original was restored"],
  "questions": [
    {"grade_id": "test_cpts", "points": 2.0, "max_points": 2.0, "status": "graded",
     "messages": ["\\u2714 all three tables match"], "detail": [{"value": 0.3}]},
    {"grade_id": "test_do", "points": 0.0, "max_points": 3.0, "status": "not_run",
     "messages": ["\\u2718 Not graded: the Python kernel exited with status 1."], "detail": []}
  ]
}"""

# what a batch wrote for a submission it could not run (before this version)
OLD_REFUSAL = """{"student": "bob", "assignment": "backdoor", "status": "corrupt_notebook",
 "stopped": "backdoor.ipynb is not valid notebook JSON", "questions": [], "fingerprint": ""}"""


@pytest.fixture
def course(tmp_path):
    return load_course(REPO / "course.yml", course_dir=tmp_path / "state")


def put(course, student: str, text: str) -> None:
    path = course.dirs.report("backdoor", student)
    path.parent.mkdir(parents=True)
    path.write_text(text)


def test_a_grading_report_of_the_first_version_still_reads(course):
    put(course, "alice", OLDEST_REPORT)
    report = read_report(course, "backdoor", "alice")
    assert (report.student, report.status, report.seed, report.seconds) == \
        ("alice", "incomplete", 1234, 12.5)
    assert report.tampering == ["test cell `test_cpts` was edited; the original was restored"]
    assert report.repairs == report.review == report.truncated_cells == []
    assert report.fingerprint == "" and report.record_seconds is None  # never counts as done
    cpts, do = report.questions
    assert isinstance(cpts, QuestionResult) and cpts.misconception is None
    assert (cpts.grade_id, cpts.points, cpts.detail) == ("test_cpts", 2.0, [{"value": 0.3}])
    assert (do.status, do.points, do.max_points) == ("not_run", 0.0, 3.0)


def test_a_refusal_written_by_an_older_batch_still_reads(course):
    put(course, "bob", OLD_REFUSAL)
    report = read_report(course, "backdoor", "bob")
    assert (report.status, report.stopped, report.questions) == \
        ("corrupt_notebook", "backdoor.ipynb is not valid notebook JSON", [])


@pytest.mark.parametrize("text", [
    "{not json", "[]", '"a string"', '{"student": "carol"}',
    '{"student": "carol", "assignment": "backdoor", "status": "ok", "questions": {}}',
    '{"student": "carol", "assignment": "backdoor", "status": "ok", "questions": ["x"]}',
    '{"student": "carol", "assignment": "backdoor", "status": "ok", '
    '"questions": [{"grade_id": "test_do"}]}',
])
def test_a_damaged_report_reads_as_no_report(course, text):
    put(course, "carol", text)
    assert read_report(course, "backdoor", "carol") is None


def test_a_report_round_trips_through_its_file(course):
    outcome = RunOutcome(stopped=None, seconds=3.14159, extract_seconds=0.5, truncated=[4],
                         notes=["the notebook printed too much"], forged={"test_naive": "imitation"})
    results = [QuestionResult("test_naive", 0.0, 1.0, "tampered", ["✘ Not graded"]),
               QuestionResult("test_do", 1.5, 3.0, "graded", ["✔ a", "✘ b"],
                              [{"value": 0.1, "truth": 0.2, "se": 0.01}], "naive_difference")]
    report = GradingReport.from_run("dan", "backdoor", 7, outcome, results, ["a repair"], [],
                                    outcome.notes)
    assert report.status == "tampering" and report.seconds == 3.14
    report.fingerprint, report.record_seconds = "f" * 64, 1.25
    path = write_report(course, report)
    assert path == course.dirs.report("backdoor", "dan")
    assert read_report(course, "backdoor", "dan") == report
    assert json.loads(path.read_text()) == report.to_dict()
    # the file keeps the keys every reader of earlier versions knew
    assert {"student", "assignment", "seed", "status", "stopped", "seconds", "extract_seconds",
            "truncated_cells", "kernel_log", "repairs", "tampering", "review", "errors", "questions",
            "fingerprint", "record_seconds"} == set(json.loads(path.read_text()))


def test_the_report_status_is_the_worst_thing_that_happened():
    graded = QuestionResult("q1", 1.0, 1.0, "graded")
    unreadable = QuestionResult("q2", 0.0, 1.0, "unreadable")

    def status(**outcome):
        return GradingReport.from_run("s", "hw", 1, RunOutcome(**outcome), [graded, unreadable],
                                      [], [], []).status

    assert status(stopped="a cell ran too long") == "incomplete"
    assert status(forged={"q1": "imitation"}) == "tampering"
    assert status() == "unreadable"
    assert GradingReport.from_run("s", "hw", 1, RunOutcome(), [graded], [], [], []).status == "ok"


# ---------------------------------------------------------------- execution result

# an engine/<hw>/<student>.json as run_job wrote it before the record was typed
OLD_ENGINE_RESULT = {
    "assignment": "backdoor", "student": "alice", "fingerprint": "ab" * 32, "nb_hash": "cd" * 32,
    "cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [],
               "execution_count": 1, "id": "c1"}],
    "outcome": {"payloads": {"test_cpts": "{}"}, "stopped": None, "stopped_at": None,
                "seconds": 2.0, "truncated": [], "extract_seconds": 0.1, "kernel_log": "",
                "unanswered": {}, "forged": {}, "notes": []},
    "worker": "host:123"}


def test_a_saved_execution_round_trips_and_an_older_one_reads(course):
    path = course.dirs.engine_result("backdoor", "alice")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(OLD_ENGINE_RESULT))
    saved = jobs.load_result(course.dirs, "backdoor", "alice")
    assert (saved.fingerprint, saved.nb_hash, saved.worker) == ("ab" * 32, "cd" * 32, "host:123")
    assert isinstance(saved.outcome, RunOutcome) and saved.outcome.payloads == {"test_cpts": "{}"}
    assert saved.executed_cells()[0].source == "x = 1"
    # an older result reads with the newer fields at their defaults, and nothing else changes
    now = saved.to_dict()
    assert {k: v for k, v in now["outcome"].items() if k not in OLD_ENGINE_RESULT["outcome"]} \
        == {"outputs_inert": False}
    assert {**now, "outcome": {k: now["outcome"][k] for k in OLD_ENGINE_RESULT["outcome"]}} \
        == OLD_ENGINE_RESULT
    jobs.save_result(course.dirs, saved)
    assert jobs.load_result(course.dirs, "backdoor", "alice") == saved
    assert jobs.parse_result(json.dumps(saved.to_dict())) == saved


@pytest.mark.parametrize("text", ["garbage", "[1, 2]", '{"assignment": "backdoor"}',
                                  json.dumps({**OLD_ENGINE_RESULT, "outcome": [1]})])
def test_what_is_not_an_execution_result_is_refused_as_data(course, text):
    with pytest.raises(ValueError):
        jobs.parse_result(text)
    path = course.dirs.engine_result("backdoor", "bob")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    assert jobs.load_result(course.dirs, "backdoor", "bob") is None


# ---------------------------------------------------------------- the wire format

def nested(depth: int):
    """A value whose innermost number sits `depth` levels down."""
    value = 1.0
    for _ in range(depth):
        value = [value]
    return value


def kernel_answer(value) -> dict:
    """What the kernel's own extraction code reports for `answer = value`: the
    source sent to kernels, run here (its display prints outside IPython)."""
    namespace = {"answer": value}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(kernel_side.for_cell(kernel_side.extract(["answer"], {}), "n0", 60), namespace)
    message = ast.literal_eval(out.getvalue())
    return json.loads(message[wire.MIME])["answers"]


def test_both_ends_of_the_wire_share_one_nesting_limit():
    deepest = kernel_answer(nested(wire.MAX_DEPTH))
    assert decode_payload(json.dumps(deepest))["answer"] == nested(wire.MAX_DEPTH)
    refused = kernel_answer(nested(wire.MAX_DEPTH + 1))["answer"]
    assert "nested too deeply" in refused["__error__"]
    # a kernel that encodes deeper anyway is refused by the grader, that answer only
    forged = {"answer": {"value": nested(wire.MAX_DEPTH + 1)}, "other": {"value": 2}}
    decoded = decode_payload(json.dumps(forged))
    assert isinstance(decoded["answer"], Unavailable) and "nested too deeply" in decoded["answer"].reason
    assert decoded["other"] == 2


def test_a_payload_over_the_wire_limit_is_refused_whole():
    with pytest.raises(ValueError, match="too large"):
        decode_payload(" " * (wire.MAX_PAYLOAD + 1))
