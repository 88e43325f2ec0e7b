"""The `course` CLI around grading, as instructors, TAs and students meet it:
one-line answers to everyday mistakes (each with what to run next, exit code 2,
nothing lost), submit receipts with the late policy (grace period, per-student
extensions), the Canvas export, class statistics and calibrate's scratch output.

Real CLI invocations on a real temporary course (the cheap `adjsets` homework,
about 3 s per notebook), graded by the real engine; nothing is mocked."""
from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder.authoring.source import fill_student_notebook, solution_variant
from autograder.course.config import load_course
from conftest import REPO, error_line, run_cli as run

HW = "adjsets"
CANVAS_COLUMN = "Adjustment sets (87568490)"


def due_dates() -> tuple[datetime, datetime]:
    """Taken when a course is written, not at import: under xdist a module may run long
    after collection. Bob submits about 3 h late (one started day); alice, with her
    extension, a few minutes late, inside the 15-minute grace."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    return now - timedelta(hours=3), now - timedelta(minutes=1)


def write_course(tmp: Path, **changes) -> Path:
    data = yaml.safe_load((REPO / "course.yml").read_text())
    data["course_dir"] = str(tmp / "state")
    data["roster"] = [
        {"id": "alice", "first_name": "Alice", "last_name": "Ahmed", "sis_user_id": "S001",
         "sis_login_id": "aahmed", "section": "Tue lab"},
        {"id": "bob", "first_name": "Bob", "last_name": "Brown", "sis_user_id": "S002",
         "sis_login_id": "bbrown", "section": "Wed lab"},
        {"id": "carol", "sis_user_id": "S003"},
        {"id": "dan", "first_name": "Dan", "last_name": "Diaz", "sis_user_id": "S004"},
    ]
    a = next(x for x in data["assignments"] if x["id"] == HW)
    for key in ("notebook", "solution", "checks"):
        a[key] = str(REPO / a[key])
    due, alice_due = due_dates()
    a["due"] = due.isoformat()
    a["late_policy"] = {"kind": "per_day", "fraction_per_day": 0.1, "max_fraction": 0.5,
                        "grace_minutes": 15}
    a["extensions"] = {"alice": alice_due.isoformat(), "carol": 2}
    a["canvas_column"] = CANVAS_COLUMN
    data["assignments"] = [a]
    data.pop("projects", None)  # the kits' milestones live under projects: (not copied)
    data.update(changes)
    path = tmp / "course.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def answer(course, student: str, variant: str | None = None) -> None:
    a = course.assignment(HW)
    path = course.dirs.fetched(HW, student) / f"{HW}.ipynb"
    nb = nbformat.read(path, 4)
    sections = solution_variant(a, a.solution.parent / variant if variant else a.solution)
    nbformat.write(fill_student_notebook(nb, sections), path)


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """Release, fetch, answer and submit (with mistakes made along the way),
    collect and autograde. Each step's output is kept for the tests."""
    tmp = tmp_path_factory.mktemp("workflow")
    config = write_course(tmp)
    course = load_course(config)
    out = {}
    out["gradebook_before_release"] = run(config, "gradebook", HW)
    out["export_before_release"] = run(config, "export", HW)
    assert run(config, "release", HW)[0] == 0
    out["submit_unfetched"] = run(config, "submit", HW, "--student", "carol")
    out["autograde_empty"] = run(config, "autograde", HW)
    for s in ("alice", "bob", "carol"):
        assert run(config, "fetch", HW, "--student", s)[0] == 0
    answer(course, "alice")
    answer(course, "bob", "mistakes/collider.py")
    answer(course, "carol")
    out["submit_alice_1"] = run(config, "submit", HW, "--student", "alice")
    out["fetch_feedback_ungraded"] = run(config, "fetch-feedback", HW, "--student", "alice")
    out["submit_alice_2"] = run(config, "submit", HW, "--student", "alice")
    out["submit_bob"] = run(config, "submit", HW, "--student", "bob")
    out["submit_carol"] = run(config, "submit", HW, "--student", "carol")
    out["autograde_uncollected"] = run(config, "autograde", HW)
    out["feedback_early"] = run(config, "feedback", HW)
    out["collect"] = run(config, "collect", HW)
    out["export_ungraded"] = run(config, "export", HW)
    assert not (course.course_dir / "exports" / f"{HW}.csv").exists()
    out["autograde"] = run(config, "autograde", HW, "--workers", "2")
    out["export"] = run(config, "export", HW)
    out["canvas"] = run(config, "export", HW, "--format", "canvas")
    return config, course, out


