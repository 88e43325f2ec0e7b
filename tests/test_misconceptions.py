"""Feedback names the known mistake a failed answer matches, and nothing else.

The homeworks' registered wrong answers are simulated on plain values (their own
sampling noise included) and graded; the diagnosis must name the mistake that
made them, name nothing for failures no known mistake explains, and never show a
number. One real-kernel run checks the whole path into grading.json's results."""
from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import stats
from scipy.special import softmax

from dataclasses import dataclass

from autograder.checks import (KINDS, Estimate, Evidence, after_gate, all_of, close_to,
                               compare_sets, failed, frequencies, gof, matches_reference, passed)
from autograder.grading.verdict import QuestionResult, grade_values
from autograder.homework import Homework, load_homework
from autograder.grading.misconceptions import diagnose, is_told, knows
from conftest import checks_of, grade, no_marks

# Homeworks whose wrong answers replace the answers they change without reading a
# reference run's (the others are covered by `course calibrate`, which has one).
PLAIN = ["backdoor", "ipw", "frontdoor", "adjsets", "pymc_do"]


def simulated(course, hw_id, seeds=range(3)):
    a = course.assignment(hw_id)
    hw = load_homework(a.checks)
    for label, mistake in hw.wrong_answers.items():
        for seed in seeds:
            ctx = hw.context(900 + seed, a.false_fail_budget)
            try:
                values = mistake({}, ctx)
            except KeyError:
                break  # needs a reference run's answers
            for gid, answer in values.items():
                res = grade_values(hw.questions[gid], answer, ctx, a.questions[gid])
                if res.points < res.max_points:
                    yield hw, label, gid, values, res, ctx


@pytest.mark.parametrize("hw_id", PLAIN)
def test_each_known_mistake_is_named_where_it_loses_points(course, hw_id):
    named, missed = 0, []
    for hw, label, gid, values, res, ctx in simulated(course, hw_id):
        if label in hw.no_evidence:
            continue
        found = diagnose(hw, gid, values, res, ctx)
        if is_told(hw, label, found, res):
            named += 1
        else:
            missed.append((label, gid, found and found.label))
    assert named and not missed, missed


ALL = ["backdoor", "adjsets", "ipw", "scm", "frontdoor", "hglm", "pymc_do", "latent_vi", "mdn"]


@pytest.mark.parametrize("hw_id", ALL)
def test_the_words_for_each_mistake_show_no_number(course, hw_id):
    hw = load_homework(course.assignment(hw_id).checks)
    assert set(hw.says) == set(hw.wrong_answers) - hw.no_evidence
    for words in hw.says.values():
        assert not re.search(r"\d\.\d|\d{2,}", words), words


def test_a_failure_no_known_mistake_explains_names_nothing(course):
    checks = checks_of(course, "ipw")
    hw = checks.hw
    ctx = hw.context(3, course.assignment("ipw").false_fail_budget)
    probes = checks.probe_tables.estimate_tables(ctx)
    # far from the truth and from every known wrong ACE, on both tables
    values = {"test_ipw_ace": {label: checks.ace(c) + 0.3 for label, c in probes.items()}}
    res = grade_values(hw.questions["test_ipw_ace"], values["test_ipw_ace"], ctx, 2)
    assert res.points == 0
    assert diagnose(hw, "test_ipw_ace", values, res, ctx) is None
    # a right answer is never diagnosed
    right = {"test_ipw_ace": {label: checks.ace(c) for label, c in probes.items()}}
    res = grade_values(hw.questions["test_ipw_ace"], right["test_ipw_ace"], ctx, 2)
    assert res.points == 2 and diagnose(hw, "test_ipw_ace", right, res, ctx) is None


def test_resampling_without_replacement_fails_the_omnibus_test_and_is_named(course):
    """The mistake moves every cell a little: one test over the 8 cells rejects it
    where 8 per-cell tests at a Bonferroni share each did not (issue 11)."""
    checks = checks_of(course, "ipw")
    hw = checks.hw
    n = hw.sizes(course.assignment("ipw").false_fail_budget)["resample_samples"]
    rng = np.random.default_rng(5)
    lost = 0
    for seed in range(20):
        ctx = hw.context(seed, course.assignment("ipw").false_fail_budget)
        wrong = {label: checks.cell_rows(checks.resample_without_replacement(rng, t, n))
                 for label, t in checks.resample_probes(ctx).items()}
        res = grade_values(hw.questions["test_resample"], wrong, ctx, 1)
        lost += res.points == 0
        if res.points == 0:
            found = diagnose(hw, "test_resample", {"test_resample": wrong}, res, ctx)
            assert found and "without replacement" in found.label
    assert lost == 20


