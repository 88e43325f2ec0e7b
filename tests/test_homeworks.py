"""The contract every homework in course.yml keeps, tested once for all of them:
the notebook states the design's sizes, cells and hidden questions match, the
reference earns full marks in a real kernel, every known wrong answer loses points
and no message gives the truth away, and every solution variant of the manifest
(`hw.variant`) scores exactly as declared. A new homework needs no test code for these;
its own test_hw_*.py holds only facts that belong to it."""
from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from autograder.authoring import contract
from autograder.authoring.source import build_source_notebook
from autograder.course.config import load_course
from autograder.errors import CourseError
from autograder.grading.misconceptions import knows
from autograder.grading.unregistered import grade_unregistered
from autograder.grading.verdict import grade_values
from autograder.homework import Homework, Variant
from autograder.pipeline.reference import check_solution
from autograder.pipeline.release import release
from conftest import REFERENCE_SEED, REPO, full_marks, grade, homework_of, reference_run

COURSE = load_course(REPO / "course.yml")
HOMEWORKS = list(COURSE.assignments)
# The reference runs under a second grading seed where a run is cheap (a notebook budget
# of at most 15 minutes); the MCMC homeworks regrade their one run under other seeds in
# their own test files instead.
REFERENCE_RUNS = [(h, seed) for h in HOMEWORKS for seed in (REFERENCE_SEED, 2027)
                  if seed == REFERENCE_SEED or COURSE.assignment(h).notebook_timeout <= 900]
WRONG_SEEDS = range(25)
# One kernel run per manifest entry that has a seed (combined entries: one run for all
# their files).
MANIFEST = [pytest.param(h, v, id=f"{h}:{v.name}") for h in HOMEWORKS
            for v in homework_of(COURSE, h).variants if v.seed is not None]


@pytest.fixture(params=HOMEWORKS)
def hw_id(request):
    return request.param


# ----------------------------------------------------------- no kernel needed
def test_the_notebook_states_every_size_of_the_design(course, hw_id):
    a, hw = course.assignment(hw_id), homework_of(course, hw_id)
    sizes = hw.sizes(a.false_fail_budget)
    template = "\n".join(c.source for c in nbformat.read(a.notebook, 4).cells)
    stated = "\n".join(c.source for c in build_source_notebook(a).cells)
    for name, n in sizes.items():
        assert "{{" + name + "}}" in template, name
        # each placeholder's sentence now carries the design's number
        for m in re.finditer(r"\{\{" + name + r"\}\}", template):
            before = template[max(0, m.start() - 30):m.start()]
            assert before + str(n) in stated, (name, before)
    assert not contract.PLACEHOLDER.search(stated)
    assert hw.context(7, a.false_fail_budget).sizes == sizes


def test_every_test_cell_has_a_question_and_every_question_a_cell(course, hw_id):
    a, hw = course.assignment(hw_id), homework_of(course, hw_id)
    cells = {c.metadata.nbgrader["grade_id"] for c in build_source_notebook(a).cells
             if c.get("metadata", {}).get("nbgrader", {}).get("grade")
             and c.cell_type == "code" and not c.metadata.nbgrader.get("solution")}
    assert cells == set(hw.questions)
    assert set(hw.questions) <= set(a.questions)      # every hidden question has points


def test_each_probe_is_drawn_once_per_submission(course, hw_id):
    """What a question hands the student's functions is one value per submission: the
    kernel call, the check and a diagnosis (another noise seed) all get the same object,
    and the calls come out the same every time they are built."""
    a, hw = course.assignment(hw_id), homework_of(course, hw_id)
    ctx = hw.context(5, a.false_fail_budget)
    for name, probe in hw.probes.items():
        assert probe(ctx) is probe(dataclasses.replace(ctx, noise_seed=3)), name
    for gid, q in hw.questions.items():
        if q.calls:
            assert repr(q.calls(ctx)) == repr(q.calls(ctx)), gid


def test_the_share_of_the_budget_comes_from_the_declared_checks(course, hw_id):
    a, hw = course.assignment(hw_id), homework_of(course, hw_id)
    ctx = hw.context(1, a.false_fail_budget)
    assert hw.total_checks == sum(q.n_checks for q in hw.questions.values())
    assert ctx.alpha == pytest.approx(a.false_fail_budget / max(1, hw.total_checks))


GENERATORS = sorted(str(p.relative_to(REPO)) for p in (REPO / "datasets").rglob("generate.py"))


