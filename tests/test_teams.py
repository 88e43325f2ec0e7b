"""A team project through the real CLI, the real nbgrader exchange, a real kernel in
the real sandbox: `course new --project --team` scaffolds two milestones; teams of
two, two and three (and heidi in no team) fetch into their team's shared folder and
submit as any member (owls twice, by two members: the later counts); collect,
one autograde batch, feedback and exports. Every member gets the team's grade and
fetches the same page, one member's adjustment shows, a non-member and a student
in no team are refused in one line, the hardening holds for teams (a symlink to
another team's work, an edited test cell, an oversized submission), and a team
changed after collect keeps its submissions and says what changed."""
from __future__ import annotations

import csv
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
import yaml
from nbconvert.exporters import HTMLExporter
from nbgrader.api import Gradebook

from autograder.authoring.source import answer_from_variant
from autograder.course.config import load_course
from autograder.nbcells import grade_id
from autograder.pipeline.formgrader import formgrader_config
from autograder.pipeline.student import fetch_feedback
from conftest import REPO, export_rows, error_line, run_cli as run

TEAMS = {"owls": ["alice", "bob"], "hawks": ["carol", "dan"], "larks": ["erin", "frank", "grace"]}
MEMBERS = [m for ms in TEAMS.values() for m in ms]
M1, M2 = "proj_m1", "proj_m2"
COLUMN = "Team project (4711)"
ADJSETS = {k: REPO / f"{d}/adjsets/{f}" for k, d, f in (
    ("notebook", "assignments", "adjsets.ipynb"), ("solution", "solutions", "adjsets.py"),
    ("checks", "assignments", "checks.py"))}


def course_yml() -> str:
    roster = "\n".join(f"  - {{id: {s}, first_name: {s.title()}, sis_user_id: S{i}}}"
                       for i, s in enumerate(MEMBERS + ["heidi"]))
    members = "\n".join(f"    {t}: [{', '.join(ms)}]" for t, ms in TEAMS.items())
    return f"""\
# a small course whose project is team work
course_id: teams-test
course_dir: state
roster:
{roster}
teams:
  size: {{min: 2, max: 3}}
  members:
{members}
assignments:
  - id: adjsets
    title: An individual homework, never released here
    notebook: {ADJSETS['notebook']}
    solution: {ADJSETS['solution']}
    checks: {ADJSETS['checks']}
    due: 2027-02-05T23:59:00+00:00
    questions: {{test_sets_11: 2}}
"""


def mark(team: str) -> str:
    """A line only this team's notebook (and so its feedback page) holds."""
    return f"written by the {team} team"


def team_notebook(course, team: str, hw: str) -> Path:
    return course.dirs.fetched(hw, team) / f"{hw}.ipynb"


def answer(course, team: str, hw: str, variant=None, edit=None) -> None:
    """The team's notebook answered afresh from the released one."""
    path = team_notebook(course, team, hw)
    nb = nbformat.read(course.course_dir / "release" / hw / f"{hw}.ipynb", 4)
    answer_from_variant(nb, course.assignment(hw), variant,
                        extra={"p_y_do_answer": f"# {mark(team)}"})
    if edit:
        edit(nb)
    nbformat.write(nb, path)


def tamper(nb):
    for cell in nb.cells:
        if grade_id(cell) == "test_p_y_do":
            cell.source = "assert True"
            cell.metadata.nbgrader["points"] = 100


