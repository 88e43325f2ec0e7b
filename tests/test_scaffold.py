"""`course new HW` in a fresh copy of the course: the worked-example homework it writes
keeps the contract, releases, and earns full marks with the real CLI and a real
kernel; its other correct method passes and its known mistake loses points; course.yml keeps every line the instructor
wrote; and a bad id, an id in use or a file in the way is refused with one line,
leaving nothing behind."""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder.authoring import contract
from autograder.course.config import load_course
from autograder.errors import CourseError
from autograder.grading.verdict import grade_values
from autograder.homework import load_homework
from autograder.nbcells import grade_id, is_answer_cell, is_test_cell
from autograder.authoring.scaffold import insert_entry, new_homework
from conftest import REPO, error_line, grade, run_cli as run

HW = "demo_hw"
TITLE = 'Seeing "X=1" or doing it: a demo'     # a quote and a colon: YAML and docstrings


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """What a fresh clone holds for `course`: course.yml and the homework folders; then
    `course new` run in it. Returns (course.yml, its text before, the command's output)."""
    tmp = tmp_path_factory.mktemp("clone")
    for folder in ("assignments", "solutions", "datasets"):
        shutil.copytree(REPO / folder, tmp / folder)
    config = tmp / "course.yml"
    shutil.copy(REPO / "course.yml", config)
    before = config.read_text()
    out = run(config, "new", HW, "--title", TITLE)
    return config, before, out


def test_new_writes_the_pieces_and_keeps_course_yml(clone):
    config, before, (code, out) = clone
    assert code == 0, out
    for rel in (f"assignments/{HW}/{HW}.ipynb", f"solutions/{HW}/{HW}.py",
                f"solutions/{HW}/mistakes/conditioning.py",
                f"solutions/{HW}/alternatives/adjustment.py", f"assignments/{HW}/checks.py"):
        assert (config.parent / rel).is_file(), rel
        assert f"wrote {rel}" in out
    assert f"course release {HW}" in out            # what to do next
    after = config.read_text()
    # every line and comment kept, in place: the new entry is inserted as one block
    # (at the end of `assignments:`, before the projects)
    was, now = before.splitlines(), after.splitlines()
    changes = difflib.SequenceMatcher(None, was, now, autojunk=False).get_opcodes()
    inserted = [c for c in changes if c[0] != "equal"]
    assert len(inserted) == 1 and inserted[0][0] == "insert", inserted
    _, _, _, j1, j2 = inserted[0]
    entry = yaml.safe_load("\n".join(now[j1:j2]))[0]
    assert entry["id"] == HW and entry["title"] == TITLE
    a = load_course(config).assignment(HW)
    assert a.title == TITLE and set(a.questions) == {"test_p_y_do"}


def test_the_notebook_is_an_nbgrader_template_keyed_to_its_checks(clone):
    config = clone[0]
    a = load_course(config).assignment(HW)
    nb = nbformat.read(a.notebook, 4)
    answers = [grade_id(c) for c in nb.cells if is_answer_cell(c)]
    tests = [c for c in nb.cells if is_test_cell(c)]
    assert answers == ["p_y_do_answer"] and [grade_id(c) for c in tests] == ["test_p_y_do"]
    assert all(c.metadata.nbgrader["locked"] for c in nb.cells if not is_answer_cell(c))
    assert "from autograder import visible" in tests[0].source
    assert contract.PLACEHOLDER.search("\n".join(c.source for c in nb.cells))
    assert nb.cells[0].source.startswith(f"# {TITLE}")
    hw = load_homework(a.checks)
    contract.check_cells(nb, hw, HW)
    assert hw.designer is not None and hw.wrong_answers and hw.says
    # the design follows the budget: a much smaller one asks for more samples
    assert hw.sizes(1e-9)["num_samples"] > hw.sizes(1e-3)["num_samples"]


def test_release_then_check_solutions_gives_full_marks(clone):
    config = clone[0]
    # the made-up due date is refused until the instructor has set a real one
    line = error_line(*run(config, "release", HW))
    assert "still the placeholder" in line and "course.yml:" in line
    text = config.read_text()
    config.write_text(text.replace("   # REPLACE: the deadline", "   # the deadline"))
    code, out = run(config, "release", HW)
    assert code == 0, out
    course = load_course(config)
    released = nbformat.read(course.course_dir / "release" / HW / f"{HW}.ipynb", 4)
    text = "\n".join(c.source for c in released.cells)
    n = load_homework(course.assignment(HW).checks).sizes(course.assignment(HW).false_fail_budget)
    assert f"num_samples={n['num_samples']}" in text and "{{" not in text
    assert "default_rng(seed)" in text and "np.ones(num_samples" not in text   # no solution
    code, out = run(config, "check-solutions", HW)
    assert code == 0, out
    assert "3/3" in out and "✘" not in out
    assert "test_p_y_do ran (1 of 1)" in out   # progress while the notebook runs