def test_sets_that_are_valid_but_not_minimal_are_told_so():
    truth = [{"Z"}]
    valid = [{"Z"}, {"Z", "W"}]
    res = compare_sets([{"Z"}, {"Z", "W"}], truth, "minimal", valid=valid)
    assert not res.passed and "valid but not minimal" in res.message and "not valid" not in \
        res.message.replace("valid but not minimal", "")
    res = compare_sets([{"Z"}, {"A"}], truth, "minimal", valid=valid)
    assert "1 of the sets you listed is not valid" in res.message


def test_a_failed_comparison_after_a_passed_gate_does_not_read_as_convergence():
    gate = passed("`posterior` shows no sign of convergence problems.")
    out = after_gate(gate, [failed("`posterior['b']` is off."), passed("`x` is correct.")])
    assert not out[0].passed and out[0].message.startswith("`posterior['b']` is off.")
    out = after_gate(gate, [passed("`posterior['b']` is correct.")])
    assert out[0].message.startswith(gate.message)


@pytest.mark.slow
def test_a_real_submission_that_resamples_without_replacement_is_told_why(course):
    _, results = grade(course, "ipw", 11, "mistakes/without_replacement.py")
    assert "test_resample" in no_marks(results)
    res = results["test_resample"]
    assert res.misconception and "without replacement" in res.misconception
    assert any("resample without replacement" in m for m in res.messages)
    assert "misconception" in res.to_dict()
    assert all(r.misconception is None for g, r in results.items() if g != "test_resample")


# ------------------------------------------------------------------ typed evidence
def test_the_diagnosis_knows_every_kind_of_evidence_the_checks_return():
    assert all(knows(kind) for kind in KINDS.values())


@dataclass(frozen=True)
class Unheard(Evidence):
    """Evidence of a kind the diagnosis has never been taught to read."""
    number: float = 0.0


def test_evidence_of_an_unknown_type_is_a_grader_error_and_the_diagnosis_refuses_it():
    """Its numbers would be silently ignored: grading reports the check as broken (the TA
    is told, the batch goes on, and the homework's generic tests fail), and the diagnosis
    refuses a result that carries it."""
    hw = Homework()

    @hw.question("test_x", answers=["x"], n_checks=1)
    def check(values, ctx):
        return failed("`x` is off.", evidence=Unheard(False, values["x"]))

    @hw.wrong_answer("off by one", says="when you add one")
    def off(values, ctx):
        return {**values, "test_x": {"x": values["test_x"]["x"] + 1}}

    ctx = hw.context(1, 1e-3)
    answers = {"test_x": {"x": 2.0}}
    res = grade_values(hw.questions["test_x"], answers["test_x"], ctx, 1)
    assert res.status == "grader_error" and "Unheard" in res.detail[-1]["traceback"]
    assert not knows(Unheard)
    forged = QuestionResult("test_x", 0.0, 1, "graded", ["✘ `x` is off."], [{}], None,
                            [False], [Unheard(False, 2.0)])
    with pytest.raises(TypeError, match="Unheard"):
        diagnose(hw, "test_x", answers, forged, ctx)


def test_the_diagnosis_reads_the_checks_verdicts_not_their_messages():
    """The checks' own verdicts (kept with the result) and their evidence decide which
    mistake explains an answer, whatever the words of their messages."""
    hw = Homework()

    @hw.question("test_x", answers=["x"], n_checks=1)
    def check(values, ctx):
        res = close_to(values["x"], 0.5, 0.01, ctx.alpha, name="x")
        return [passed("✘ looks odd but is fine"),
                res if not res.passed else failed("✔ strange words", evidence=res.evidence)]

    @hw.wrong_answer("doubled", says="when the value is doubled")
    def doubled(values, ctx):
        return {**values, "test_x": {"x": 1.0 + float(ctx.noise().normal(0, 0.01))}}

    ctx = hw.context(3, 1e-3)
    answers = {"test_x": {"x": 1.0}}
    res = grade_values(hw.questions["test_x"], answers["test_x"], ctx, 1)
    assert res.verdicts == [True, False] and isinstance(res.evidence[1], Estimate)
    found = diagnose(hw, "test_x", answers, res, ctx)
    assert found is not None and found.label == "doubled"