def inbound(course, team: str, hw: str) -> Path:
    """The team's newest submission in the exchange (the names sort by time)."""
    return sorted((course.exchange / course.id / "inbound").glob(f"{team}+{hw}+*"))[-1]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("teams")
    config = tmp / "course.yml"
    config.write_text(course_yml())
    out = {"new_m1": run(config, "new", M1, "--project", "proj", "--team"),
           "new_m2": run(config, "new", M2, "--project", "proj")}
    out["yml_after_new"] = config.read_text()
    data = yaml.safe_load(config.read_text())
    now = datetime.now(timezone.utc).replace(microsecond=0)
    m1, m2 = data["projects"][0]["milestones"]
    data["projects"][0]["canvas_column"] = COLUMN
    m1["due"] = (now + timedelta(days=1)).isoformat()
    m1["adjustments"] = {"erin": {"points": -1, "reason": "did not contribute to question 1"}}
    m2["due"] = (now - timedelta(hours=3)).isoformat()        # owls' extension covers it
    m2["late_policy"] = {"kind": "per_day", "fraction_per_day": 0.1, "max_fraction": 0.5}
    m2["extensions"] = {"owls": 1}
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    course = load_course(config)

    assert run(config, "release", M1, M2)[0] == 0
    out["fetch_no_team"] = run(config, "fetch", M1, "--student", "heidi")
    out["fetch_alice"] = run(config, "fetch", M1, "--student", "alice")
    out["fetch_bob"] = run(config, "fetch", M1, "--student", "bob")
    for s in ("carol", "erin"):
        assert run(config, "fetch", M1, "--student", s)[0] == 0
    for s in ("alice", "carol", "frank"):
        assert run(config, "fetch", M2, "--student", s)[0] == 0

    out["submit_outsider"] = run(config, "submit", M1, "--student", "carol", "--team", "owls")
    out["submit_no_team"] = run(config, "submit", M1, "--student", "heidi")
    answer(course, "owls", M1, "mistakes/conditioning.py")
    out["submit_alice"] = run(config, "submit", M1, "--student", "alice")
    answer(course, "owls", M1)                                 # bob fixes it: this one counts
    out["submit_bob"] = run(config, "submit", M1, "--student", "bob")
    answer(course, "hawks", M1)
    out["submit_dan"] = run(config, "submit", M1, "--student", "dan")
    answer(course, "larks", M1, edit=tamper)
    out["submit_grace"] = run(config, "submit", M1, "--student", "grace")
    # a hostile member links another team's submission into their own
    os.symlink(inbound(course, "owls", M1) / f"{M1}.ipynb", inbound(course, "larks", M1) / "peek.ipynb")
    # work handed in under a student's id, not a team's (nbgrader used directly)
    stray = inbound(course, "hawks", M1)
    shutil.copytree(stray, stray.with_name(stray.name.replace("hawks+", "heidi+", 1)))
    for team, member in (("owls", "alice"), ("hawks", "carol"), ("larks", "frank")):
        answer(course, team, M2)
        out[f"submit_m2_{team}"] = run(config, "submit", M2, "--student", member)

    out["collect_m1"] = run(config, "collect", M1)
    out["collect_m2"] = run(config, "collect", M2)
    out["autograde"] = run(config, "autograde", M1, M2, "--workers", "2")
    out["feedback"] = run(config, "feedback", M1)
    out["release_feedback"] = run(config, "release-feedback", M1, "--force")  # written answers wait
    out["export"] = run(config, "export", M1)
    out["export_m2"] = run(config, "export", M2)
    out["export_project"] = run(config, "export", "proj")
    out["canvas"] = run(config, "export", M1, "proj", "--format", "canvas")
    out["stats"] = run(config, "stats", M1)
    out["gradebook"] = run(config, "gradebook", M1)
    return config, course, out


def test_course_new_scaffolds_team_milestones_of_a_project(project):
    config, course, out = project
    for key in ("new_m1", "new_m2"):
        assert out[key][0] == 0, out[key][1]
    text = out["yml_after_new"]
    assert text.startswith(course_yml())               # every line and comment kept
    assert course.project("proj").milestones == (M1, M2)
    assert course.assignment(M1).group and course.assignment(M2).group   # the project's default
    assert course.nbgrader_ids(course.assignment(M1)) == list(TEAMS)


def test_members_share_the_team_folder_and_outsiders_are_refused_in_one_line(project):
    config, course, out = project
    line = error_line(*out["fetch_no_team"])
    assert "heidi is in no team" in line and f"{M1} is team work" in line
    code, alice = out["fetch_alice"]
    code2, bob = out["fetch_bob"]
    assert code == code2 == 0 and "team owls's shared folder" in bob
    folder = str(course.dirs.fetched(M1, "owls"))
    assert folder in alice and folder in bob
    line = error_line(*out["submit_outsider"])
    assert "carol is not a member of team owls (alice, bob)" in line and "carol's team is hawks" in line
    line = error_line(*out["submit_no_team"])
    assert "heidi is in no team" in line


