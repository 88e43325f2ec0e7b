"""The main job: a whole course cycle on embedded defaults, in a few minutes.

A fresh course folder with a local exchange and a SQLite gradebook; the
instructor releases the back-door homework; four simulated students fetch and
submit (correct, Simpson's-paradox mistake, runtime error, late); the TA
collects, autogrades, generates feedback, exports, and prints the gradebook.
"""
from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat

from autograder.authoring.source import answer_from_variant
from autograder.cli.output import console, print_gradebook
from autograder.pipeline.autograde import autograde
from autograder.pipeline.collect import collect
from autograder.pipeline.export import export_csv
from autograder.pipeline.feedback import feedback
from autograder.pipeline.formgrader import server_command, write_config
from autograder.pipeline.release import release
from autograder.pipeline.student import fetch, fetch_feedback, submit, validate

HOMEWORK = "backdoor"
ON_TIME_WINDOW = 75  # seconds from release to the demo's due date: room for validate + 3 submits


def simulated_students(assignment) -> dict[str, Path | None]:
    """Student id -> mistake file (None: the reference answers)."""
    mistakes = assignment.solution.parent / "mistakes"
    return {"alice": None, "bob": mistakes / "naive.py",
            "carol": mistakes / "runtime_error.py", "dan": None}


# Written answers in the students' own words (a copy of the model answer would
# match its nbgrader checksum and count as "no response").
WRITTEN = {
    "alice": "Promotion 0 works better: it wins inside both happiness groups and the adjusted "
             "ACE is positive. The raw rates mislead because happiness drives both the offer and "
             "renewal, so the back-door path X <- Z -> Y has to be blocked by adjusting for Z.",
    "bob": "Promotion 1 has the higher renewal rate overall, so I would use promotion 1.",
    "carol": "Use promotion 0; happiness confounds the comparison (Simpson's paradox).",
    "dan": "Promotion 0. Adjusting for happiness, which is a common cause of the promotion and "
           "of renewal, reverses the naive comparison.",
}


def answer_as(course, assignment, student: str, variant: Path | None) -> None:
    folder = course.dirs.fetched(assignment.id, student)
    path = folder / f"{assignment.notebook_name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    answer_from_variant(nb, assignment, variant, written={"explain_simpson": WRITTEN[student]})
    nbformat.write(nb, path)


def run_demo(course, folder: Path | None = None) -> None:
    folder = (folder or course.repo / "demo-course").resolve()
    if folder.exists():
        shutil.rmtree(folder)
    due = datetime.now(timezone.utc) + timedelta(seconds=ON_TIME_WINDOW)
    course = course.moved(folder, homeworks=[HOMEWORK], assignment_changes={"due": due})
    a = course.assignment(HOMEWORK)
    start = time.monotonic()

    console.rule("1. instructor: release")
    release(course, a.id)
    console.print(f"released '{a.title}', due {due:%H:%M:%S} UTC (the demo's clock)")

    console.rule("2. students: fetch, answer, validate, submit")
    students = simulated_students(a)
    for sid, variant in students.items():
        fetch(course, a.id, sid)
        answer_as(course, a, sid, variant)
    with console.status("alice runs the visible checks on her notebook"):
        report = validate(course, course.dirs.fetched(a.id, "alice") / f"{a.notebook_name}.ipynb")
    console.print(f"alice validate: {len(report.passed)} visible checks pass, {len(report.failed)} fail")
    for sid in ("alice", "bob", "carol"):
        submit(course, a.id, sid)
        console.print(f"{sid} submitted")
    wait = (due - datetime.now(timezone.utc)).total_seconds() + 1
    if wait > 0:
        with console.status(f"dan is late: waiting {wait:.0f}s until after the due date"):
            time.sleep(wait)
    submit(course, a.id, "dan")
    console.print("dan submitted after the due date")

    console.rule("3. TA: collect, autograde, feedback, export")
    console.print(f"collected {len(collect(course, a.id).collected)} submissions")
    for graded in autograde(course, a.id):
        console.print(f"  {graded.student}: {graded.status} {graded.reason}")
    feedback(course, a.id)
    files = fetch_feedback(course, a.id, "bob")
    console.print(f"bob fetched his feedback: {', '.join(p.name for p in files)}")
    path = export_csv(course, a.id)
    console.print(f"grades exported to {path}")

    print_gradebook(course, a.id)
    console.print(f"demo finished in {time.monotonic() - start:.0f}s; course state in {folder}")
    config = write_config(course)
    console.rule("4. TA: grade the written answers in formgrader")
    console.print(f"formgrader's configuration: {config}\n"
                  f"start it:  cd {folder} && {' '.join(server_command(course))}\n"
                  "or:        course --course-dir " f"{folder} formgrader\n"
                  "then open the URL it prints, choose Nbgrader > Formgrader, and grade "
                  f"'{a.id}' under Manual Grading (docs/grading.md)", highlight=False)