@pytest.mark.parametrize("generator", GENERATORS)
def test_every_data_file_is_what_its_generator_writes(generator, tmp_path):
    """Data sets are generated, never downloaded: rerun each generator in a copy of
    datasets/ and every file it writes must equal the shipped one, byte for byte."""
    shutil.copytree(REPO / "datasets", tmp_path / "datasets")
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "datasets").rglob("*.csv")}
    for p in before:
        p.unlink()
    subprocess.run([sys.executable, str(tmp_path / generator)], check=True, capture_output=True,
                   cwd=tmp_path)
    written = sorted(p for p in before if p.exists())
    assert written, f"{generator} wrote no data file"
    for p in written:
        shipped = REPO / p.relative_to(tmp_path)
        assert p.read_bytes() == shipped.read_bytes(), f"{shipped.relative_to(REPO)} is stale"


# ----------------------------------------------------- one real kernel run each
@pytest.mark.parametrize("hw_id, seed", REFERENCE_RUNS)
def test_the_reference_solution_gets_full_marks(course, hw_id, seed):
    outcome, results, _ = reference_run(course, hw_id, seed)
    assert outcome.stopped is None
    assert sorted(full_marks(results)) == sorted(results), \
        {g: r.messages for g, r in results.items() if r.points < r.max_points}
    assert all(knows(type(e)) for r in results.values() for e in r.evidence)


def _secrets(detail) -> list[str]:
    """How a truth or a band could be written in a message."""
    out = []
    for d in detail:
        for key in ("truth", "se", "half_width", "tolerance"):
            v = d.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) >= 1e-3 \
                    and float(v) != round(float(v)):
                out += [f"{v:.3f}", f"{v:.4f}", repr(float(v))]
    return out


def test_every_known_wrong_answer_loses_points_and_keeps_the_truth_hidden(course, hw_id):
    """Each registered wrong answer, applied to the reference's own answers (its own
    sampling noise included), loses points on every question it touches, under every
    seed tried; what it is told names no truth and no band."""
    a, hw = course.assignment(hw_id), homework_of(course, hw_id)
    outcome, _, values = reference_run(course, hw_id)
    assert hw.wrong_answers, "a homework declares its known wrong answers"
    for label, mistake in hw.wrong_answers.items():
        for seed in WRONG_SEEDS:
            ctx = hw.context(seed, a.false_fail_budget)
            wrong = mistake(values, ctx)
            touched = [gid for gid in wrong if wrong[gid] is not values.get(gid)]
            assert touched, label
            for gid in touched:
                r = grade_values(hw.questions[gid], wrong[gid], ctx, a.questions[gid])
                assert r.points < r.max_points, (label, seed, gid, r.messages)
                # a kind of evidence the misconception naming cannot read fails here, and
                # grading.json must hold the result
                assert all(knows(type(e)) for e in r.evidence), (label, gid, r.evidence)
                json.dumps(r.to_dict())
                text = " ".join(r.messages)
                leaked = [s for s in _secrets(r.detail) if s in text]
                assert not leaked, (label, r.grade_id, leaked)
                words = hw.check_words.get(label)
                assert not words or words in text, (label, gid, words, r.messages)


def test_wrong_answers_nobody_registered_are_explained_without_numbers(course, hw_id):
    """The reference's answers changed in generic ways nobody registered (sign flipped,
    scaled, shifted, reordered), graded with the reference run's own probes: wherever a
    check that compares numbers fails, the feedback names a registered mistake or says
    in words how the answer differs, and what it adds holds no number."""
    a, hw = course.assignment(hw_id), homework_of(course, hw_id)
    _, _, values = reference_run(course, hw_id)
    rows = grade_unregistered(hw, a.questions, values, hw.context(REFERENCE_SEED, a.false_fail_budget))
    if not rows:
        pytest.skip(f"{hw_id}: no real-valued answers to change")
    assert any(r.caught for r in rows), "a changed answer must lose points somewhere"
    unexplained = [(r.label, r.grade_id) for r in rows if r.caught and r.describable and not r.explained]
    assert not unexplained, unexplained
    with_numbers = [(r.label, r.grade_id, r.numbers) for r in rows if r.numbers]
    assert not with_numbers, with_numbers