def test_receipts_name_the_member_and_whose_submission_is_replaced(project):
    out = project[2]
    code, alice = out["submit_alice"]
    assert code == 0 and f"submitted {M1} for team owls (alice, bob) by alice at" in alice
    assert "replaces" not in alice
    code, bob = out["submit_bob"]
    assert code == 0 and "team owls (alice, bob) by bob" in bob
    assert "replaces the team's earlier submission of" in bob and "by alice; only the newest" in bob
    code, owls = out["submit_m2_owls"]
    assert code == 0 and "on time" in owls and "with your team's extension" in owls
    code, hawks = out["submit_m2_hawks"]
    assert code == 0 and "LATE by 3 h" in hawks and "1 day(s) late" in hawks


def test_collect_keeps_the_hardening_for_teams(project):
    config, course, out = project
    code, text = out["collect_m1"]
    assert code == 0, text
    assert "collected 3 new submission(s)" in text
    assert "larks: `peek.ipynb` is a symbolic link and was not collected" in text
    assert "'heidi', which is not a team in course.yml" in text
    assert not (course.course_dir / "submitted" / "larks" / M1 / "peek.ipynb").exists()
    assert not (course.course_dir / "submitted" / "heidi").exists()


def test_every_member_gets_the_team_grade_and_the_adjustment_shows(project):
    config, course, out = project
    assert out["autograde"][0] == 0, out["autograde"][1]
    assert out["export"][0] == 0, out["export"][1]
    rows = export_rows(course.course_dir / "exports" / f"{M1}.csv")
    assert set(rows) == set(MEMBERS) | {"heidi"}
    for team, members in TEAMS.items():
        for m in members:
            assert rows[m]["team"] == team and rows[m]["status"] == "ok", rows[m]
            assert float(rows[m]["total"]) == 3.0          # the reference earns the 3 points
            assert rows[m]["test_p_y_do"] == rows[members[0]]["test_p_y_do"]
    # owls: bob's later, correct submission counts, not alice's mistake
    assert "submitted by bob" in rows["alice"]["notes"] and "submitted by bob" in rows["bob"]["notes"]
    # larks: the edited test cell was restored and graded; erin's adjustment is hers alone
    assert float(rows["grace"]["final"]) == float(rows["frank"]["final"]) == 3.0
    assert float(rows["erin"]["adjustment"]) == -1 and float(rows["erin"]["final"]) == 2.0
    assert "did not contribute to question 1" in rows["erin"]["notes"]
    assert "did not contribute" not in rows["frank"]["notes"]
    assert rows["heidi"]["status"] == "no_team" and rows["heidi"]["team"] == ""
    code, gradebook = out["gradebook"]
    assert code == 0 and "adjustment" in gradebook and "did not contribute" in gradebook
    report = (course.course_dir / "autograded" / "larks" / M1 / "grading.json").read_text()
    assert "test_p_y_do` was edited" in report


def test_lateness_is_by_the_team_deadline(project):
    config, course, out = project
    assert out["export_m2"][0] == 0, out["export_m2"][1]
    rows = export_rows(course.course_dir / "exports" / f"{M2}.csv")
    assert float(rows["alice"]["late_penalty"]) == float(rows["bob"]["late_penalty"]) == 0.0
    assert float(rows["carol"]["late_penalty"]) == pytest.approx(0.3)   # 10% of 3
    assert float(rows["dan"]["final"]) == pytest.approx(2.7) and "late by 3" in rows["dan"]["notes"]


def test_a_project_exports_as_the_sum_of_its_milestones(project):
    config, course, out = project
    m1 = export_rows(course.course_dir / "exports" / f"{M1}.csv")
    m2 = export_rows(course.course_dir / "exports" / f"{M2}.csv")
    assert out["export_project"][0] == 0, out["export_project"][1]
    proj = export_rows(course.course_dir / "exports" / "proj.csv")
    for s in MEMBERS:
        assert float(proj[s]["total"]) == pytest.approx(float(m1[s]["final"]) + float(m2[s]["final"]))
    assert float(proj["erin"]["total"]) == 4.7 and proj["heidi"]["status"] == "partial"
    code, text = out["canvas"]
    assert code == 0, text
    with (course.course_dir / "exports" / f"canvas_{M1}_proj.csv").open(newline="") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[0][5:] == [course.assignment(M1).title, COLUMN]
    assert canvas[1][5:] == ["3", "6"]
    body = {r[2]: r for r in canvas[2:]}
    sis = {s: f"S{i}" for i, s in enumerate(MEMBERS + ["heidi"])}
    # m1: 3 points each, erin adjusted by -1; m2: 10% late, except owls (extended)
    assert body[sis["erin"]][5:] == ["2", "4.7"] and body[sis["frank"]][5:] == ["3", "5.7"]
    assert body[sis["alice"]][5:] == ["3", "6"]
    assert body[sis["heidi"]][5:] == ["", ""] and "heidi (no_team)" in text