def test_gradebook_and_export_before_the_first_release(flow):
    for key in ("gradebook_before_release", "export_before_release"):
        line = error_line(*flow[2][key])
        assert "has not been released" in line and f"course release {HW}" in line


def test_submitting_without_fetching_first(flow):
    line = error_line(*flow[2]["submit_unfetched"])
    assert "not fetched" in line and f"course fetch {HW} --student carol" in line
    assert "right assignment" not in line


def test_autograde_before_collect_says_to_collect(flow):
    line = error_line(*flow[2]["autograde_empty"])
    assert f"course collect {HW}" in line
    line = error_line(*flow[2]["autograde_uncollected"])
    assert "wait in the exchange" in line and f"course collect {HW}" in line


def test_feedback_and_fetch_feedback_too_early(flow):
    line = error_line(*flow[2]["feedback_early"])
    assert "no autograded submission" in line and f"course autograde {HW}" in line
    line = error_line(*flow[2]["fetch_feedback_ungraded"])
    assert "no feedback" in line and f"course release-feedback {HW}" in line


def test_export_before_autograde_is_refused_not_an_all_zero_file(flow):
    config, course, out = flow
    line = error_line(*out["export_ungraded"])
    assert "nothing to export" in line and f"course autograde {HW}" in line


def test_receipts_say_when_what_replaces_and_lateness(flow):
    out = flow[2]
    code, first = out["submit_alice_1"]
    assert code == 0 and f"submitted {HW} for alice at" in first and f"{HW}.ipynb" in first
    assert "replaces" not in first
    code, second = out["submit_alice_2"]
    assert code == 0 and "replaces your earlier submission of" in second
    assert "within the grace period" in second and "with your extension" in second
    code, bob = out["submit_bob"]
    assert code == 0 and "LATE by 3 h" in bob and "1 day(s) late" in bob and "10% off" in bob
    code, carol = out["submit_carol"]
    assert code == 0 and "on time" in carol and "with your extension" in carol


def test_grace_and_extensions_reach_the_gradebook(flow):
    config, course, out = flow
    assert out["autograde"][0] == 0, out["autograde"][1]
    with (course.course_dir / "exports" / f"{HW}.csv").open() as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert {rows[s]["status"].split("+")[0] for s in ("alice", "bob", "carol")} == {"ok"}
    assert float(rows["alice"]["late_penalty"]) == 0.0          # 5 min late, 15 min grace
    assert float(rows["carol"]["late_penalty"]) == 0.0          # two-day extension
    assert "late by" not in rows["carol"]["notes"]
    assert float(rows["bob"]["late_penalty"]) == pytest.approx(0.1 * float(rows["bob"]["total"]), abs=1e-3)
    assert rows["dan"]["status"] == "missing"
    assert rows["dan"]["total"] == rows["dan"]["final"] == ""   # no grade: blank, not 0.0


def test_autograde_ends_with_a_class_summary(flow):
    code, text = flow[2]["autograde"]
    assert code == 0
    assert "3 of 4 students graded" in text and "course stats adjsets" in text
    assert "test_sets_11" in text.split("summary:")[-1]


