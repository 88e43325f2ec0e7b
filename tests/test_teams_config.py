"""Teams and projects in course.yml, without a kernel: every mistake in a team is one
`file:line` line, the three ways of listing teams agree, milestones become
assignments that know their project, extensions on team work are per team, and
`course teams --random` / `course new --project` write course.yml as text with every
comment kept."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from autograder.course.config import load_course
from autograder.course.teams import TeamSize, propose, split_sizes
from autograder.errors import CourseError
from conftest import REPO, error_line, run_cli as run

HW = REPO / "assignments" / "backdoor"
FILES = f"""notebook: {HW / 'backdoor.ipynb'}
    solution: {REPO / 'solutions' / 'backdoor' / 'backdoor.py'}
    checks: {HW / 'checks.py'}"""

COURSE = f"""\
# the instructor's own words, kept by every edit
course_id: demo
roster:
  - {{id: alice}}
  - {{id: bob}}
  - {{id: carol}}
  - {{id: dan}}
  - {{id: erin}}
teams:            # who works with whom
  size: {{min: 2, max: 3}}
  members:
    owls: [alice, bob]
    hawks: [carol, dan, erin]
assignments:
  - id: backdoor
    title: Back-door
    {FILES}
    due: 2027-02-12T23:59:00+00:00
    questions: {{test_cpts: 2}}
projects:
  - id: cfope   # a project: milestones, each an assignment of its own
    title: Counterfactual off-policy evaluation
    group: true
    milestones:
      - id: cfope_m1
        title: Milestone 1
        {FILES.replace(chr(10) + '    ', chr(10) + '        ')}
        due: 2027-03-12T23:59:00+00:00
        extensions: {{owls: 2}}
        questions: {{test_cpts: 2}}
      - id: cfope_m2
        title: Milestone 2
        {FILES.replace(chr(10) + '    ', chr(10) + '        ')}
        due: 2027-04-12T23:59:00+00:00
        group: false
        questions: {{test_cpts: 2}}
