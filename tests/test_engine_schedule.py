"""Longest-first scheduling: a batch records each homework's execution times in
the course state, and the next batch starts the costliest homework's
submissions first. Real notebooks of the two cheapest homeworks, a real
sandboxed kernel, one local worker so the start order is the finish order."""
from __future__ import annotations

import dataclasses
import statistics

from autograder.course.config import load_course
from autograder.grading.report import read_report
from autograder.pipeline import batch_plan
from autograder.pipeline.autograde import autograde_batch
from autograder.pipeline.costs import ExecutionCosts, HomeworkCosts, read_costs
from autograder.pipeline.reference import check_solution
from conftest import REPO, hand_in_references

HOMEWORKS = ("adjsets", "ipw")
ROSTER = ("ann", "bob")


def references(tmp_path):
    course = load_course(REPO / "course.yml").moved(tmp_path / "state", roster=list(ROSTER),
                                                    homeworks=list(HOMEWORKS))
    hand_in_references(course, HOMEWORKS, ROSTER)
    return course


def run_order(course) -> list[tuple[str, str]]:
    """(homework, student) in the order their executions were saved."""
    saved = [(course.dirs.engine_result(hw, s).stat().st_mtime_ns, hw, s)
             for hw in HOMEWORKS for s in ROSTER]
    return [(hw, s) for _, hw, s in sorted(saved)]


def test_without_measurements_the_longer_time_limit_goes_first():
    course = load_course(REPO / "course.yml")
    short = dataclasses.replace(course.assignment("adjsets"), notebook_timeout=600)
    long = dataclasses.replace(course.assignment("ipw"), notebook_timeout=900)
    todo = [batch_plan.Planned(short, "ann", batch_plan.RUN),
            batch_plan.Planned(long, "ann", batch_plan.RUN)]
    assert [p.assignment.id for p in batch_plan.submission_order(todo, ExecutionCosts(), 2)] == \
        ["ipw", "adjsets"]
    # a check-solutions time beats the time limit; a batch's times beat both
    costs = ExecutionCosts({"adjsets": HomeworkCosts(reference=30.0),
                            "ipw": HomeworkCosts(reference=5.0)})
    assert [p.assignment.id for p in batch_plan.submission_order(todo, costs, 2)] == \
        ["adjsets", "ipw"]
    costs.homeworks["ipw"].recent = [40.0, 50.0, 1.0]
    assert costs.estimate(long) == (40.0, "recent batches")
    assert [p.assignment.id for p in batch_plan.submission_order(todo, costs, 2)] == \
        ["ipw", "adjsets"]


def test_a_large_cluster_feeds_the_single_recorder_first():
    """Johnson's rule: on a few workers the order is longest first; once a submission's
    share of the cluster (cost / workers) is below the recorder's time per submission,
    the cheap ones go first so the recorder is busy from the start (benchmarks/term.py:
    a term on 32 workers, 0.44 h longest first against 0.35 h, the serial floor)."""
    course = load_course(REPO / "course.yml")
    costs = ExecutionCosts({"adjsets": HomeworkCosts(recent=[3.0]),
                            "ipw": HomeworkCosts(recent=[4.0]),
                            "hglm": HomeworkCosts(recent=[34.0])})
    todo = [batch_plan.Planned(course.assignment(hw), s, batch_plan.RUN)
            for hw in ("ipw", "hglm", "adjsets") for s in ROSTER]
    order = lambda slots: [(p.assignment.id, p.student)   # noqa: E731
                           for p in batch_plan.submission_order(todo, costs, slots)]
    assert order(2) == [(hw, s) for hw in ("hglm", "ipw", "adjsets") for s in ROSTER]
    assert order(32) == [(hw, s) for hw in ("adjsets", "ipw", "hglm") for s in ROSTER]
    # in between, only what is cheap for that many workers moves ahead
    assert order(8) == [(hw, s) for hw in ("adjsets", "hglm", "ipw") for s in ROSTER]


def test_a_batch_records_its_times_and_the_next_starts_the_costliest_first(tmp_path):
    course = references(tmp_path)
    assert check_solution(course, "adjsets").ok  # the first estimate: the reference's time
    estimate, source = read_costs(course.dirs).estimate(course.assignment("adjsets"))
    assert source == "check-solutions" and 0 < estimate < course.assignment("adjsets").notebook_timeout
    autograde_batch(course, list(HOMEWORKS), show_progress=False, workers=1)
    costs = read_costs(course.dirs)
    assert costs.estimate(course.assignment("adjsets"))[1] == "recent batches"
    for hw in HOMEWORKS:  # what the batch measured, per submission
        assert sorted(costs.homeworks[hw].recent) == \
            sorted(read_report(course, hw, s).seconds for s in ROSTER)
    median = {hw: statistics.median(costs.homeworks[hw].recent) for hw in HOMEWORKS}
    cheap, costly = sorted(HOMEWORKS, key=median.get)
    # asked for the cheaper homework first, the batch still starts the costlier one
    autograde_batch(course, [cheap, costly], show_progress=False, workers=1, regrade=True)
    assert [hw for hw, _ in run_order(course)] == [costly, costly, cheap, cheap]
    assert all(len(read_costs(course.dirs).homeworks[hw].recent) == 4 for hw in HOMEWORKS)
