"""`course similarity`: the students' own answers fingerprinted (winnowing, the MOSS
method), a copied pair flagged with its shared lines side by side, and what is not a
copy left alone: two correct solutions written apart, the released starter code, the
question's own words.

A real release, fetch, submit and collect through the exchange; no kernel runs (the
report reads the collected notebooks only)."""
from __future__ import annotations

import re

import nbformat
import pytest

from autograder.authoring.source import answer_from_variant, fill_student_notebook
from autograder.pipeline.collect import collect
from autograder.pipeline.release import release
from autograder.pipeline.similarity import similarity
from autograder.pipeline.student import fetch, submit
from conftest import error_line, run_cli, write_course_yml
from test_pipeline import make_course, notebook_path

HW = "backdoor"
ROSTER = ["alice", "bob", "carol", "dan", "erin"]
CAROL_WRITES = ("I would recommend promotion zero. Within every happiness group it keeps more "
                "subscribers, and the adjusted effect is positive. Happier subscribers were mostly "
                "offered promotion zero and renew less, which drags its pooled rate down.")
# dan copies carol's explanation, re-cased, re-punctuated and re-flowed
DAN_WRITES = ("i would RECOMMEND promotion zero -- within every happiness group it keeps more\n"
              "subscribers; and the adjusted effect is *positive*. happier subscribers were "
              "mostly offered promotion zero, and renew less, which drags its pooled rate down!")


def disguise(source: str) -> str:
    """What a student who copies does to hide it: rename, re-comment, re-space."""
    for old, new in (("p_do", "effect"), ("n_z", "by_level"), ("table", "tab"), ("overall", "pooled"),
                     ("rates", "share"), ("observed", "fixed"), ("posterior", "post")):
        source = re.sub(rf"\b{old}\b", new, source)
    lines = []
    for line in source.splitlines():
        lines.append(line.replace(" = ", "=", 1) if "def " not in line else line)
        if line.startswith("def "):
            lines.append("    # my own helper")
    return "\n".join(lines) + "\n"


def answer(course, student, variant=None, written="", edit=None, code=True):
    """Answer as a student; code=False leaves the code answers as released."""
    path = notebook_path(course, student)
    nb = nbformat.read(path, 4)
    if code:
        answer_from_variant(nb, course.assignment(HW), variant, written={"explain_simpson": written})
    else:
        fill_student_notebook(nb, {"explain_simpson": ("markdown", written)})
    if edit:
        edit(nb)
    nbformat.write(nb, path)


def cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("similarity")
    config = write_course_yml(tmp, HW, ROSTER)   # for the CLI; the same state folder
    course = make_course(tmp, roster=ROSTER)
    release(course, HW)
    for s in ROSTER:
        fetch(course, HW, s)
    answer(course, "alice", written="Promotion 0, because happiness confounds the raw comparison.")
    alice = nbformat.read(notebook_path(course, "alice"), 4)

    def copy_alice(nb):
        for gid in ("cpts_answer", "model_answer", "do_answer", "naive_answer"):
            cell(nb, gid).source = disguise(cell(alice, gid).source)
    answer(course, "bob", written="The adjusted comparison favours promotion 0 (Simpson).",
           edit=copy_alice)

    def paste_given(nb):  # the notebook's own plotting code, pasted into an answer
        cell(nb, "naive_answer").source = cell(nb, "look_plot").source + "\n" + cell(nb, "naive_answer").source
    answer(course, "carol", "alternatives/independent.py", written=CAROL_WRITES, edit=paste_given)
    answer(course, "dan", written=DAN_WRITES, edit=paste_given, code=False)
    for s in ROSTER:
        submit(course, HW, s)
    collect(course, HW)
    # a notebook damaged after collection is a note, not a failed report
    (course.course_dir / "submitted" / "erin" / HW / f"{HW}.ipynb").write_text('{"cells": [')
    return config, course


def test_a_disguised_copy_is_flagged_and_independent_solutions_are_not(collected):
    config, course = collected
    report = similarity(course, HW)
    pairs = {p.students: p for p in report.pairs}
    assert set(pairs) == {("alice", "bob"), ("carol", "dan")}, {k: v.similarity for k, v in pairs.items()}
    code = pairs["alice", "bob"].matches[0]
    assert code.kind == "code" and code.similarity > 0.9
    # the shared lines, on both sides, include each copied answer cell
    for side in code.sides:
        assert {label for label, _ in side.cells} >= {"cpts_answer", "model_answer", "do_answer"}
    # the reference and the independent solution are not a pair, nor is the given
    # code carol and dan both pasted (dan wrote no code of his own: nothing to compare)
    assert ("alice", "carol") not in pairs and ("bob", "carol") not in pairs
    written = pairs["carol", "dan"].matches
    assert [m.kind for m in written] == ["written"] and written[0].similarity > 0.9
    assert report.skipped == {"erin": f"{HW}.ipynb could not be read (NotJSONError)"}


def test_the_command_prints_the_pairs_and_writes_the_page(collected, tmp_path):
    config, course = collected
    code, out = run_cli(config, "similarity", HW, "--output", str(tmp_path))
    assert code == 0, out
    assert "alice – bob" in out and "carol – dan" in out and "alice – carol" not in out
    assert "erin: not compared" in out
    page = (tmp_path / "similarity.html").read_text()
    assert page.count("<table class='side'>") == 2
    assert '<span class="shared">' in page and "by_level" in page and "n_z" in page  # both sides
    assert "<script" not in page


def test_a_threshold_out_of_range_and_an_early_run_are_one_line(collected, tmp_path):
    config, course = collected
    line = error_line(*run_cli(config, "similarity", HW, "--threshold", "50"))
    assert "between 0 and 1" in line
    fresh = write_course_yml(tmp_path, HW, ROSTER)
    assert "has not been released" in error_line(*run_cli(fresh, "similarity", HW))
