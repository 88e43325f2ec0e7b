"""The batch grading engine with real sandboxes, real kernels and real nbgrader:
faults and attacks in one batch, a kill -9 in the middle of a batch, and the
same batch on a real Dask cluster on localhost.

Each submission is a correct back-door solution with one thing added: a fault, an
attack, or a known mistake dressed up to look right. The correct solution is the
exact-enumeration alternative (full marks in the manifest): the grader's calls of
it take milliseconds, where the reference's importance sampling costs half a minute
a notebook, so the batch's time goes to the faults it is about. The
second round of hardening (docs/engine.md) adds output that is cheap to make
and costly to parse, markup in a cell id, metadata nbgrader does not know, a
kernel that ignores interrupts, a time limit inside the grader's call, and
litter in the sandbox; the honest submissions in the same batch keep their
scores.
"""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from bs4 import BeautifulSoup

from autograder import safehtml
from autograder.authoring.source import answer_from_variant
from autograder.grading.report import read_report
from autograder.pipeline.autograde import autograde
from autograder.pipeline.collect import collect
from autograder.course.config import load_course
from autograder.nbcells import grade_id
from autograder.pipeline.release import release
from autograder.pipeline.feedback import feedback
from autograder.pipeline.student import fetch, fetch_feedback, submit
from conftest import REPO

HW = "backdoor"
HONEST = "alternatives/enumeration.py"   # a correct answer that is cheap to grade
QUESTIONS = ("test_cpts", "test_backdoor", "test_do", "test_naive")
FULL = {"test_cpts": 2.0, "test_backdoor": 3.0, "test_do": 3.0, "test_naive": 1.0}

LOOP = "\nwhile True:\n    pass\n"
MEMORY = """
def grab():
    held = []
    while True:
        held.append(bytearray(2**28))
grab()
"""
FORK_BOMB = """
import os
while True:
    os.fork()
"""
HUGE = "\nfor _ in range(200):\n    print('x' * 10**6)\n"
CRASH = "\nimport os\nos._exit(1)\n"

MONKEY = """
import builtins, numpy
numpy.isclose = lambda *a, **k: True
numpy.allclose = lambda *a, **k: True
builtins.abs = lambda x: 0.0
builtins.float = lambda *a: 0.0
try:
    import autograder.checks as checks
    checks.close_to = lambda *a, **k: None
except ImportError:
    pass
"""
RIGGED = """
class Agreeable(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __float__(self): return 0.5
    def __abs__(self): return 0.0
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __hash__(self): return 0
cpts = {"p_z1": Agreeable(0.0), "p_x_given_z": [[Agreeable(0)] * 2] * 2,
        "p_y_given_xz": [[Agreeable(0)] * 2] * 2}
"""
FAKER = """
import json
from IPython.display import display
naive_difference = 0.5
print("test_naive: 1.0 / 1 points")
display({"application/vnd.course.answers+json":
         json.dumps({"naive_difference": {"value": 0.0}})}, raw=True)
"""


FORGER = """
import json, threading, time
from IPython.display import display
def __forge():
    # what the forger hopes the grader reads: right-looking answers for the
    # function checks this naive submission would fail
    fake = json.dumps({"nonce": "0" * 32, "answers": {"observed": {"value": 0.05504},
                       "relabelled": {"value": -0.05504}}})
    while True:
        display({"application/vnd.course.answers+json": fake}, raw=True)
        time.sleep(0.02)
threading.Thread(target=__forge, daemon=True).start()
"""
PATCH_JSON = "\nimport json\njson.dumps = lambda *a, **k: '{garbage'\n"
LIAR_FRACTION = """
class Fraction:
    numerator, denominator = 1, 0
naive_difference = Fraction()
"""
LIAR_NESTED = """
nested = []
for _ in range(60):
    nested = [nested]
cpts = {"p_z1": nested, "p_x_given_z": nested, "p_y_given_xz": nested}
"""
KILLPG = "\nimport os\nos.killpg(0, 9)\n"
SPREAD = """
import json
from IPython.display import display
print("y" * 3 * 10**6)
display({"application/vnd.course.answers+json": "z" * 1000}, raw=True)
"""