@pytest.mark.slow
@pytest.mark.parametrize("hw_id, entry", MANIFEST)
def test_every_variant_scores_as_the_manifest_declares(course, hw_id, entry):
    """The reference with the variant's sections swapped in, graded in a real kernel:
    exactly the declared questions earn nothing or part, every other one full marks, and
    each question says what the manifest says it tells."""
    outcome, results = grade(course, hw_id, entry.seed, entry.files)
    assert outcome.stopped is None
    assert sorted(results) == sorted(homework_of(course, hw_id).questions)
    wrong = {gid: (f"declared {entry.expected(gid)}",
                   f"earned {r.points}/{r.max_points}", r.messages)
             for gid, r in results.items()
             if entry.expected(gid) not in (None, Variant.earned(r.points, r.max_points))}
    assert not wrong, wrong
    for gid, points in entry.partly.items():
        if points is not None:
            assert results[gid].points == pytest.approx(points), (gid, results[gid].messages)
    for gid, phrases in entry.told.items():
        for words in phrases:
            assert words in " ".join(results[gid].messages), (gid, words, results[gid].messages)


# -------------------------------------------------------------- the contract
def test_sizes_follow_the_budget_from_release_to_grading(course, tmp_path):
    """Another false_fail_budget in course.yml changes the design: the released notebook
    states the new size, and the reference still earns full marks under it."""
    hw_id = "adjsets"
    stated = {}
    for budget in (1e-3, 1e-5):
        a = dataclasses.replace(course.assignment(hw_id), false_fail_budget=budget)
        c = dataclasses.replace(course, course_dir=tmp_path / f"b{budget}",
                                exchange=tmp_path / f"b{budget}" / "exchange",
                                assignments={**course.assignments, hw_id: a})
        release(c, hw_id)
        text = (c.course_dir / "release" / hw_id / f"{a.notebook_name}.ipynb").read_text()
        stated[budget] = sorted(set(re.findall(r"num_samples=(\d+)", text)))
        n = homework_of(course, hw_id).sizes(budget)["num_samples"]
        assert stated[budget] == [str(n)]
        if budget == course.assignment(hw_id).false_fail_budget:
            _, results, _ = reference_run(course, hw_id)
        else:
            _, results = grade(c, hw_id, 11, assignment=a)
        assert sorted(full_marks(results)) == sorted(results), \
            {g: r.messages for g, r in results.items() if r.points < r.max_points}
    assert stated[1e-3] != stated[1e-5]


def _with_checks(course, tmp_path, hw_id, edit):
    """The course with a copy of the homework's checks file, edited."""
    a = course.assignment(hw_id)
    path = tmp_path / "assignments" / hw_id / "checks.py"   # data paths resolve from here
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(edit(a.checks.read_text()))
    shutil.copytree(REPO / "datasets" / hw_id, tmp_path / "datasets" / hw_id)
    a = dataclasses.replace(a, checks=path)
    return dataclasses.replace(course, course_dir=tmp_path / "state",
                               exchange=tmp_path / "state" / "exchange",
                               assignments={**course.assignments, hw_id: a})


@pytest.mark.parametrize("typo, message", [
    ('@hw.question("test_naive"', "test cell 'test_naive' has no hidden question"),
    ('@hw.question("test_cpts"', "test cell 'test_cpts' has no hidden question"),
])
def test_a_grade_id_typo_in_the_checks_is_refused_in_one_line(course, tmp_path, typo, message):
    c = _with_checks(course, tmp_path, "backdoor",
                     lambda s: s.replace(typo, typo[:-1] + '_x"'))
    for action in (lambda: release(c, "backdoor"), lambda: check_solution(c, "backdoor")):
        with pytest.raises(CourseError) as err:
            action()
        assert message in str(err.value) and "\n" not in str(err.value)


def test_a_question_without_a_cell_and_an_unknown_size_are_refused(course, tmp_path):
    c = _with_checks(course, tmp_path, "backdoor", lambda s: s + (
        '\n\n@hw.question("test_extra", answers=["cpts"], n_checks=0)\n'
        'def check_extra(values, ctx):\n    return []\n'))
    with pytest.raises(CourseError, match="hidden question 'test_extra' has no test cell"):
        check_solution(c, "backdoor")
    c = _with_checks(course, tmp_path / "2", "backdoor", lambda s: s.replace(
        'hw.design(probe_tables.design)',
        'hw.design(lambda budget: {**probe_tables.design(budget), "num_draws": 10})'))
    with pytest.raises(CourseError, match="size 'num_draws' is never stated"):
        release(c, "backdoor")
    c = _with_checks(course, tmp_path / "3", "backdoor", lambda s: s.replace(
        'hw.design(probe_tables.design)',
        'hw.design(lambda budget: {"n_samples": probe_tables.design_size(budget)})'))
    with pytest.raises(CourseError, match=r"placeholder \{\{num_samples\}\} is not a size"):
        release(c, "backdoor")