def test_canvas_export_follows_the_gradebook_import_format(flow):
    config, course, out = flow
    code, text = out["canvas"]
    assert code == 0, text
    path = course.course_dir / "exports" / f"canvas_{HW}.csv"
    with path.open(newline="") as fh:
        table = list(csv.reader(fh))
    # Canvas's import: Student, ID, SIS User ID, SIS Login ID, Section, then one
    # column per assignment named as in Canvas, and a "Points Possible" row
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", CANVAS_COLUMN]
    a = course.assignment(HW)
    assert table[1] == ["Points Possible", "", "", "", "", f"{sum(a.questions.values()):g}"]
    body = {r[2]: r for r in table[2:]}
    assert len(table) == 2 + len(course.roster) and all(len(r) == 6 for r in table)
    assert body["S001"][:5] == ["Ahmed, Alice", "", "S001", "aahmed", "Tue lab"]
    assert body["S003"][0] == "carol"  # no name on the roster: the id
    with (course.course_dir / "exports" / f"{HW}.csv").open() as fh:
        ours = {r["student_id"]: r for r in csv.DictReader(fh)}
    # ungraded manual questions: no final yet, so the cell is left blank ("no change")
    for sis, sid in (("S001", "alice"), ("S002", "bob"), ("S003", "carol")):
        final = body[sis][5]
        assert final == "" if ours[sid]["status"].endswith("+manual") else float(final) == float(ours[sid]["final"])
    assert body["S004"][5] == ""  # dan submitted nothing: blank, and a warning says so
    assert "dan (missing)" in text


