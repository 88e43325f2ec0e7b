"""A real kit milestone as team work, end to end through the `course` command: the
cfope project's second milestone (course.yml's own entry, its notebook, checks, data
file and reference) released to two teams; a different member of each fetches and
another submits (one team the reference, the other a registered mistake); collect,
autograde, feedback, release, every member fetches, and the exports. Every member
gets their team's grade and page and nothing of the other team's."""
from __future__ import annotations


import nbformat
import pytest
import yaml

from autograder.authoring.source import answer_from_variant
from autograder.course.config import load_course
from conftest import REPO, export_rows, run_cli as run

HW, PROJECT = "cfope_m2", "cfope"
TEAMS = {"reds": ["ana", "ben"], "blues": ["cy", "dee", "eve"]}
MISTAKE = "mistakes/swapped.py"


def course_yml() -> str:
    """A course of five students in two teams whose one project is the kit's,
    with only this milestone (every path made absolute)."""
    source = yaml.safe_load((REPO / "course.yml").read_text())
    project = next(p for p in source["projects"] if p["id"] == PROJECT)
    entry = next(m for m in project["milestones"] if m["id"] == HW)
    for key in ("notebook", "solution", "checks"):
        entry[key] = str(REPO / entry[key])
    entry["datasets"] = [str(REPO / d) for d in entry.get("datasets", [])]
    entry["due"] = "2099-01-01T00:00:00+00:00"
    students = [s for ms in TEAMS.values() for s in ms]
    data = {"course_id": "kit-team", "course_dir": "state",
            "roster": [{"id": s, "first_name": s.title()} for s in students],
            "teams": {"size": {"min": 2, "max": 3}, "members": TEAMS},
            "projects": [{**project, "milestones": [entry]}]}
    return yaml.safe_dump(data, sort_keys=False)


def hand_in(course, team: str, variant) -> None:
    """The team's notebook answered from the released one (the reference or a variant)."""
    path = course.dirs.fetched(HW, team) / f"{HW}.ipynb"
    nb = nbformat.read(course.dirs.released_notebook(HW, course.assignment(HW).notebook_name), 4)
    answer_from_variant(nb, course.assignment(HW), variant)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kit_team")
    config = tmp / "course.yml"
    config.write_text(course_yml())
    course = load_course(config)
    out = {"release": run(config, "release", HW)}
    for member in ("ana", "cy"):                    # one member fetches for the team ...
        out[f"fetch_{member}"] = run(config, "fetch", HW, "--student", member)
    hand_in(course, "reds", None)
    hand_in(course, "blues", MISTAKE)
    for member in ("ben", "eve"):                   # ... and another submits
        out[f"submit_{member}"] = run(config, "submit", HW, "--student", member)
    for step in (("collect", HW), ("autograde", HW, "--workers", "2"), ("feedback", HW),
                 ("release-feedback", HW, "--force"),           # the written answer waits
                 ("export", HW), ("export", PROJECT)):
        out[step[0] if step[0] != "export" else f"export_{step[1]}"] = run(config, *step)
    pages = {}
    for member in sum(TEAMS.values(), []):
        out[f"fetch_feedback_{member}"] = run(config, "fetch-feedback", HW, "--student", member)
        found = sorted(course.dirs.fetched_feedback(HW, course.team_of(member).id).rglob("*.html"))
        pages[member] = found[0].read_text() if found else ""
    return course, out, pages


def test_every_step_succeeds_for_the_team(graded):
    _, out, _ = graded
    for step, (code, text) in out.items():
        assert code == 0, f"{step}: {text}"
    assert "reds" in out["submit_ben"][1] and "ben" in out["submit_ben"][1]


def test_every_member_gets_the_teams_grade(graded):
    course, _, _ = graded
    milestone = export_rows(course.dirs.export_csv(HW))
    project = export_rows(course.dirs.export_csv(PROJECT))
    auto = [q for q, points in course.assignment(HW).questions.items() if q.startswith("test_")]
    for team, members in TEAMS.items():
        totals = {m: float(milestone[m]["total"]) for m in members}
        assert len(set(totals.values())) == 1, totals
        assert {milestone[m]["team"] for m in members} == {team}
        assert {project[m][HW] for m in members} == {milestone[members[0]]["final"]}
    reds, blues = milestone["ana"], milestone["cy"]
    assert all(float(reds[q]) == course.assignment(HW).questions[q] for q in auto)
    assert float(blues["total"]) < float(reds["total"])  # the mistake cost points


def test_each_member_fetches_their_own_teams_page_only(graded):
    _, _, pages = graded
    for team, members in TEAMS.items():
        assert pages[members[0]] and all(pages[m] == pages[members[0]] for m in members)
    assert pages["ana"] != pages["cy"]