def test_design_sizes_must_be_positive_ints():
    from autograder.homework import Homework
    hw = Homework()
    hw.design(lambda budget: {"n": np.int64(3) if budget > 0.5 else 2.5})
    assert hw.sizes(0.9) == {"n": 3} and type(hw.sizes(0.9)["n"]) is int
    with pytest.raises(CourseError, match="size 'n' is not a positive int"):
        hw.sizes(1e-3)


# ------------------------------------------------------- the manifest's contract
def _manifest(*entries) -> Homework:
    hw = Homework()
    for gid in ("test_a", "test_b"):
        hw.question(gid)(lambda values, ctx: [])
    for files, kwargs in entries:
        hw.variant(files, **kwargs)
    return hw


@pytest.fixture
def variants(tmp_path):
    """A solutions/<hw>/ folder with one mistake and one alternative."""
    for name in ("mistakes/naive.py", "alternatives/exact.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("# %% [a_answer]\nx = 1\n")
    return tmp_path


@pytest.mark.parametrize("entries, message", [
    ([("mistakes/naive.py", {"loses": ["test_a"]})],
     "alternatives/exact.py is in no manifest entry"),
    ([("mistakes/naive.py", {}), ("alternatives/exact.py", {}), ("mistakes/typo.py", {})],
     "manifest entry mistakes/typo.py names a file that does not exist"),
    ([("mistakes/naive.py", {"loses": ["test_c"]}), ("alternatives/exact.py", {})],
     "manifest entry mistakes/naive.py names 'test_c', which is not a hidden question"),
    ([(("mistakes/naive.py", "alternatives/exact.py"), {"told": {"test_x": "w"}})],
     "manifest entry mistakes/naive.py+alternatives/exact.py names 'test_x'"),
    ([("mistakes/naive.py", {}), ("alternatives/exact.py", {"partly": ["test_a"]})],
     "alternatives/exact.py is an alternative (a correct answer) but is declared to lose"),
    ([("mistakes/naive.py", {}), ("alternatives/exact.py", {}), ("naive.py", {})],
     "manifest entry naive.py is not a .py file in mistakes or alternatives/"),
])
def test_the_manifest_and_the_variant_files_must_match(variants, entries, message):
    with pytest.raises(CourseError) as err:
        contract.check_variants(_manifest(*entries), variants, "hw")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_complete_manifest_passes_and_its_entries_say_what_they_expect(variants):
    hw = _manifest((("mistakes/naive.py",), {"loses": ["test_a"], "partly": {"test_b": 0.5},
                                             "seed": 3}),
                   ("alternatives/exact.py", {}))
    contract.check_variants(hw, variants, "hw")
    mistake, alternative = hw.variants
    assert mistake.files == ("mistakes/naive.py",) and mistake.seed == 3
    assert [mistake.expected(g) for g in ("test_a", "test_b")] == ["none", "some"]
    assert alternative.expected("test_a") == "full" and alternative.seed is None
    assert [Variant.earned(p, 2) for p in (0, 0.5, 2)] == ["none", "some", "full"]
    with pytest.raises(ValueError, match="mistakes/naive.py declared twice"):
        hw.variant("mistakes/naive.py")
    with pytest.raises(ValueError, match="test_a declared twice"):
        hw.variant("mistakes/other.py", loses=["test_a"], luck=["test_a"])


def test_a_variant_missing_from_the_manifest_is_refused_by_release_and_check_solutions(
        course, tmp_path):
    c = _with_checks(course, tmp_path, "backdoor", lambda s: s.replace(
        'hw.variant("mistakes/transposed.py"', 'hw.variant("mistakes/transposed_x.py"'))
    for action in (lambda: release(c, "backdoor"), lambda: check_solution(c, "backdoor")):
        with pytest.raises(CourseError) as err:
            action()
        assert "mistakes/transposed_x.py names a file that does not exist" in str(err.value)
        assert "\n" not in str(err.value)


def test_variants_graded_together_must_replace_different_sections(course):
    from autograder.authoring.source import answer_from_variant
    a = course.assignment("backdoor")
    with pytest.raises(CourseError, match=r"naive.py: section \[\w+\] is also replaced by "
                                          "constant.py"):
        answer_from_variant(build_source_notebook(a), a,
                            ("mistakes/constant.py", "mistakes/naive.py"))
