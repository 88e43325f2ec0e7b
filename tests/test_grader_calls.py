"""The grader's calls of a student's functions in the later stages of a staged
question, in a real sandboxed kernel: they run with torch's and Pyro's argument
checks off (the same draws, so the same numbers, in less time); a call that raises
or returns a non-finite number is run again with the student's own checks, so the
feedback quotes the student's own error; the student's settings are as they were
afterwards; the first stage and unstaged questions run as the student's code does."""
from __future__ import annotations

import json

import nbformat
import pytest

from autograder.course.config import Limits
from autograder.engine import kernel_side
from autograder.engine.execution import execute_sandboxed

STUDENT = """
import pyro, torch, pyro.distributions as dist
from pyro.infer import Importance, EmpiricalMarginal

def model(p):
    z = pyro.sample("z", dist.Bernoulli(torch.tensor(0.3)))
    return pyro.sample("y", dist.Bernoulli(torch.tensor(p) * (0.5 + 0.5 * z)))

def rate(p, n, seed):
    pyro.set_rng_seed(seed)
    return EmpiricalMarginal(Importance(model, num_samples=n).run(p), "y").mean.item()

def draw(p):        # invalid probs: the checks' ValueError; without them torch's own
    return dist.Bernoulli(probs=torch.tensor(p)).sample().item()

def density(sd):    # invalid scale: the checks' ValueError; without them a NaN
    return dist.Normal(0.0, torch.tensor(sd)).log_prob(torch.tensor(0.5)).item()

def checks_seen():
    return [pyro.infer.util.is_validation_enabled(),
            torch.distributions.Distribution._validate_args]

own = rate(0.8, 300, 7)   # the student's own run, checks on
"""

CALLS = {"rate": ("rate", {"p": 0.8, "n": 300, "seed": 7}),
         "seen": ("checks_seen", {}),
         "draw": ("draw", {"p": 1.5}),
         "density": ("density", {"sd": -1.0})}


@pytest.fixture(scope="module", params=[True, False], ids=["later stage", "first stage"])
def graded(request):
    quiet = request.param
    test = nbformat.v4.new_code_cell("pass")
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "test_rate", "points": 1,
                                 "solution": False, "locked": True, "schema_version": 3}
    after = nbformat.v4.new_code_cell("print('after', checks_seen())")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STUDENT), test, after])
    code = kernel_side.extract(["own"], CALLS, quiet=quiet)
    outcome = execute_sandboxed(nb, seed=3, extraction={"test_rate": code}, data={},
                                cell_timeout=120, notebook_timeout=300, limits=Limits())
    assert outcome.stopped is None, outcome.stopped
    return quiet, json.loads(outcome.payloads["test_rate"]), nb


def test_the_grader_gets_the_students_own_number(graded):
    _, answers, _ = graded
    assert answers["rate"]["value"] == answers["own"]["value"]   # bit for bit


def test_checks_are_off_only_in_later_stages_and_restored_after(graded):
    quiet, answers, nb = graded
    assert answers["seen"]["value"] == ([False, False] if quiet else [True, True])
    after = "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert "after [True, True]" in after


def test_a_failing_call_reports_the_students_own_error(graded):
    _, answers, _ = graded
    for key in ("draw", "density"):   # an error without the checks, and a NaN
        error = answers[key].get("__error__", "")
        assert error.startswith("ValueError") and "Expected parameter" in error, answers[key]