def test_stats_prints_the_table_and_writes_the_report(flow, tmp_path):
    from autograder.pipeline.stats import message_key
    config, course, out = flow
    code, text = run(config, "stats", HW, "--output", str(tmp_path / "report"))
    assert code == 0, text
    assert "full marks" in text and "commonest failure messages" in text
    md = (tmp_path / "report" / "report.md").read_text()
    html = (tmp_path / "report" / "report.html").read_text()
    for png in ("totals.png", "questions.png"):
        data = (tmp_path / "report" / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        assert png in md and png in html
    # bob's collider mistake is among the failures, as bob was told it
    report = json.loads((course.course_dir / "autograded" / "bob" / HW / "grading.json").read_text())
    failed = [m for q in report["questions"] if q["points"] < q["max_points"] for m in q["messages"]
              if m.startswith("✘")]
    assert failed and message_key(failed[0]).replace("|", "\\|") in md


def test_stats_counts_misconceptions_when_results_name_them(flow, tmp_path):
    """Checks that name a misconception record it per question in grading.json."""
    from autograder.pipeline.stats import class_stats
    config, course, out = flow
    path = course.course_dir / "autograded" / "bob" / HW / "grading.json"
    saved = path.read_text()
    report = json.loads(saved)
    failing = next(q for q in report["questions"] if q["points"] < q["max_points"])
    failing["misconception"] = "conditioned on a collider"
    path.write_text(json.dumps(report))
    try:
        st = class_stats(course, HW)
    finally:
        path.write_text(saved)
    assert st.misconceptions[failing["grade_id"], "conditioned on a collider"] == 1


def test_stats_before_grading_is_one_line(tmp_path):
    config = write_course(tmp_path)
    line = error_line(*run(config, "stats", HW))
    assert "has not been released" in line


def test_invalid_due_date_is_one_line(tmp_path):
    config = write_course(tmp_path)
    data = yaml.safe_load(config.read_text())
    data["assignments"][0]["due"] = "2027-02-30T23:59:00+00:00"
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    line = error_line(*run(config, "gradebook", HW))
    assert line.startswith("error: course.yml:") and "2027-02-30" in line and "not a real date" in line


def test_roster_csv_with_wrong_headers_is_refused(tmp_path):
    config = write_course(tmp_path)
    data = yaml.safe_load(config.read_text())
    del data["roster"]
    data["roster_file"] = "roster.csv"
    data["assignments"][0].pop("extensions")
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    (tmp_path / "roster.csv").write_text("id,First Name,Last Name\nzoe,Zoe,Zhang\n")
    line = error_line(*run(config, "gradebook", HW))
    assert "roster.csv:1:" in line and "'First Name'" in line and "first_name" in line


def test_calibrate_writes_docs_only_when_asked(tmp_path):
    config = write_course(tmp_path)
    code, text = run(config, "calibrate", HW, "--runs", "1", "--wrong-runs", "3")
    assert code == 0, text
    # one run shows nothing about a 1e-3 rate, and the output says so
    assert "cannot show a false-fail rate as low as the budget 0.001" in text
    assert "about 3000 runs" in text
    assert not (tmp_path / "docs").exists()
    assert (tmp_path / "state" / "calibration" / "calibration.md").is_file()
    assert (tmp_path / "state" / "calibration" / f"calibration_{HW}.png").is_file()


def test_validate_reports_each_check_as_its_cell_runs(flow):
    from autograder.nbcells import is_test_cell
    from autograder.pipeline.student import validate
    config, course, out = flow
    path = course.dirs.fetched(HW, "alice") / f"{HW}.ipynb"
    calls = []
    report = validate(course, path, progress=lambda *call: calls.append(call))
    tests = sum(1 for c in nbformat.read(path, 4).cells if c.cell_type == "code" and is_test_cell(c))
    assert report.ok and len(report.passed) == tests
    assert [c[0] for c in calls] == report.passed                   # in notebook order
    assert [(c[2], c[3]) for c in calls] == [(i + 1, tests) for i in range(tests)]
    code, text = run(config, "validate", str(path))
    assert code == 0 and text.count("✔") == tests


# ------------------------------------------------ issue 26, the smaller items

def changed_course(config: Path, tmp: Path, change) -> Path:
    """A copy of the flow's course.yml (same state folder) with one change."""
    data = yaml.safe_load(config.read_text())
    change(data["assignments"][0])
    path = tmp / "course.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize("change, says", [
    (lambda a: a["questions"].update(test_sets_renamed=a["questions"].pop("test_sets_11")),
     "lists question 'test_sets_renamed' for adjsets, but adjsets was released without it"),
    (lambda a: a["questions"].update(test_ace_11=4),
     "gives 'test_ace_11' 4 point(s), but adjsets was released and is graded with 3"),
])
def test_questions_changed_after_release_are_one_line(flow, tmp_path, change, says):
    config, course, out = flow
    changed = changed_course(config, tmp_path, change)
    for command in ("gradebook", "export", "stats"):
        line = error_line(*run(changed, command, HW))
        assert says in line and f"course release {HW}" in line and "--regrade" in line, command


def test_every_argument_of_every_command_says_what_it_is():
    from autograder.cli.main import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    missing = [f"{name} {action.dest}" for name, sp in sub.choices.items() for action in sp._actions
               if action.dest != "help" and not action.help]
    assert missing == []


def test_course_yml_cites_only_documents_that_exist():
    import re
    cited = {m for line in (REPO / "course.yml").read_text().splitlines() if "#" in line
             for m in re.findall(r"[\w./-]+\.md\b", line.split("#", 1)[1])}
    assert cited and [c for c in cited if not (REPO / c).exists()] == []


def test_release_says_what_it_does_while_it_works(tmp_path):
    """The first line comes while nbgrader still builds the student version, not at the end."""
    import subprocess
    import sys
    import time
    config = write_course(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "autograder.cli", "--config", str(config),
                             "release", HW], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=tmp_path)
    arrivals = [(time.monotonic(), line) for line in proc.stdout]
    end = time.monotonic()
    assert proc.wait() == 0
    lines = [line for _, line in arrivals]
    assert lines[0].startswith(f"building the student version of {HW}")
    assert any(line.startswith(f"releasing {HW} to the exchange") for line in lines)
    assert end - arrivals[0][0] > 1.0, lines   # printed before the work, not after it