# end of the file
"""


def write(tmp_path: Path, text: str = COURSE) -> Path:
    path = tmp_path / "course.yml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(CourseError) as exc:
        load_course(write(tmp_path, text))
    assert "\n" not in str(exc.value), "errors must be one line"
    return str(exc.value)


def line_of(text: str, fragment: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if fragment in ln)


def test_teams_and_milestones_load(tmp_path):
    course = load_course(write(tmp_path))
    assert {t: c.members for t, c in course.teams.items()} == {
        "owls": ("alice", "bob"), "hawks": ("carol", "dan", "erin")}
    assert course.team_of("dan").id == "hawks" and course.team_of("zed") is None
    m1, m2 = course.assignment("cfope_m1"), course.assignment("cfope_m2")
    assert (m1.project, m1.group, m2.project, m2.group) == ("cfope", True, "cfope", False)
    assert not course.assignment("backdoor").group
    assert course.project("cfope").milestones == ("cfope_m1", "cfope_m2")
    assert course.nbgrader_ids(m1) == ["owls", "hawks"] and course.members(m1, "owls") == ("alice", "bob")
    assert course.nbgrader_ids(m2) == ["alice", "bob", "carol", "dan", "erin"]
    # the team's extension: its deadline, for every member
    assert (m1.due_for("owls") - m1.due).days == 2 and m1.due_for("hawks") == m1.due


@pytest.mark.parametrize("edit,fragment,words", [
    (("    owls: [alice, bob]", "    owls: [alice, zed]"), "owls: [alice, zed]",
     ["'zed' in team 'owls' is not on the roster"]),
    (("    hawks: [carol, dan, erin]", "    hawks: [carol, bob, erin]"), "hawks: [carol, bob",
     ["'bob' is already in team 'owls'", "one team only"]),
    (("    owls: [alice, bob]", "    owls: [alice, alice, bob]"), "owls: [alice, alice",
     ["'alice' is listed twice in team 'owls'"]),
    (("    hawks: [carol, dan, erin]", "    erin: [carol, dan]"), "erin: [carol",
     ["team id 'erin' is also a student's id"]),
    (("    owls: [alice, bob]", "    owls: [alice]\n    larks: [bob]"), "owls: [alice]",
     ["team 'owls' has 1 member(s), fewer than the minimum of 2"]),
    (("size: {min: 2, max: 3}", "size: {min: 2, max: 2}"), "hawks: [carol",
     ["team 'hawks' has 3 members, more than the maximum of 2"]),
    (("size: {min: 2, max: 3}", "size: {min: 3, max: 2}"), "size:", ["min (3) is larger than max (2)"]),
    (("extensions: {owls: 2}", "extensions: {alice: 2}"), "extensions: {alice",
     ["cfope_m1 is team work", "per team, not per student", "give team 'owls' the extension"]),
    (("extensions: {owls: 2}", "extensions: {ravens: 2}"), "extensions: {ravens",
     ["'ravens', who is not a team"]),
    (("    questions: {test_cpts: 2}\nprojects", "    extensions: {owls: 1}\n    questions: {test_cpts: 2}\nprojects"),
     "extensions: {owls: 1}", ["backdoor is individual work", "'owls' is a team"]),
    (("      - id: cfope_m2", "      - id: backdoor"), "      - id: backdoor", ["'backdoor' is used twice"]),
    (("  - id: cfope   #", "  - id: backdoor   #"), "- id: backdoor   #", ["project id 'backdoor' is used twice"]),
])
def test_each_team_mistake_is_one_line_at_its_line(tmp_path, edit, fragment, words):
    text = COURSE.replace(*edit)
    assert text != COURSE
    msg = error_of(tmp_path, text)
    assert sum(fragment in ln for ln in text.splitlines()) == 1, fragment
    assert msg.startswith(f"course.yml:{line_of(text, fragment)}:"), msg
    for w in words:
        assert w in msg, msg


def test_teams_from_a_csv_and_from_the_roster_column(tmp_path):
    (tmp_path / "teams.csv").write_text("team,student\nowls,alice\nowls,bob\nhawks,carol\nhawks,dan\n"
                                        "hawks,erin\n")
    text = COURSE.replace("  members:\n    owls: [alice, bob]\n    hawks: [carol, dan, erin]\n",
                          "  file: teams.csv\n")
    course = load_course(write(tmp_path, text))
    assert course.teams["hawks"].members == ("carol", "dan", "erin")
    (tmp_path / "teams.csv").write_text("team,student\nowls,alice\nowls,bob\nowls,carol\nhawks,carol\n")
    msg = error_of(tmp_path, text)
    assert msg.startswith("teams.csv:5:") and "'carol' is already in team 'owls' (teams.csv:4)" in msg
    (tmp_path / "teams.csv").write_text("group,name\nowls,alice\n")
    assert error_of(tmp_path, text).startswith("teams.csv:1: the header must be")

    roster = ("roster:\n  - {id: alice, team: owls}\n  - {id: bob, team: owls}\n  - {id: carol, team: hawks}\n"
              "  - {id: dan, team: hawks}\n  - {id: erin}\n")
    text = COURSE.replace(COURSE[COURSE.index("roster:"):COURSE.index("teams:")], roster) \
        .replace("  members:\n    owls: [alice, bob]\n    hawks: [carol, dan, erin]\n", "")
    course = load_course(write(tmp_path, text))
    assert course.teams["owls"].members == ("alice", "bob") and course.team_of("erin") is None
    (tmp_path / "roster.csv").write_text("id,team\nalice,owls\nbob,owls\ncarol,\ndan,hawks\n")
    text2 = text.replace(roster, "roster_file: roster.csv\n")
    msg = error_of(tmp_path, text2)
    assert msg.startswith("roster.csv:5:") and "team 'hawks' has 1 member(s)" in msg


def test_proposed_teams_are_even_reproducible_and_within_the_rule():
    assert split_sizes(7, 3) == [3, 2, 2] and split_sizes(9, 3) == [3, 3, 3] and split_sizes(8, 3) == [3, 3, 2]
    assert split_sizes(5, 2) == [3, 2] and split_sizes(4, 4) == [4] and split_sizes(1, 3) == [1]
    assert split_sizes(8, 3, TeamSize(3, 4)) == [4, 4]   # 3, 3, 2 would break the rule
    ids = [f"s{i}" for i in range(11)]
    a = propose(ids, 3, seed=5, rule=TeamSize(2, 3), taken=set())
    assert a == propose(ids, 3, seed=5, rule=TeamSize(2, 3), taken=set())
    assert a != propose(ids, 3, seed=6, rule=TeamSize(2, 3), taken=set())
    assert sorted(m for ms in a.values() for m in ms) == sorted(ids)
    assert sorted(len(ms) for ms in a.values()) == [2, 3, 3, 3]
    assert "team01" not in propose(ids, 3, seed=5, rule=TeamSize(), taken={"team01"})
    with pytest.raises(CourseError, match="gives teams of 2 to 2, but course.yml allows exactly 3"):
        propose(ids[:4], 3, seed=1, rule=TeamSize(3, 3), taken=set())


def test_course_teams_random_writes_course_yml_as_text(tmp_path):
    text = COURSE.replace("teams:            # who works with whom\n  size: {min: 2, max: 3}\n"
                          "  members:\n    owls: [alice, bob]\n    hawks: [carol, dan, erin]\n", "")
    text = text.replace("extensions: {owls: 2}", "extensions: {}")
    config = write(tmp_path, text)
    code, out = run(config, "teams")
    assert code == 0 and "no teams yet" in out
    code, out = run(config, "teams", "--random", "3", "--seed", "4")
    assert code == 0, out
    after = config.read_text()
    assert after.startswith(text)                       # every line and comment kept
    added = yaml.safe_load(after[len(text):])["teams"]
    assert added["size"] == {"min": 2, "max": 3}
    assert sorted(len(m) for m in added["members"].values()) == [2, 3]
    assert "course teams --random 3 --seed 4" in after   # the draw says how to repeat it
    course = load_course(config)
    assert {t.id: list(t.members) for t in course.teams.values()} == added["members"]
    for team in added["members"]:
        assert team in out
    # teams already there: refused, the file untouched; --replace draws again
    line = error_line(*run(config, "teams", "--random", "2", "--seed", "1"))
    assert "already has 2 team(s)" in line and "--replace" in line and config.read_text() == after
    code, out = run(config, "teams", "--random", "2", "--seed", "1", "--replace")
    assert code == 0, out
    again = config.read_text()
    assert again.startswith(text) and again.endswith("\n") and "--seed 1" in again
    assert len(load_course(config).teams) == 2   # 5 students in teams of 2: 3, 2 (max 3)
    assert error_line(*run(config, "teams", "--random", "3")).endswith("so that the same draw can be made again")


def test_random_teams_replace_a_members_block_inside_the_file(tmp_path):
    config = write(tmp_path)
    # cfope_m1's extension names team owls, which a new draw would remove: refused whole
    line = error_line(*run(config, "teams", "--random", "2", "--seed", "3", "--replace"))
    assert f"course.yml:{line_of(COURSE, 'extensions: {owls')}:" in line and "'owls'" in line
    assert "nothing written" in line and config.read_text() == COURSE
    config.write_text(COURSE.replace("extensions: {owls: 2}", "extensions: {}"))
    code, out = run(config, "teams", "--random", "2", "--seed", "3", "--replace")
    assert code == 0, out
    after = config.read_text()
    assert "# who works with whom" in after and "# the instructor's own words" in after
    assert "# end of the file" in after and "owls" not in after.split("assignments:")[0]
    assert after.count("members:") == 1 and after.index("members:") < after.index("assignments:")
    course = load_course(config)
    assert sorted(len(t.members) for t in course.teams.values()) == [2, 3]


def test_course_new_adds_a_team_milestone_to_a_project(tmp_path):
    config = write(tmp_path)
    before = config.read_text()
    code, out = run(config, "new", "cfope_m3", "--project", "cfope")
    assert code == 0, out
    code, out = run(config, "new", "pairs_m1", "--project", "pairs", "--team")
    assert code == 0, out
    code, out = run(config, "new", "solo_team", "--team")
    assert code == 0, out
    after = config.read_text()
    for line in before.splitlines():
        assert line in after
    course = load_course(config)
    assert course.project("cfope").milestones == ("cfope_m1", "cfope_m2", "cfope_m3")
    assert course.assignment("cfope_m3").group and course.assignment("pairs_m1").group
    assert course.project("pairs").milestones == ("pairs_m1",)
    assert course.assignment("solo_team").group and not course.assignment("solo_team").project
    line = error_line(*run(config, "new", "x_m1", "--project", "backdoor"))
    assert "'backdoor' is an assignment, not a project" in line