# ------------------------------------------------- round 2 (docs/engine.md)
NESTED_OUTPUT = """
from IPython.display import HTML, display
display(HTML("<ul><li>" * 20000 + "deep"))  # 160 kB, 20000 levels: minutes for a parser
"""
NESTED_ANSWER = "Happiness confounds promotion and renewal. " + "<ul><li>" * 20000 + "deep"
MARKUP_ID = "# H [a](//evil.example)![t](//t.example/i.png)<img src=x>$x$"  # 60: quoted whole
SWALLOW_SIGINT = """
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    time.sleep(0.5)
"""
# the grader calls with its own seeds: only its calls hang, the student's own run is fine
SLOW_FOR_THE_GRADER = """
_honest_backdoor_ace = backdoor_ace
def backdoor_ace(cpts, num_samples, seed):
    if seed != 1:
        import time
        time.sleep(10**6)
    return _honest_backdoor_ace(cpts, num_samples, seed)
"""
LITTER = """
import os
home = os.getcwd()
for _ in range(5000):  # a folder tree 5000 levels deep (too deep for a recursive removal)
    os.mkdir("d")
    os.chdir("d")
os.chdir(home)
written = 0
try:
    with open("/tmp/big", "wb") as f:
        for _ in range(64):  # 4 GB, far more than the sandbox may write
            f.write(b"0" * 2**26)
            f.flush()
            written += 64
except OSError as exc:
    print("stopped:", type(exc).__name__)
print(f"wrote {written} MB")
"""
DISK_MB = 512  # the batch's sandbox: what a kernel may write


def nested_answer(nb):
    for cell in nb.cells:
        if grade_id(cell) == "explain_simpson":
            cell.source = NESTED_ANSWER


def markup_id(nb):
    cell = nbformat.v4.new_code_cell("scratch = 1")
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                 "grade_id": MARKUP_ID, "schema_version": 3}
    nb.cells.append(cell)


def damaged_metadata(nb):
    """Left by other tools or a text editor: keys nbgrader does not know, a
    schema version from the future, a kernelspec as a plain string (a lone
    surrogate is added to the file after submit: nbformat cannot write one)."""
    nb.metadata["kernelspec"] = "python3"
    for cell in nb.cells:
        if grade_id(cell) == "cpts_answer":
            cell.metadata.nbgrader["score"] = 2.0
        if grade_id(cell) == "test_do":
            cell.metadata.nbgrader["schema_version"] = 4


def add_lone_surrogate(path: Path):
    data = json.loads(path.read_text())
    data["cells"].append({"cell_type": "code", "id": "surrogate", "metadata": {},
                          "execution_count": None, "outputs": [],
                          "source": 'note = "\ud800 a half character"\nprint("the surrogate cell ran:", len(note))'})
    path.write_text(json.dumps(data))  # JSON escapes it: a file can hold it that way


def duplicate_cells(*gids):
    """Copy-paste: each named cell appears twice, the copy right after it."""
    def edit(nb):
        import copy
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            if grade_id(cell) in gids:
                twin = copy.deepcopy(cell)
                twin.pop("id", None)
                cells.append(twin)
        nb.cells = cells
    return edit


def unknown_id(nb):
    cell = nbformat.v4.new_code_cell("scratch = 1")
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                 "grade_id": "my_scratch", "schema_version": 3}
    nb.cells.append(cell)


def retyped(nb):
    """The written answer made autograded, a test cell flagged as an answer."""
    for cell in nb.cells:
        if grade_id(cell) == "explain_simpson":
            cell.metadata.nbgrader["solution"] = False
            cell.update(cell_type="code", outputs=[], execution_count=None)
        if grade_id(cell) == "test_naive":
            cell.metadata.nbgrader["solution"] = True


def snoop(paths, port):
    """Code that tries to read what a student must never see, and to reach the
    network; it prints LEAK for anything that works."""
    return f"""
import os, socket
for path in {[str(p) for p in paths]!r}:
    try:
        with open(path, "rb") as f:
            f.read(10)
        print("LEAK read", path)
    except OSError as exc:
        print("blocked read", path, type(exc).__name__)
# the Python environment is mounted (read-only) even when it lives in the repository;
# nothing else of the repository, the course folder or the home folders is
for folder in [{str(REPO)!r}, {str(paths[2].parent)!r}, "/srv", "/home"]:
    seen = set(os.listdir(folder)) - {{".venv", "student"}} if os.path.isdir(folder) else set()
    print(f"LEAK list {{folder}}: {{sorted(seen)}}" if seen else f"blocked list {{folder}}")
with open("/proc/1/cmdline", "rb") as f:
    pid1 = f.read().decode(errors="replace")
# (the kernel's own command line, with its connection file, is no secret)
print("LEAK pid1" if any(o in pid1 for o in ("--bind", "--ro-bind", "--setenv")) else "blocked pid1")
for host, port in [("127.0.0.1", {port}), ("pypi.org", 443)]:
    try:
        socket.create_connection((host, port), timeout=3).close()
        print("LEAK connect", host)
    except OSError as exc:
        print("blocked connect", host, type(exc).__name__)
"""


