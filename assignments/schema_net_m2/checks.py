"""Hidden checks for the schema-network project, milestone 2: learning schemas from
logged transitions. Never released to students.

The grader calls the team's `learn_schemas(states, actions, next_states)` on a log drawn
per submission from a TWIN of the game (autograder/studies/schema_net.py: upside down,
or with the actions swapped), so schemas typed in from the rules of milestone 1 do not
explain it: only learning does. On that log the learned schemas must make no false
positive and explain every logged value (exact, as the brief's program requires); on
fresh transitions of the same layout and on larger grids with bricks elsewhere
(zero-shot) the share of transitions predicted exactly must reach a threshold. The
threshold is the lowest, over the kit's correct learners (best-first and first-fit
greedy), of the lower end of the prediction interval of their own runs on logs drawn
the same way (solutions/schema_net_m2/calibrate_learners.py writes them to
reference/learner_runs.json).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from autograder.checks import AnswerError, Threshold, as_dict, failed, passed, prediction_band
from autograder.homework import Homework
from autograder.studies import schema_net as sn

hw = Homework()
RUNS = Path(__file__).resolve().parent / "reference" / "learner_runs.json"


def threshold(key: str, alpha: float) -> float:
    runs = json.loads(RUNS.read_text())["runs"]
    bounds = []
    for style in sorted({r["style"] for r in runs}):
        centre, half = prediction_band([r[key] for r in runs if r["style"] == style], alpha)
        bounds.append(centre - half)
    return min(bounds)


# --------------------------------------------------------- the probe inputs
@hw.probe
def logs(ctx):
    return sn.learning_probe(np.random.default_rng(ctx.seed_for("schema_net:learning")))


def _learn_call(ctx):
    states, actions, nexts = logs(ctx).train
    return {"schemas": ("learn_schemas", {"states": [s.tolist() for s in states],
                                          "actions": list(actions),
                                          "next_states": [n.tolist() for n in nexts]})}


# ------------------------------------------------------------------ reading
def as_schemas(value) -> dict[str, list[sn.Schema]]:
    """The team's {attribute: [(action, [(dr, dc, attribute, value), ...]), ...]}."""
    name = "learn_schemas(...)"
    value = as_dict(value, name, sn.ATTRIBUTES)
    unknown = [k for k in value if k not in sn.ATTRIBUTES]
    if unknown:
        raise AnswerError(f"`{name}` has a key {unknown[0]!r}; the keys are the attribute "
                          f"names {', '.join(sn.ATTRIBUTES)}.")
    out = {}
    for attr, schemas in value.items():
        if not isinstance(schemas, (list, tuple)):
            raise AnswerError(f"`{name}[{attr!r}]` should be a list of schemas.")
        out[attr] = [_schema(s, f"{name}[{attr!r}]") for s in schemas]
    return out


def _schema(value, where: str) -> sn.Schema:
    form = "(action, [(dr, dc, attribute, value), ...]) with action None, 0, 1 or 2"
    if not isinstance(value, (list, tuple)) or len(value) != 2 \
            or not isinstance(value[1], (list, tuple)):
        raise AnswerError(f"each schema in `{where}` should be {form}.")
    action, literals = (None if value[0] is None else _integer(value[0])), value[1]
    if value[0] is not None and action not in range(len(sn.ACTIONS)):
        raise AnswerError(f"a schema in `{where}` has the action {value[0]!r}; use {form}.")
    out = []
    for lit in literals:
        lit = [_integer(v) for v in lit] if isinstance(lit, (list, tuple)) else lit
        ok = isinstance(lit, list) and len(lit) == 4 and None not in lit
        if not ok or tuple(lit[:2]) not in sn.OFFSETS or lit[2] not in range(len(sn.ATTRIBUTES)) \
                or lit[3] not in (0, 1):
            raise AnswerError(f"a literal {lit!r} in `{where}` is not (dr, dc, attribute, value) "
                              "with (dr, dc) the entity or one of its four neighbours, an "
                              "attribute index and a value 0 or 1.")
        out.append(tuple(int(v) for v in lit))
    return sn.Schema(tuple(out), None if action is None else int(action))