def test_results_keep_their_verdicts_and_evidence_through_json():
    import json
    res = grade_values(_one_check_question(), {"x": 0.7}, Homework().context(1, 1e-3), 2)
    back = QuestionResult.from_dict(json.loads(json.dumps(res.to_dict())))
    assert back == res and back.evidence[0] == res.evidence[0]
    old = {k: v for k, v in res.to_dict().items() if k not in ("verdicts", "evidence")}
    assert QuestionResult.from_dict(old).evidence == []      # a report from before still reads


def test_all_of_and_after_gate_keep_the_evidence_they_pass_on():
    right = close_to(0.5, 0.5, 0.01, 1e-3, name="a")
    wrong = close_to(0.9, 0.5, 0.01, 1e-3, name="b")
    kept = all_of([right, wrong], "f")
    assert not kept[0].passed and kept[0].evidence == right.evidence and kept[0].evidence.passed
    gated = after_gate(passed("converged"), [wrong])
    assert gated[0].evidence == wrong.evidence


def _one_check_question():
    hw = Homework()

    @hw.question("test_x", answers=["x"], n_checks=1)
    def check(values, ctx):
        return close_to(values["x"], 0.5, 0.01, ctx.alpha, name="x")
    return hw.questions["test_x"]


# ------------------------------------------------------------------ posterior means

def posterior_homework():
    """A question whose checks compare posterior means with a reference posterior's
    (hglm's kind), and three registered mistakes: one that sets a mean itself, one that
    shifts the student's own draws, one that leaves the question's draws as they are."""
    hw = Homework()

    @hw.question("test_post", answers=["post"], n_checks=2)
    def check(values, ctx):
        post = values["post"]
        return [matches_reference(post[k], 0.0, 0.01, ctx.alpha, f"post[{k!r}]")
                for k in ("mu", "tau")]

    def draws(rng, centre):
        return centre + 0.3 * rng.standard_normal((4, 500))

    @hw.wrong_answer("mu at the pooled value", says="when mu is pooled")
    def pooled(values, ctx):
        post = values["test_post"]["post"]
        return {**values, "test_post": {"post": {**post, "mu": draws(ctx.noise(), 1.0)}}}

    @hw.wrong_answer("mu shifted by one", says="when mu is shifted")
    def shifted(values, ctx):
        post = values["test_post"]["post"]
        return {**values, "test_post": {"post": {**post, "mu": np.asarray(post["mu"]) + 1.0}}}
    return hw, draws


def test_a_posterior_mean_the_mistake_sets_itself_names_it():
    hw, draws = posterior_homework()
    rng = np.random.default_rng(5)
    ctx = hw.context(3, 1e-3)
    # the student pooled mu (own noise), tau right
    answers = {"test_post": {"post": {"mu": draws(rng, 1.0), "tau": draws(rng, 0.0)}}}
    res = grade_values(hw.questions["test_post"], answers["test_post"], ctx, 2.0)
    assert res.points < 2.0
    found = diagnose(hw, "test_post", answers, res, ctx)
    # the shifted mistake follows the student's draws (it would be compared with the
    # student themselves), so only the pooled one can be named
    assert found is not None and found.label == "mu at the pooled value"
    # an answer off somewhere no mistake puts it is named by neither
    answers = {"test_post": {"post": {"mu": draws(rng, -1.0), "tau": draws(rng, 0.0)}}}
    res = grade_values(hw.questions["test_post"], answers["test_post"], ctx, 2.0)
    assert res.points < 2.0 and diagnose(hw, "test_post", answers, res, ctx) is None


# ------------------------------------------------------------------ counts, several tables