def make_course(tmp: Path, roster, limits=None, **changes):
    """The real course, in memory: state under tmp, this roster, the back-door homework
    with shorter timeouts (and other sandbox limits). The cell limit leaves an honest
    notebook room on a busy 2-core machine: the slowest honest cells are the imports
    and the known mistake's importance sampling, rejected at the first stage."""
    a = {"cell_timeout": 60, "notebook_timeout": 600}
    if limits:
        a["limits"] = dataclasses.replace(load_course(REPO / "course.yml").assignment(HW).limits,
                                          **limits)
    return load_course(REPO / "course.yml").moved(tmp / "state", roster=roster, homeworks=[HW],
                                                  assignment_changes=a, **changes)


def hand_in(course, student, variant=HONEST, extra=None, edit=None):
    """The student fetches, answers (a correct answer or a mistake, plus `extra`
    code appended to sections) and submits."""
    a = course.assignment(HW)
    fetch(course, HW, student)
    path = course.dirs.fetched(HW, student) / f"{HW}.ipynb"
    nb = nbformat.read(path, 4)
    answer_from_variant(nb, a, variant, extra=extra,
                        written={"explain_simpson": "Happiness confounds promotion and renewal."})
    if edit:
        edit(nb)
    nbformat.write(nb, path)
    submit(course, HW, student)


def points(course, student) -> dict[str, float]:
    report = read_report(course, HW, student)
    return {q.grade_id: q.points for q in report.questions}