def _integer(v):
    """An int, a numpy integer (it arrives as a 0-d array) or None."""
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iub":
        v = v.item()
    return int(v) if isinstance(v, (int, np.integer)) else None


def _accuracy(schemas, log, key: str, ctx, what: str, hint: str):
    acc = sn.transition_accuracy(schemas, *log)
    limit = threshold(key, ctx.alpha)
    evidence = Threshold(acc >= limit, acc, limit)
    if evidence.passed:
        return passed(f"Your schemas predict {what} as well as a learner that generalises.",
                      evidence=evidence, accuracy=acc)
    return failed(f"Your schemas predict fewer of {what} exactly than a learner that "
                  f"generalises. {hint}", evidence=evidence, accuracy=acc)


# --------------------------------------------------------------- questions
@hw.question("test_learning", calls=_learn_call, n_checks=2)
def check_learning(values, ctx):
    schemas, probe = as_schemas(values["schemas"]), logs(ctx)
    x, y = sn.examples(*probe.train)
    predicted = sn.predict(schemas, x)
    false_pos = [a for k, a in enumerate(sn.ATTRIBUTES) if (predicted[:, k] & (y[:, k] == 0)).any()]
    missed = [a for k, a in enumerate(sn.ATTRIBUTES) if (~predicted[:, k] & (y[:, k] == 1)).any()]
    return [
        failed(f"Your schemas for {', '.join(false_pos)} hold on logged entities whose value at "
               "t+1 is 0 (false positives): every negative example must violate every schema. "
               "Check each literal you drop against the negatives, not only the positives.")
        if false_pos else passed("No false positive on the grader's log."),
        failed(f"Some logged values 1 of {', '.join(missed)} are explained by no schema: keep "
               "adding schemas until every positive example satisfies one, and check that "
               "the action is one of the things a schema can ask for.")
        if missed else passed("Every logged transition is explained."),
        _accuracy(schemas, probe.held_out, "held_out", ctx, "fresh transitions of the same layout",
                  "Schemas that copy whole neighbourhoods of the log generalise to nothing "
                  "new: drop every literal the negatives do not need."),
        _accuracy(schemas, probe.zero_shot, "zero_shot", ctx,
                  "transitions on larger grids with bricks in new places (zero-shot)",
                  "Schemas in relative positions carry over to any layout; check that "
                  "yours are general enough and learned from the log you are given."),
    ]


# ------------------------------------------------------ known wrong answers
_LEARNED: dict = {}


def _learned(ctx, mistake: str):
    """A mistaken learner's schemas on this submission's log: deterministic, so learned
    once per (submission, mistake) however often calibration and diagnosis ask."""
    key = (ctx.seed, float(ctx.budget), mistake)
    if key not in _LEARNED:
        if len(_LEARNED) > 64:
            _LEARNED.pop(next(iter(_LEARNED)))
        _LEARNED[key] = sn.learn(*logs(ctx).train, mistake=mistake)
    return _LEARNED[key]


def _simulated(mistake: str):
    def simulate(values, ctx):
        learned = _learned(ctx, mistake)
        answer = {"schemas": {a: [(s.action, [list(l) for l in s.literals]) for s in ss]
                              for a, ss in learned.items()}}
        return {**values, "test_learning": answer}
    return simulate


for _label, _says in {
        "memorise": "by keeping the whole neighbourhood of each positive example as its "
                    "schema (memorising the log instead of generalising)",
        "no_negatives": "by dropping literals without checking that the negative examples "
                        "still violate the schema",
        "no_action": "by learning schemas that cannot ask for the action"}.items():
    hw.wrong_answer(_label, says=_says)(_simulated(_label))


# ------------------------------------------------------------- variants
hw.variant(("mistakes/no_action.py", "mistakes/memorise.py"), seed=21, partly=["test_learning"],
           told={"test_learning": "false positives"})
hw.variant("mistakes/no_negatives.py", seed=22, partly=["test_learning"],
           told={"test_learning": "false positives"})
hw.variant("alternatives/first_fit.py", seed=5)
