"""Early rejection (engine/stages.py): a staged question asks the student's function for
more draws only while the answer is not yet rejected, and the verdict is the same as
asking for everything in one go.

The kernel tests grade real notebooks of the adjsets homework (its staged question,
test_ace_11, is the cheapest to run) in the real sandbox, with the setting on and off.
"""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from autograder.checks.sequential import FINAL_SHARE, pooled, stage_levels, stage_sizes
from autograder.engine.stages import Staged, go_on, merge
from autograder.grading.verdict import extraction_code, grade_values
from autograder.homework import load_checks, stage_key
from conftest import REPO, grade

STAGED = ("adjsets", "test_ace_11")


def stage_payloads(outcome, gid: str) -> set[int]:
    """The stages the kernel was asked for in this question's answers."""
    keys = json.loads(outcome.payloads[gid])
    return {int(k.rpartition("@")[2]) for k in keys if "@" in k}


@pytest.fixture(scope="module")
def adjsets(course):
    return course.assignment("adjsets")


def test_a_right_answer_is_asked_for_every_stage_and_keeps_its_marks(course, adjsets):
    outcome, results = grade(course, "adjsets", seed=21)
    stages = stage_sizes(load_checks(adjsets.checks).hw.sizes(adjsets.false_fail_budget)["num_samples"])
    assert stage_payloads(outcome, "test_ace_11") == set(range(1, len(stages) + 1))
    assert results["test_ace_11"].points == results["test_ace_11"].max_points


@pytest.mark.parametrize("variant", ["mistakes/collider.py", "mistakes/reversed.py"])
def test_a_clearly_wrong_answer_stops_early_with_the_verdict_of_one_go(course, adjsets, variant):
    """Conditioning on the collider and the reversed contrast are far from the truth: an
    early stage rejects them (the kernel is never asked for the last stage's draws), and
    asked in one go they lose the same."""
    staged_outcome, staged = grade(course, "adjsets", 22, variant)
    one_go = dataclasses.replace(adjsets, early_rejection=False)
    outcome, whole = grade(course, "adjsets", 22, variant, assignment=one_go)
    last = len(stage_sizes(load_checks(adjsets.checks).hw.sizes(adjsets.false_fail_budget)
                           ["num_samples"]))
    asked = stage_payloads(staged_outcome, "test_ace_11")
    assert asked == set(range(1, max(asked) + 1)) and max(asked) < last
    assert not stage_payloads(outcome, "test_ace_11")   # one call per table, no stages
    assert staged["test_ace_11"].points == whole["test_ace_11"].points == 0
    assert {g: r.points for g, r in staged.items()} == {g: r.points for g, r in whole.items()}
    # the feedback says what one go says: the estimate is off (on the tables the first
    # stage's wider band already rejects), and names the same known mistake
    assert any("further from the correct value" in m for m in staged["test_ace_11"].messages)
    assert staged["test_ace_11"].misconception == whole["test_ace_11"].misconception, (
        staged["test_ace_11"].messages, whole["test_ace_11"].messages)


# ------------------------------------------------------- without a kernel
@pytest.fixture(scope="module")
def backdoor():
    return load_checks(REPO / "assignments" / "backdoor" / "checks.py")


def right_answers(module, ctx, rng, stages) -> dict:
    """Right estimates of test_backdoor per stage: the truth plus the SE bound's noise."""
    pt, out = module.probe_tables, {}
    for k, stage in enumerate(stages, 1):
        for label, table in pt.estimate_tables(ctx).items():
            out[stage_key(label, k)] = pt.truth(table) + rng.normal() * pt.se(table, stage.draws)
    return out


def test_the_worker_and_the_check_agree_stage_by_stage(backdoor):
    """The worker's decision to go on (go_on, from the raw payload) is the check's stage
    test: wherever the worker stops, the check fails at that stage, and an answer the
    worker asks for to the end is the one the check tests at the last stage."""
    hw, pt = backdoor.hw, backdoor.probe_tables
    question = hw.questions["test_backdoor"]
    rng = np.random.default_rng(3)
    stopped_at = set()
    for seed in range(30):
        ctx = hw.context(seed, 1e-3)
        plan = extraction_code(question, ctx, staged=True)
        assert isinstance(plan, Staged) and len(plan.codes) == len(question.stages(ctx)) > 1
        shift = (seed % 3) * 0.05   # right, a little off, far off
        answers = right_answers(backdoor, ctx, rng, question.stages(ctx))
        answers = {k: v + shift for k, v in answers.items()}
        texts = []
        for k in range(1, len(plan.codes) + 1):
            texts.append(json.dumps({key: {"value": v} for key, v in answers.items()
                                     if key.endswith(f"@{k}")}))
            if not go_on(texts, plan):
                break
        asked = {key: v for key, v in answers.items() if int(key.rpartition("@")[2]) <= len(texts)}
        result = grade_values(question, asked, ctx, 1.0)
        stopped_at.add(len(texts))
        if len(texts) < len(plan.codes):
            assert result.points == 0 and result.detail[0]["stage"] == len(texts)
        # the label keys merge adds are the pooled estimates a single call would give
        merged = json.loads(merge(texts, plan))
        for label in pt.estimate_tables(ctx):
            parts = [answers[stage_key(label, j)] for j in range(1, len(texts) + 1)]
            assert merged[label]["value"] == pytest.approx(pooled(parts, plan.draws[:len(texts)]))
    assert 1 in stopped_at and len(plan.codes) in stopped_at


def test_a_stage_that_could_not_run_is_not_a_pass(backdoor):
    """Stages that stop while the answer is still inside its bands (the cell's time limit
    struck) earn nothing: the answer was never tested at the size the question needs."""
    hw = backdoor.hw
    question = hw.questions["test_backdoor"]
    ctx = hw.context(4, 1e-3)
    answers = right_answers(backdoor, ctx, np.random.default_rng(4), question.stages(ctx))
    first = {k: v for k, v in answers.items() if k.endswith("@1")}
    result = grade_values(question, first, ctx, 1.0)
    assert result.points == 0 and "later calls did not run" in result.messages[0]
    assert grade_values(question, answers, ctx, 1.0).points == 1.0


def test_the_last_stage_keeps_most_of_the_level_and_the_stages_spend_exactly_it():
    for alpha in (1e-4, 1.7e-4, 5e-4):
        for k in (1, 2, 3, 5):
            levels = stage_levels(alpha, k)
            assert sum(levels) == pytest.approx(alpha)
            assert levels[-1] == pytest.approx(alpha if k == 1 else FINAL_SHARE * alpha)


def test_right_answers_fail_no_more_often_in_stages_than_the_level_allows(backdoor):
    """Simulated right answers at the SE bound (the noisiest a right answer may be), each
    under its own grading seed: the staged check's false fails stay within the question's
    level, as in one go. 3,000 runs bound a rate of 1e-3 (the level here is 5e-4)."""
    hw = backdoor.hw
    question = hw.questions["test_backdoor"]
    rng = np.random.default_rng(11)
    fails = 0
    for seed in range(3000):
        ctx = hw.context(10_000 + seed, 1e-3)
        fails += grade_values(question, right_answers(backdoor, ctx, rng, question.stages(ctx)),
                              ctx, 1.0).points < 1.0
    # at the level itself 1.5 are expected; more than 6 has probability below 1e-3 (Poisson),
    # while a level spent in full at every stage (3 x 5e-4) would expect 4.5
    assert fails <= 6