def outputs(course, student) -> str:
    nb = nbformat.read(course.course_dir / "autograded" / student / HW / f"{HW}.ipynb", 4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


def drop_cell(*gids):
    def edit(nb):
        nb.cells = [c for c in nb.cells if grade_id(c) not in gids]
    return edit


def fake_test_cell(nb):
    for cell in nb.cells:
        if grade_id(cell) == "test_naive":
            cell.source = 'print("All checks passed: 1.0 / 1")'


@pytest.fixture(scope="module")
def listener():
    """A TCP server on the host's loopback that a sandboxed kernel must not reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    reached = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            reached.append(conn)
    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], reached
    server.close()


SUBMISSIONS = {
    "ok": {},
    "loop": {"extra": {"do_answer": LOOP}},
    "memory": {"extra": {"naive_answer": MEMORY}},
    "forkbomb": {"extra": {"naive_answer": FORK_BOMB}},
    "crash": {"extra": {"do_answer": CRASH}},
    "huge": {"extra": {"cpts_answer": HUGE}},
    "deleted": {"edit": drop_cell("naive_answer")},
    "monkey": {"variant": "mistakes/naive.py", "extra": {"cpts_answer": MONKEY}},
    "rigged": {"extra": {"cpts_answer": RIGGED}},
    "faker": {"extra": {"naive_answer": FAKER}, "edit": fake_test_cell},
    "snoop": {},
    # what students do to notebooks every week
    "copypaste": {"edit": duplicate_cells("do_answer", "test_do")},
    "unknownid": {"edit": unknown_id},
    "pairgone": {"edit": drop_cell("naive_answer", "test_naive")},
    "retyped": {"edit": retyped},
    # and what hostile ones try
    "forger": {"variant": "mistakes/naive.py", "extra": {"cpts_answer": FORGER}},
    "patchjson": {"extra": {"naive_answer": PATCH_JSON}},
    "liar": {"extra": {"naive_answer": LIAR_FRACTION, "cpts_answer": LIAR_NESTED}},
    "killpg": {"extra": {"naive_answer": KILLPG}},
    "spread": {"extra": {gid: SPREAD for gid in ("cpts_answer", "model_answer", "do_answer")}},
    "linker": {},     # symlinks to the gradebook and another student's notebook, added in the exchange
    "oversize": {},   # a file over the submission limit, added in the exchange
    # round 2: cheap to make and costly to process, our voice, metadata, stuck kernels, litter
    "nested": {"extra": {"cpts_answer": NESTED_OUTPUT}, "edit": nested_answer},
    "markupid": {"edit": markup_id},
    "damaged": {"edit": damaged_metadata},  # and a lone surrogate, added in the exchange
    "sigint": {"extra": {"naive_answer": SWALLOW_SIGINT}},
    "slowcall": {"extra": {"model_answer": SLOW_FOR_THE_GRADER}},
    "litter": {"extra": {"naive_answer": LITTER}},
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory, listener):
    tmp = tmp_path_factory.mktemp("engine")
    course = make_course(tmp, list(SUBMISSIONS) + ["corrupt"], submission_mb=2,
                         limits={"notebook_output_mb": 8, "disk_mb": DISK_MB})
    release(course, HW)
    port, _ = listener
    secrets = [REPO / "assignments" / HW / "checks.py", REPO / "solutions" / HW / f"{HW}.py",
               course.course_dir / "gradebook.db",
               course.course_dir / "source" / HW / f"{HW}.ipynb",
               course.course_dir / "submitted" / "ok" / HW / f"{HW}.ipynb",
               course.dirs.fetched(HW, "ok") / f"{HW}.ipynb", course.source]
    SUBMISSIONS["snoop"] = {"extra": {"cpts_answer": snoop(secrets, port)}}
    for student, how in SUBMISSIONS.items():
        hand_in(course, student, **how)
    inbound = course.exchange / course.id / "inbound"
    linker = next(inbound.glob(f"linker+{HW}+*"))
    (linker / "grades.db").symlink_to(course.course_dir / "gradebook.db")
    (linker / "peer.ipynb").symlink_to(course.dirs.fetched(HW, "ok") / f"{HW}.ipynb")
    (linker / "notes.html").symlink_to(course.course_dir / "gradebook.db")
    os.mkfifo(linker / "pipe")
    (next(inbound.glob(f"oversize+{HW}+*")) / "weights.bin").write_bytes(os.urandom(3 * 2**20))
    add_lone_surrogate(next(inbound.glob(f"damaged+{HW}+*")) / f"{HW}.ipynb")
    collected = collect(course, HW)
    (course.course_dir / "submitted" / "corrupt" / HW).mkdir(parents=True)
    (course.course_dir / "submitted" / "corrupt" / HW / f"{HW}.ipynb").write_text('{"cells": [')
    # the workers' sandboxes go in a folder of their own, to see that none is left
    sandboxes = Path(tempfile.mkdtemp(prefix="sbx-", dir="/tmp"))  # short: socket paths
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(sandboxes)
    try:
        start = time.monotonic()
        done = {g.student: g for g in autograde(course, HW, show_progress=False, workers=2)}
        took = time.monotonic() - start
    finally:
        if before is None:
            os.environ.pop("TMPDIR")
        else:
            os.environ["TMPDIR"] = before
    SANDBOXES_LEFT[:] = [p.name for p in sandboxes.iterdir()] + [
        line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()
        if str(sandboxes) in line]
    if not SANDBOXES_LEFT:
        sandboxes.rmdir()
    return course, done, took, collected


SANDBOXES_LEFT: list[str] = []  # host folders or mounts the batch's sandboxes left behind


def test_a_correct_submission_gets_full_marks_in_the_sandbox(batch):
    course, done, _, _ = batch
    assert done["ok"].status == "ok"
    assert points(course, "ok") == FULL


def test_an_infinite_loop_is_interrupted_and_earlier_answers_count(batch):
    course, done, _, _ = batch
    # do_ace was defined before the loop started, so every answer still counts
    assert points(course, "loop") == FULL
    assert "KeyboardInterrupt" in json.dumps(nbformat.read(
        course.course_dir / "autograded" / "loop" / HW / f"{HW}.ipynb", 4), default=str)


def test_running_out_of_memory_raises_in_the_kernel_and_grading_goes_on(batch):
    course, done, _, _ = batch
    assert points(course, "memory") == FULL
    assert "MemoryError" in json.dumps(nbformat.read(
        course.course_dir / "autograded" / "memory" / HW / f"{HW}.ipynb", 4), default=str)


def test_a_fork_bomb_hits_the_process_limit_and_stops_the_notebook(batch):
    course, done, _, _ = batch
    got = points(course, "forkbomb")
    # every answer before the bomb's cell is graded, and the batch went on
    assert all(got[q] == FULL[q] for q in ("test_cpts", "test_backdoor", "test_do"))
    assert done["forkbomb"].status == "incomplete" and "fork bomb" in done["forkbomb"].reason


def test_a_kernel_crash_keeps_the_points_earned_before_it(batch):
    course, done, _, _ = batch
    assert done["crash"].status == "incomplete"
    assert "exited with status 1" in done["crash"].reason
    got = points(course, "crash")
    assert got["test_cpts"] == 2.0 and got["test_backdoor"] == 3.0
    assert got["test_do"] == 0.0 and got["test_naive"] == 0.0
    report = read_report(course, HW, "crash")
    assert all("exited with status 1" in " ".join(q.messages) for q in report.questions
               if q.grade_id in ("test_do", "test_naive"))


def test_huge_output_is_cut_and_the_answers_still_count(batch):
    course, done, _, _ = batch
    assert points(course, "huge") == FULL
    assert read_report(course, HW, "huge").truncated_cells
    size = (course.course_dir / "autograded" / "huge" / HW / f"{HW}.ipynb").stat().st_size
    assert size < 20 * 2**20  # 200 MB were printed


def test_a_deleted_answer_cell_costs_only_its_question(batch):
    course, done, _, _ = batch
    got = points(course, "deleted")
    assert got["test_naive"] == 0.0
    assert all(got[q] == FULL[q] for q in ("test_cpts", "test_backdoor", "test_do"))


def test_corrupt_json_is_reported_not_fatal(batch):
    course, done, _, _ = batch
    assert done["corrupt"].status == "corrupt_notebook"


def test_monkeypatching_numpy_and_the_checks_changes_nothing(batch):
    course, done, _, _ = batch
    got = points(course, "monkey")
    assert got["test_backdoor"] == 0.0 and got["test_do"] == 0.0  # still the naive mistake


def test_objects_with_a_rigged_eq_are_not_accepted(batch):
    course, done, _, _ = batch
    got = points(course, "rigged")
    assert got["test_cpts"] == 0.0
    messages = " ".join(m for q in read_report(course, HW, "rigged").questions
                        for m in q.messages)
    assert "Agreeable" in messages


def test_printed_fake_results_and_an_edited_test_cell_do_not_score(batch):
    course, done, _, _ = batch
    assert points(course, "faker")["test_naive"] == 0.0
    assert "was edited" in " ".join(read_report(course, HW, "faker").tampering)


def test_the_sandbox_hides_files_and_the_network(batch, listener):
    course, done, _, _ = batch
    text = outputs(course, "snoop")
    assert "LEAK" not in text
    assert text.count("blocked read") == 7 and text.count("blocked connect") == 2
    assert text.count("blocked list") == 4
    assert text.count("blocked pid1") == 1  # pid 1's command line shows no host paths or mounts
    assert listener[1] == []  # nothing ever connected to the host's loopback
    assert points(course, "snoop") == FULL


def test_failures_are_listed_by_reason_and_the_batch_finished(batch):
    course, done, _, _ = batch
    graded = set(SUBMISSIONS) - {"oversize"}  # refused at collect
    assert set(done) == graded | {"corrupt"}
    assert done["crash"].status == "incomplete" and done["ok"].status == "ok"
    with Gradebook(course.db_url) as gb:
        assert {s.student.id for s in gb.assignment_submissions(HW)} == graded


# ------------------------------------------------- everyday edits, repaired

def report_notes(course, student) -> str:
    report = read_report(course, HW, student)
    return " ".join(report.repairs + report.tampering)


def test_copy_pasted_cells_are_graded_once_and_noted(batch):
    course, done, _, _ = batch
    assert done["copypaste"].status == "ok"
    assert points(course, "copypaste") == FULL
    notes = report_notes(course, "copypaste")
    assert "`do_answer` appears more than once" in notes and "`test_do` appears" in notes


def test_a_cell_with_an_unknown_grade_id_runs_as_an_ordinary_cell(batch):
    course, done, _, _ = batch
    assert points(course, "unknownid") == FULL
    assert "unknown nbgrader id 'my_scratch'" in report_notes(course, "unknownid")


def test_a_deleted_answer_and_test_pair_costs_only_that_question(batch):
    course, done, _, _ = batch
    got = points(course, "pairgone")
    assert got == {**FULL, "test_naive": 0.0}
    notes = report_notes(course, "pairgone")
    assert "answer cell `naive_answer` was missing" in notes
    assert "test cell `test_naive` was missing" in notes


def test_changed_cell_types_and_flags_are_restored_from_the_release(batch):
    course, done, _, _ = batch
    assert points(course, "retyped") == FULL
    notes = report_notes(course, "retyped")
    assert "`explain_simpson` were changed" in notes and "`test_naive` were changed" in notes
    nb = nbformat.read(course.course_dir / "autograded" / "retyped" / HW / f"{HW}.ipynb", 4)
    written = next(c for c in nb.cells if grade_id(c) == "explain_simpson")
    assert written.cell_type == "markdown" and "Happiness confounds" in written.source


# ---------------------------------------------------------- hostile code

def test_a_thread_displaying_forged_answers_is_refused_and_flagged(batch):
    course, done, _, _ = batch
    got = points(course, "forger")
    # the naive mistake underneath: forging would have given these full marks
    assert got["test_backdoor"] == 0.0 and got["test_do"] == 0.0
    report = read_report(course, HW, "forger")
    assert done["forger"].status == "tampering"
    refused = [q for q in report.questions if q.status == "tampered"]
    assert refused and all("imitating the grader's answers" in q.messages[0] for q in refused)
    with Gradebook(course.db_url) as gb:
        assert gb.find_submission_notebook(HW, HW, "forger").flagged


def test_patching_json_in_the_kernel_stops_the_notebook_not_the_worker(batch):
    course, done, _, _ = batch
    assert done["patchjson"].status == "incomplete"
    assert "json" in done["patchjson"].reason
    got = points(course, "patchjson")
    assert all(got[q] == FULL[q] for q in ("test_cpts", "test_backdoor", "test_do"))


def test_lying_answer_objects_cost_only_their_own_questions(batch):
    course, done, _, _ = batch
    got = points(course, "liar")
    assert got["test_naive"] == 0.0 and got["test_cpts"] == 0.0
    assert got["test_backdoor"] == FULL["test_backdoor"] and got["test_do"] == FULL["test_do"]
    messages = {q.grade_id: " ".join(q.messages)
                for q in read_report(course, HW, "liar").questions}
    assert "Fraction" in messages["test_naive"]
    assert "nested too deeply" in messages["test_cpts"]


def test_a_kernel_killing_its_own_group_is_not_called_out_of_memory(batch):
    course, done, _, _ = batch
    assert done["killpg"].status == "incomplete"
    assert "SIGKILL" in done["killpg"].reason and "os.killpg" in done["killpg"].reason


def test_output_spread_over_cells_is_bounded_for_the_whole_notebook(batch):
    course, done, _, _ = batch
    assert points(course, "spread") == FULL
    report = read_report(course, HW, "spread")
    assert any("in all" in n for n in report.review)  # the total budget cut in
    assert any("imitating the grader's answers" in n for n in report.review)
    size = (course.course_dir / "autograded" / "spread" / HW / f"{HW}.ipynb").stat().st_size
    assert size < 9 * 2**20  # 9 MB printed, 8 MB allowed


# ------------------------------------------------------ the exchange path

@pytest.fixture(scope="module")
def feedback_pages(batch):
    """Feedback generated and released once for the whole batch."""
    course = batch[0]
    feedback(course, HW)
    return lambda student: (course.course_dir / "feedback" / student / HW / f"{HW}.html").read_text()


def test_symlinks_and_special_files_in_a_submission_are_never_followed(batch, feedback_pages):
    course, done, _, collected = batch
    folder = course.course_dir / "submitted" / "linker" / HW
    names = {p.name for p in folder.iterdir()}
    assert names <= {f"{HW}.ipynb", "timestamp.txt", "promotions.csv", "submission_secret.txt"}
    assert not any(p.is_symlink() for p in folder.iterdir())
    assert len(collected.notes["linker"]) == 4
    assert points(course, "linker") == FULL
    fetched = fetch_feedback(course, HW, "linker")
    assert [p.name for p in fetched] == [f"{HW}.html"]
    for p in (course.course_dir / "autograded" / "linker").rglob("*"):
        assert not p.is_symlink(), p
    for p in fetched[0].parent.rglob("*"):
        assert p.is_file() and not p.is_symlink()
        assert b"SQLite format 3" not in p.read_bytes()


# ------------------------------------------ round 2: cheap to make, costly to process

def grading_notes(page: str) -> BeautifulSoup:
    """The grading-notes box of a feedback page (the one box of ours that is not a test cell's)."""
    soup = BeautifulSoup(page, "html.parser")
    boxes = [b for b in soup.select(f".{safehtml.MARK}") if "alert-warning" in b["class"]
             and "Grading notes" in b.get_text()]
    assert len(boxes) == 1
    return boxes[0]


def test_deeply_nested_html_is_shown_as_text_not_parsed(batch, feedback_pages):
    course, done, _, _ = batch
    assert done["nested"].status == "ok" and points(course, "nested") == FULL
    report = read_report(course, HW, "nested")
    assert any("nested more than 100 levels deep; it is shown as text" in n
               for n in report.review)  # the output, cut in the worker, with a note
    nb = nbformat.read(course.course_dir / "autograded" / "nested" / HW / f"{HW}.ipynb", 4)
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
             if "not rendered" in o.get("data", {}).get("text/plain", "")]
    assert len(shown) == 1 and "text/html" not in shown[0].data
    page = feedback_pages("nested")
    assert "Happiness confounds" in page  # the written answer, as text, with why
    assert "not rendered: its HTML is nested more than 100 levels deep" in page
    assert page.count("<ul>") < 50 and len(page) < 3 * 2**20


def test_markup_in_a_cell_id_is_quoted_as_plain_text_in_our_box(batch, feedback_pages):
    course, done, _, _ = batch
    assert done["markupid"].status == "ok" and points(course, "markupid") == FULL
    notes = report_notes(course, "markupid")
    assert "graded as an ordinary cell" in notes and "evil.example" in notes
    box = grading_notes(feedback_pages("markupid"))
    assert not box.find_all(["a", "img", "h1", "h2", "script", "em"]), box
    assert f"'{MARKUP_ID}'" in " ".join(box.get_text().split())  # every character, as text
    assert safehtml.NO_MATH in box["class"]  # MathJax leaves the quoted $x$ alone
    rows = inert_notes_of(course, "markupid")
    assert "\n" not in rows and not rows.startswith(("=", "+", "-", "@"))


def inert_notes_of(course, student) -> str:
    from autograder.pipeline.export import rows
    return next(r for r in rows(course, HW)[1] if r["student_id"] == student)["notes"]


def test_metadata_nbgrader_does_not_know_is_dropped_and_the_rest_graded(batch):
    course, done, _, _ = batch
    assert done["damaged"].status == "ok"
    assert points(course, "damaged") == FULL
    notes = report_notes(course, "damaged")
    assert "`cpts_answer` held 'score', which nbgrader does not accept" in notes
    assert "`test_do` held 'schema_version': 4" in notes
    assert "kernelspec was not valid ('python3'); the released one was used" in notes
    assert "lone surrogates" in notes  # replaced, and the cell ran: nothing blamed on json
    assert "the surrogate cell ran: 18" in outputs(course, "damaged")
    with Gradebook(course.db_url) as gb:
        assert gb.find_submission(HW, "damaged").score == sum(FULL.values())


def test_a_kernel_that_ignores_interrupts_is_stopped_with_that_reason(batch):
    course, done, _, _ = batch
    assert done["sigint"].status == "incomplete"
    reason = done["sigint"].reason
    assert "stopped responding after cell" in reason and "time limit" in reason
    got = points(course, "sigint")
    assert all(got[q] == FULL[q] for q in ("test_cpts", "test_backdoor", "test_do"))
    naive = next(q for q in read_report(course, HW, "sigint").questions
                 if q.grade_id == "test_naive")
    # stopped there: the test cell after it was not sent to the stuck kernel to time out again
    assert naive.points == 0.0 and "stopped responding" in " ".join(naive.messages)


def test_a_time_limit_inside_the_graders_call_says_time_limit(batch):
    course, done, _, _ = batch
    got = points(course, "slowcall")
    assert got == {**FULL, "test_backdoor": 0.0}  # the kernel answered the interrupt: the rest ran
    messages = " ".join(next(q for q in read_report(course, HW, "slowcall").questions
                             if q.grade_id == "test_backdoor").messages)
    assert "`backdoor_ace(...)` was still running when the time limit" in messages
    assert "KeyboardInterrupt" not in messages


def test_litter_in_the_sandbox_is_bounded_and_removed_without_a_retry(batch):
    course, done, _, _ = batch
    assert done["litter"].status == "ok" and points(course, "litter") == FULL
    text = outputs(course, "litter")
    assert "stopped: OSError" in text  # "No space left on device" at the sandbox's size
    written = int(text.split("wrote ")[1].split(" MB")[0])
    assert written <= DISK_MB
    # 5000 levels deep, yet the worker did not fail, nothing ran twice and no
    # host folder or mount is left by any sandbox of the batch
    assert SANDBOXES_LEFT == []


def test_hostile_notes_and_nesting_stay_inert_in_chromium(batch, feedback_pages, tmp_path):
    """The pages in a real browser (Debian's chromium, as tests/test_feedback_ui.py):
    nothing quoted becomes a link, image or formula in our box, no request leaves
    for the tracker, and the page with 20000-level nesting opens with a shallow DOM."""
    from test_feedback_ui import CHROMIUM, open_page
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`; ./run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for student in ("markupid", "nested"):
                path = tmp_path / f"{student}.html"
                path.write_text(feedback_pages(student))
                page = open_page(browser, path)  # offline; waits for MathJax to finish
                box = page.locator(f".{safehtml.MARK}.alert-warning").first
                assert box.locator("a, img, h1, h2, .MathJax").count() == 0
                if student == "markupid":
                    assert MARKUP_ID in box.inner_text()
                depth = page.evaluate("""() => { let deepest = 0;
                    for (const el of document.querySelectorAll('body *')) { let d = 0;
                      for (let e = el; e; e = e.parentElement) d++; deepest = Math.max(deepest, d); }
                    return deepest; }""")
                assert depth < 150, depth
                # any image or link that loaded would have asked the network (aborted)
                assert page.evaluate("() => performance.getEntriesByType('resource')"
                                     ".filter(e => /t[.]example|evil/.test(e.name)).length") == 0
                page.close()
        finally:
            browser.close()


def test_a_folder_tree_thousands_deep_is_removed_without_recursion(tmp_path):
    from autograder.engine.sandbox import remove_tree
    root = tmp_path / "home"
    root.mkdir()
    here = os.getcwd()
    os.chdir(root)
    try:
        for _ in range(5000):
            os.mkdir("d")
            os.chdir("d")
        Path("f").write_text("x")
        os.symlink(tmp_path, "up")  # removed, never followed
    finally:
        os.chdir(here)
    (tmp_path / "keep").write_text("kept")
    assert remove_tree(root)
    assert not root.exists() and (tmp_path / "keep").read_text() == "kept"


def test_an_oversized_submission_is_refused_alone(batch):
    course, done, _, collected = batch
    assert "submission size limit" in collected.refused["oversize"]
    assert "oversize" not in done and not (course.course_dir / "submitted" / "oversize").exists()
    assert set(collected.collected) == set(SUBMISSIONS) - {"oversize"}


def test_the_exchange_root_is_not_world_writable(batch):
    course, _, _, _ = batch
    assert course.exchange.stat().st_mode & 0o777 == 0o755


def test_regrading_gives_the_same_scores(batch):
    course, done, _, _ = batch
    before = {s: points(course, s) for s in ("ok", "monkey", "crash")}
    again = autograde(course, HW, ["ok", "monkey", "crash"], show_progress=False, workers=1,
                      regrade=True)
    assert all(not g.skipped for g in again)
    assert {s: points(course, s) for s in before} == before


def test_an_unchanged_batch_is_not_graded_again(batch):
    course, _, _, _ = batch
    start = time.monotonic()
    again = autograde(course, HW, show_progress=False)
    assert all(g.skipped for g in again if g.student != "corrupt")
    assert time.monotonic() - start < 60


# ---------------------------------------------------------------- Dask

@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A real scheduler and two single-threaded workers on localhost."""
    tmp = tmp_path_factory.mktemp("dask")
    info = tmp / "scheduler.json"
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}")
    procs = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    deadline = time.monotonic() + 60
    while not info.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    address = json.loads(info.read_text())["address"]
    for _ in range(2):
        procs.append(subprocess.Popen(
            [str(bindir / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard",
             "--memory-limit", "0"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
    from distributed import Client
    with Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=90)
        pids = set(client.run(os.getpid).values())
    yield address, pids
    for p in procs[::-1]:
        p.terminate()
    for p in procs:
        p.wait(timeout=30)


def test_the_same_batch_on_a_dask_cluster_gives_identical_results(batch, dask_cluster):
    course, _, _, _ = batch
    address, pids = dask_cluster
    students = ["ok", "monkey", "crash"]
    local = {s: read_report(course, HW, s) for s in students}
    done = autograde(course, HW, students, show_progress=False, dask_scheduler=address,
                     regrade=True)
    assert [g.status for g in done] == [local[s].status for s in students]
    for s in students:
        remote = read_report(course, HW, s)
        # (messages may quote a memory address from the student's own error)
        assert [(q.grade_id, q.points, q.status) for q in remote.questions] == \
               [(q.grade_id, q.points, q.status) for q in local[s].questions]
        ran_on = json.loads((course.course_dir / "engine" / HW / f"{s}.json").read_text())["worker"]
        assert int(ran_on.rsplit(":", 1)[1]) in pids


def test_an_unreachable_scheduler_is_a_clear_error(batch):
    from autograder.errors import CourseError
    course, _, _, _ = batch
    with pytest.raises(CourseError, match="cannot reach the Dask scheduler"):
        autograde(course, HW, ["ok"], show_progress=False, dask_scheduler="tcp://127.0.0.1:9",
                  regrade=True)


# ---------------------------------------------------------------- resume

def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_a_batch_killed_midway_resumes_without_losing_or_repeating_work(tmp_path):
    # a second process grades it, so the course is the real course.yml's (its roster),
    # with the state in tmp_path
    roster = ["alice", "bob", "carol"]
    course = load_course(REPO / "course.yml", course_dir=tmp_path / "state")
    release(course, HW)
    hand_in(course, "alice")
    hand_in(course, "bob", "mistakes/naive.py")
    hand_in(course, "carol")
    collect(course, HW)
    cmd = [sys.executable, "-m", "autograder.cli", "--config", str(REPO / "course.yml"),
           "--course-dir", str(tmp_path / "state"),
           "autograde", HW, "--workers", "1"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    recorded = []
    while time.monotonic() < deadline and not recorded:
        time.sleep(0.5)
        recorded = [s for s in roster if (r := read_report(course, HW, s)) and r.fingerprint]
    workers = children(first.pid)
    os.kill(first.pid, signal.SIGKILL)  # the TA's laptop lid closes
    first.wait()
    assert 1 <= len(recorded) < len(roster)
    assert workers  # the pool was running
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.5)
    assert not any(alive(p) for p in workers), "orphaned pool workers"
    before = {s: read_report(course, HW, s) for s in recorded}

    second = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "already graded by an earlier run" in second.stdout
    for s in recorded:  # not graded again: the stamped report is untouched
        assert read_report(course, HW, s) == before[s]
    expected = {"alice": 9.0, "bob": 3.0, "carol": 9.0}
    with Gradebook(course.db_url) as gb:
        subs = gb.assignment_submissions(HW)
        assert sorted(s.student.id for s in subs) == roster  # one each, none duplicated
        for s in roster:
            assert gb.find_submission(HW, s).score == expected[s]
            assert sum(points(course, s).values()) == expected[s]