def test_every_member_fetches_the_same_team_feedback_and_nothing_else(project):
    config, course, out = project
    assert out["feedback"][0] == 0, out["feedback"][1]
    for team, members in TEAMS.items():
        expected = (course.course_dir / "feedback" / team / M1 / f"{M1}.html").read_text()
        assert mark(team) in expected
        for m in members:
            mine = fetch_feedback(course, M1, m)
            assert len(mine) == 1 and mine[0].read_text() == expected, (team, m)
        fetched = list(course.dirs.fetched_feedback(M1, team).rglob("*.html"))
        assert len(fetched) == 1 and fetched[0].read_text() == expected
        assert not any(mark(other) in expected for other in TEAMS if other != team)
    code, text = run(config, "fetch-feedback", M1, "--student", "frank")
    assert code == 0 and f"{M1}.html" in text
    line = error_line(*run(config, "fetch-feedback", M1, "--student", "heidi"))
    assert "heidi is in no team" in line


def test_stats_count_teams_and_formgrader_shows_the_team(project):
    config, course, out = project
    code, text = out["stats"]
    assert code == 0 and f"{M1}: 3 of 3 teams graded" in text
    with Gradebook(course.db_url, course.id) as gb:
        owls = gb.find_student("owls")
        assert (owls.last_name, owls.first_name) == ("team owls", "alice, bob")
    exporter = HTMLExporter(config=formgrader_config(course))
    html, _ = exporter.from_filename(
        str(course.course_dir / "autograded" / "owls" / M1 / f"{M1}.ipynb"),
        resources={"assignment_id": M1, "student": "owls"})
    assert "team owls" in html and "alice, bob" in html and "Grade this submission once" in html


def test_an_oversized_team_submission_is_refused_and_the_earlier_one_kept(project):
    config, course, out = project
    first = inbound(course, "hawks", M1)
    later = datetime.now(timezone.utc) + timedelta(minutes=5)
    big = first.with_name(f"hawks+{M1}+{later:%Y-%m-%d %H:%M:%S.%f} UTC+zz")
    shutil.copytree(first, big)
    (big / "timestamp.txt").write_text(f"{later:%Y-%m-%d %H:%M:%S.%f} UTC")
    (big / "data.bin").write_bytes(b"\0" * (course.submission_mb * 2**20 + 1))
    code, text = run(config, "collect", M1)
    assert code == 0 and "hawks: the submission of" in text and "size limit" in text
    kept = course.course_dir / "submitted" / "hawks" / M1
    assert (kept / f"{M1}.ipynb").is_file() and not (kept / "data.bin").exists()
    shutil.rmtree(big)


def test_a_team_changed_after_collect_keeps_its_submissions_and_says_what_changed(project):
    config, course, out = project
    changed = config.with_name("changed.yml")   # the same course state, frank moved to hawks
    data = yaml.safe_load(config.read_text())
    data["teams"]["members"] = {"owls": ["alice", "bob"], "hawks": ["carol", "dan", "frank"],
                                "larks": ["erin", "grace"]}
    changed.write_text(yaml.safe_dump(data, sort_keys=False))
    code, teams = run(changed, "teams")
    assert code == 0, teams
    assert f"{M1}: team hawks changed since its submission was collected (frank joined)" in teams
    assert "its grade now goes to carol, dan, frank" in teams
    assert f"{M1}: team larks changed since its submission was collected (frank left)" in teams
    for team in TEAMS:
        assert (course.course_dir / "submitted" / team / M1 / f"{M1}.ipynb").is_file()
    code, text = run(changed, "export", M1, "--output", str(changed.parent / "changed.csv"))
    assert code == 0 and "team larks changed" in text
    rows = export_rows(changed.parent / "changed.csv")
    assert rows["frank"]["team"] == "hawks" and rows["erin"]["team"] == "larks"