def sampler_homework():
    """A question of six frequency tables (mdn's Gumbel kind: one per row of logits) and
    two registered samplers that move every row's shares far from the truth, where the
    counts' variance is the mistake's shares, not the truth's."""
    rows = np.array([[-1.6, 0.0, 1.0], [1.2, -0.8, 0.1], [0.3, 1.4, -1.5],
                     [0.0, -1.2, 1.6], [1.5, 0.2, -1.0], [-0.5, 1.1, 0.4]])
    p = softmax(rows, axis=1)
    hw = Homework()

    @hw.question("test_draws", answers=["draws"], n_checks=len(rows))
    def check(values, ctx):
        return [frequencies(values["draws"][r], dict(enumerate(p[r].tolist())), ctx.alpha,
                            name=f"row {r}") for r in range(len(rows))]

    def draws(shares, rng):
        return [rng.choice(3, size=1100, p=row) for row in shares]

    @hw.wrong_answer("noise on probabilities", says="when noise goes on probabilities")
    def flat(values, ctx):
        return {**values, "test_draws": {"draws": draws(softmax(p, axis=1), ctx.noise())}}

    @hw.wrong_answer("argmax", says="without noise")
    def argmax(values, ctx):
        return {**values, "test_draws": {"draws": draws(np.eye(3)[p.argmax(1)], ctx.noise())}}
    return hw, p, draws


def test_a_sampler_mistake_over_several_tables_is_named_whatever_the_seed():
    """Per-table consistency tests each spent the 1 % that lets a mistake through, and
    weighed the residual against the truth's shares: 79 of these 100 were named. One
    test over the tables, against the fitted mistake's shares, names nearly all."""
    hw, p, draws = sampler_homework()
    named = misnamed = 0
    for seed in range(100):
        rng, ctx = np.random.default_rng(seed), hw.context(seed, 1e-3)
        answers = {"test_draws": {"draws": draws(softmax(p, axis=1), rng)}}
        res = grade_values(hw.questions["test_draws"], answers["test_draws"], ctx, 6.0)
        assert res.points < 6.0
        found = diagnose(hw, "test_draws", answers, res, ctx)
        named += found is not None and found.label == "noise on probabilities"
        # shares swapped between two components: a mistake nobody registered
        answers = {"test_draws": {"draws": draws(p[:, [1, 0, 2]], rng)}}
        res = grade_values(hw.questions["test_draws"], answers["test_draws"], ctx, 6.0)
        assert res.points < 6.0
        misnamed += diagnose(hw, "test_draws", answers, res, ctx) is not None
    assert named >= 95 and misnamed == 0


# ------------------------------------------------------------------ draws the check derives

def trajectory_homework():
    """A question whose answer is a trajectory of event times; its check derives the
    waiting times and tests them against Exp(rate) (gillespie's kind). The answer holds
    no array of waiting times, so the diagnosis must read the draws the test read."""
    rate = 2.0
    hw = Homework()

    @hw.question("test_times", answers=["events"], n_checks=1)
    def check(values, ctx):
        times = np.asarray([t for t, _ in values["events"]], dtype=float)
        return gof(np.diff(times), stats.expon(scale=1 / rate), ctx.alpha, name="waiting times")

    def events(scale, rng, n=2000):
        return [(float(t), "fired") for t in np.cumsum(rng.exponential(scale, size=n))]

    @hw.wrong_answer("rate passed as the scale", says="when the rate is passed as the scale")
    def as_scale(values, ctx):
        return {**values, "test_times": {"events": events(rate, ctx.noise())}}

    @hw.wrong_answer("half the rate", says="when the rate is halved")
    def halved(values, ctx):
        return {**values, "test_times": {"events": events(2 / rate, ctx.noise())}}
    return hw, rate, events


def test_a_mistake_in_draws_the_check_derives_from_the_answer_is_named():
    hw, rate, events = trajectory_homework()
    q = hw.questions["test_times"]
    for seed in range(20):
        rng, ctx = np.random.default_rng(seed), hw.context(seed, 1e-3)
        answers = {"test_times": {"events": events(rate, rng)}}      # the rate as numpy's scale
        res = grade_values(q, answers["test_times"], ctx, 1.0)
        found = diagnose(hw, "test_times", answers, res, ctx)
        assert res.points == 0 and found is not None, seed
        assert found.label == "rate passed as the scale", seed
        # uniform waiting times: failed, and no registered mistake explains them
        answers = {"test_times": {"events": [(float(t), "fired") for t in
                                             np.cumsum(rng.uniform(0, 1, size=2000))]}}
        res = grade_values(q, answers["test_times"], ctx, 1.0)
        assert res.points == 0 and diagnose(hw, "test_times", answers, res, ctx) is None, seed