def test_the_other_correct_method_gets_full_marks(clone):
    course = load_course(clone[0])
    outcome, results = grade(course, HW, 6, "alternatives/adjustment.py")
    assert outcome.stopped is None
    r = results["test_p_y_do"]
    assert r.points == r.max_points, r.messages


def test_the_known_mistake_loses_points(clone):
    """The mistake variant graded in a real kernel, and the declared wrong answer
    simulated under many seeds: both lose the question, and its words never carry the
    truth."""
    course = load_course(clone[0])
    a = course.assignment(HW)
    outcome, results = grade(course, HW, 5, "mistakes/conditioning.py")
    assert outcome.stopped is None
    assert results["test_p_y_do"].points == 0, results["test_p_y_do"].messages
    hw = load_homework(a.checks)
    (mistake,) = hw.wrong_answers.values()
    for seed in range(25):
        ctx = hw.context(seed, a.false_fail_budget)
        wrong = mistake({}, ctx)["test_p_y_do"]
        r = grade_values(hw.questions["test_p_y_do"], wrong, ctx, a.questions["test_p_y_do"])
        assert r.points == 0, (seed, r.messages)
        assert "0.74" not in " ".join(r.messages)      # the stated model's truth


@pytest.mark.parametrize("args, says", [
    (["backdoor"], "already has an assignment 'backdoor'"),
    (["2nd_try"], "not a valid homework id"),
    (["my-hw"], "not a valid homework id"),
    (["class"], "not a valid homework id"),
    (["fine_id", "--title", "two\nlines"], "one non-empty line"),
])
def test_bad_ids_and_ids_in_use_are_refused(clone, args, says):
    config = clone[0]
    text, files = config.read_text(), tree(config.parent)
    line = error_line(*run(config, "new", *args))
    assert says in line
    assert config.read_text() == text and tree(config.parent) == files


def test_a_file_in_the_way_is_refused_and_nothing_is_written(clone):
    config = clone[0]
    (config.parent / "solutions" / "taken").mkdir()
    (config.parent / "solutions" / "taken" / "taken.py").write_text("# mine\n")
    text, files = config.read_text(), tree(config.parent)
    line = error_line(*run(config, "new", "taken"))
    assert "solutions/taken/taken.py already exists" in line
    assert config.read_text() == text and tree(config.parent) == files
    assert (config.parent / "solutions" / "taken" / "taken.py").read_text() == "# mine\n"


def test_a_failure_after_writing_leaves_nothing_behind(tmp_path):
    """course.yml changed under the command (a setting the schema refuses): the new
    file fails validation, so the files already written are removed again and
    course.yml keeps its text."""
    data = yaml.safe_load((REPO / "course.yml").read_text())
    a = next(x for x in data["assignments"] if x["id"] == "adjsets")
    for key in ("notebook", "solution", "checks"):
        a[key] = str(REPO / a[key])
    data["assignments"] = [a]
    data.pop("projects", None)  # the kits' milestones live under projects: (not copied)
    config = tmp_path / "course.yml"
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    course = load_course(config)
    config.write_text(config.read_text() + "bogus_setting: 1\n")
    text, files = config.read_text(), tree(tmp_path)
    with pytest.raises(CourseError, match=r"^course\.yml:\d+: unknown key 'bogus_setting'.*"
                                          r"nothing written"):
        new_homework(course, HW)
    assert config.read_text() == text and tree(tmp_path) == files


# ------------------------------------------------------- the text insertion
def entry(indent):
    return f"{indent}- id: new\n{indent}  title: New\n"


def test_the_entry_goes_inside_the_list_when_other_settings_follow_it():
    text = ("course_id: c  # the id\nassignments:\n    - id: a   # first\n      title: A\n"
            "    # a comment inside the list\n\n# about the roster\nroster:\n  - {id: x}\n")
    out = insert_entry(text, entry)
    added = entry("    ").splitlines()
    assert [ln for ln in out.splitlines() if ln not in added] == text.splitlines()
    data = yaml.safe_load(out)
    assert [a["id"] for a in data["assignments"]] == ["a", "new"] and data["roster"] == [{"id": "x"}]
    assert out.index("- id: new") < out.index("# about the roster")
    # list items at the key's own column, and a file without a final newline
    out = insert_entry("assignments:\n- id: a\n  title: A", entry)
    assert [a["id"] for a in yaml.safe_load(out)["assignments"]] == ["a", "new"]


def test_a_flow_style_list_is_refused():
    with pytest.raises(CourseError, match="block-style"):
        insert_entry("course_id: c\nassignments: [{id: a}]\n", entry)
