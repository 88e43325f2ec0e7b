"""Hidden checks for the causal-VAE project, milestone 1: the causal story of the sprites.

Never released to students. The facts (autograder/studies/causal_vae.py): the DAG of the
brief (shape -> orientation, shape -> scale, orientation -> x, scale -> y, and all five
-> image), the independences d-separation reads off it, and the law over the factor grid
of any SCM given by its tables. Each team states its own SCM (`cpts`), so every
comparison is against the team's own tables:

- test_dag, test_independences: exact sets (no budget);
- test_scm: each arrow must be strong enough to show in `resample_draws` draws (the
  dependence test below detects it with probability 1 - alpha; deterministic, on the
  tables), and `sample_scm`'s draws must follow the tables (one `frequencies` test per
  family P(parent, child));
- test_resample: the resampled rows' factors must follow the tables (same five tests);
- test_markov: on another resampled set, the four implied independences tested (a
  permutation test within strata, `checks.independent`) and the four arrows present
  (`checks.dependent` at DEPENDENCE_LEVEL: independent data pass it with probability
  0.001; a team whose arrows passed test_scm fails it with probability at most alpha).
  When no arrow shows, the independences earn nothing either: in data where nothing
  depends on anything they hold whatever the DAG.

Sizes (`design`): the smallest multiple of 1,000, at least ARROW_DRAWS, at which each known
wrong answer, simulated on the instructor's SCM, fails at least one of the checks that see it
with power 0.999 (powers from the noncentral chi-square, `checks.frequencies_power` and
`checks.independence_power`).
"""
from __future__ import annotations

import functools
import math

import numpy as np

from autograder.checks import (AnswerError, Threshold, as_array, as_dict, contingency_phi2,
                               dependent, failed, frequencies_power, frequencies_screened,
                               independence_power, independent, passed, twice)
from autograder.homework import Homework
from autograder.studies import causal_vae as cv
from autograder.studies import sprites

hw = Homework()

POWER = 0.999
DEPENDENCE_LEVEL = 1 - POWER     # the chance that independent data show an arrow
# Each arrow must show in a data set the size of the course's training set: an arrow that
# so many draws cannot show is not one the VAE of milestone 2 could learn from.
ARROW_DRAWS = cv.TRAIN_SIZE
N_ROWS = int(np.prod(sprites.LEVELS))


# ------------------------------------------------------------ known wrong laws
def inverse_joint(table: np.ndarray) -> np.ndarray:
    """Rows drawn with weights 1 / P_SCM(row): the importance weight upside down."""
    w = np.where(table > 0, 1.0 / np.where(table > 0, table, 1.0), 0.0)
    return w / w.sum()


def ignoring_parent(cpts: dict, child: str) -> dict:
    """The tables with `child` drawn from its marginal: its arrow dropped."""
    table = cv.joint(cpts)
    out = dict(cpts)
    out[child] = np.broadcast_to(cv.marginal(table, (child,)), np.shape(cpts[child])).copy()
    return out


def resample_mistakes(table: np.ndarray) -> dict[str, np.ndarray]:
    return {"uniform rows": np.full(sprites.LEVELS, 1.0 / N_ROWS),
            "independent factors": cv.independent_joint(table),
            "every arrow reversed": cv.reversed_joint(table),
            "inverted weights": inverse_joint(table)}


def scm_mistakes(cpts: dict) -> dict[str, np.ndarray]:
    return {f"{child} drawn without its parent": cv.joint(ignoring_parent(cpts, child))
            for child in ("orientation", "x")}


# ------------------------------------------------------------------- design
def gof_detects(truth: np.ndarray, wrong: np.ndarray, n: int, alpha: float) -> bool:
    """One of the five family tests rejects the wrong law in n draws with power 0.999."""
    return any(frequencies_power(dict(enumerate(cv.family(truth, f).ravel().tolist())),
                                 dict(enumerate(cv.family(wrong, f).ravel().tolist())),
                                 n, alpha) >= POWER
               for f in sprites.FACTORS)


def markov_detects(wrong: np.ndarray, n: int, alpha: float) -> bool:
    """A test of test_markov rejects the wrong law in n draws with power 0.999: an arrow
    that is absent (its dependence test passes with probability DEPENDENCE_LEVEL at any
    size), or an implied independence that fails at alpha."""
    if any(contingency_phi2(cv.family(wrong, c))[0] <= 1e-12 for _, c in cv.ARROWS):
        return True
    return any(independence_power(cv.conditional_table(wrong, a, b, g), n, alpha) >= POWER
               for a, b, g in cv.IMPLIED_INDEPENDENCES)


def smallest_size(detects, start: int, step: int = 1000) -> int:
    """The smallest multiple of `step`, at least `start`, at which detects(n) holds."""
    n = start
    while not detects(n):
        if n > 10 ** 8:
            raise ValueError("a known wrong answer cannot be told from the truth")
        n *= 2
    lo = start - step
    while n - lo > step:
        mid = (lo + n) // 2 // step * step
        lo, n = (mid, n) if not detects(mid) else (lo, mid)
    return n


@functools.lru_cache(maxsize=8)
def _sizes(alpha: float) -> tuple[int, int]:
    table, cpts = cv.instructor_joint(), sprites.instructor_cpts()

    def resample_ok(n):
        return all(markov_detects(w, n, alpha) or gof_detects(table, w, n, alpha)
                   for w in resample_mistakes(table).values())

    def scm_ok(n):
        return all(gof_detects(table, w, n, alpha) for w in scm_mistakes(cpts).values())

    return smallest_size(resample_ok, ARROW_DRAWS), smallest_size(scm_ok, ARROW_DRAWS)


@hw.design
def design(budget: float) -> dict[str, int]:
    """resample_draws: rows the grader asks `resample` for; scm_draws: draws it asks
    `sample_scm` for (module doc)."""
    resample, scm = _sizes(budget / hw.total_checks)
    return {"resample_draws": resample, "scm_draws": scm}


# ------------------------------------------------------------------- guards
def parse_cpts(value) -> dict[str, np.ndarray]:
    """The team's tables, each row a probability distribution over the factor's levels."""
    value = as_dict(value, "cpts", sprites.FACTORS)
    out = {}
    for f, shape in cv.cpt_shapes().items():
        parent = sprites.PARENT[f]
        where = f"cpts[{f!r}]"
        table = as_array(value[f], where, shape=shape)
        if np.any(table < 0):
            raise AnswerError(f"`{where}` holds probabilities, so no entry may be negative.")
        sums = table.sum(axis=-1)
        if np.any(np.abs(sums - 1) > 1e-6):
            rows = "" if parent is None else f" (one row per level of {parent})"
            raise AnswerError(f"Each row of `{where}` is a distribution over the levels of "
                              f"{f}{rows}, so it must sum to 1; normalise it.")
        out[f] = table / sums[..., None]
    return out


def labels_answer(value, name: str, n: int) -> np.ndarray:
    arr = as_array(value, name, shape=(n, len(sprites.FACTORS)))
    if np.any(arr != np.round(arr)):
        raise AnswerError(f"`{name}` should hold level indices (whole numbers), one column per "
                          "factor.")
    arr = arr.astype(np.int64)
    for j, (f, levels) in enumerate(zip(sprites.FACTORS, sprites.LEVELS)):
        if arr[:, j].min() < 0 or arr[:, j].max() >= levels:
            raise AnswerError(f"`{name}`: column {j} ({f}) should hold levels 0 to {levels - 1}.")
    return arr


def rows_answer(value, name: str, n: int) -> np.ndarray:
    arr = as_array(value, name, shape=(n,))
    if np.any(arr != np.round(arr)) or arr.min() < 0 or arr.max() >= N_ROWS:
        raise AnswerError(f"`{name}` should return row numbers of GRID: whole numbers from 0 to "
                          f"{N_ROWS - 1}, one per draw.")
    return arr.astype(np.int64)


def fresh_rows(first: np.ndarray, second: np.ndarray, table: np.ndarray, name: str):
    """Fail when a second call with another seed repeats the first call's draws, position
    by position. Discrete draws share values by chance (`checks.fresh_draws` compares
    values, for continuous draws): two independent draws from `table` coincide with
    probability c = sum_r P(r)^2 (a few in ten thousand for an SCM spread over the grid),
    so the share of coinciding positions sits within a few sqrt(c / n) of c; stored draws
    coincide everywhere. The cut is halfway between, and never below a half."""
    share = float(np.mean(first == second))
    chance = float(np.sum(np.asarray(table, dtype=float) ** 2))
    detail = dict(repeated_share=share, chance=chance)
    if share < max(0.5, (1 + chance) / 2):
        return passed(f"`{name}` draws new values for a new seed.", **detail)
    return failed(f"`{name}` returned the same draws when the grader called it again with "
                  "another seed. Draw fresh random numbers from the `seed` argument on every "
                  "call (pyro.set_rng_seed(seed), np.random.default_rng(seed)); stored or re-used "
                  "draws earn no credit.", **detail)


def pairs_answer(value, name: str, width: int) -> list[tuple]:
    if isinstance(value, (str, dict)) or not isinstance(value, (list, tuple, frozenset, set)):
        raise AnswerError(f"`{name}` should be a set of tuples.")
    out = []
    for item in value:
        if not isinstance(item, (list, tuple)) or len(item) != width \
                or not all(isinstance(v, str) for v in item):
            raise AnswerError(f"Each element of `{name}` should be a tuple of {width} names, "
                              f"such as {('shape', 'scale', 'x')[:width]!r}.")
        out.append(tuple(v.strip().lower() for v in item))
    return out


# ------------------------------------------------------------------ test_dag
@hw.question("test_dag", answers=["dag_edges"], n_checks=0)
def check_dag(values, ctx):
    edges = set(pairs_answer(values["dag_edges"], "dag_edges", 2))
    unknown = sorted({v for e in edges for v in e} - set(cv.NODES))
    if unknown:
        raise AnswerError(f"`dag_edges` names {unknown[0]!r}, which is not one of the nodes "
                          f"{', '.join(cv.NODES)}.")
    right, wrong = edges & cv.EDGES, edges - cv.EDGES
    score = max(0.0, (len(right) - len(wrong)) / len(cv.EDGES))
    detail = dict(right=len(right), wrong=sorted(wrong), missing=sorted(cv.EDGES - edges))
    if score == 1:
        return passed("`dag_edges` is the graph of the brief.", **detail)
    notes = []
    if any((b, a) in cv.EDGES for a, b in wrong):
        notes.append("some arrows point the wrong way: an arrow goes from a cause to its effect")
    missing = cv.EDGES - edges
    if any(b == "image" for _, b in missing):
        notes.append("the image is drawn from all five factors, so each of them is a parent of "
                     "the image")
    if any(b != "image" for _, b in missing - {(b, a) for a, b in wrong}):
        notes.append("an arrow between two factors of the brief is missing")
    if any((b, a) not in cv.EDGES for a, b in wrong):
        notes.append("some arrows are not in the brief's story")
    return failed("`dag_edges` is not the graph of the brief: " + "; ".join(notes) + ".",
                  score=score, **detail)


# --------------------------------------------------------- test_independences
@hw.question("test_independences", answers=["independences"], n_checks=0)
def check_independences(values, ctx):
    stated = set()
    for a, b, c in pairs_answer(values["independences"], "independences", 3):
        if not {a, b, c} <= set(sprites.FACTORS) or len({a, b, c}) < 3:
            raise AnswerError("Each element of `independences` is (a, b, given): three different "
                              f"factors among {', '.join(sprites.FACTORS)}.")
        stated.add((frozenset((a, b)), c))
    truth = cv.implied_independences()
    right, wrong = stated & truth, stated - truth
    score = max(0.0, (len(right) - len(wrong)) / len(truth))
    detail = dict(right=len(right), wrong=len(wrong), missing=len(truth - stated))
    if score == 1:
        return passed("`independences` lists exactly what the DAG implies.", **detail)
    parts = []
    if wrong:
        parts.append(f"{len(wrong)} of your statements do not follow from the DAG (look for an "
                     "open path: a chain or fork through a variable you did not condition on)")
    if truth - stated:
        parts.append(f"{len(truth - stated)} statement(s) that d-separation gives are missing")
    return failed("`independences` is not the set the DAG implies: " + "; ".join(parts) + ".",
                  score=score, **detail)


# ------------------------------------------------------------------ test_scm
def family_tests(labels: np.ndarray, table: np.ndarray, alpha: float, name: str, hint: str):
    results = []
    for f in sprites.FACTORS:
        parent = sprites.PARENT[f]
        probs = dict(enumerate(cv.family(table, f).ravel().tolist()))
        what = f"the {f}s" if parent is None else f"the ({parent}, {f}) pairs"
        results.append(frequencies_screened(cv.family_codes(labels, f), probs, alpha,
                                            name=f"{what} in {name}", hint=hint))
    return results


def arrow_strength(cpts: dict, n: int, alpha: float) -> list:
    table = cv.joint(cpts)
    results = []
    for parent, child in cv.ARROWS:
        power = independence_power(cv.family(table, child), n, DEPENDENCE_LEVEL)
        detail = dict(power=power, draws=n, arrow=(parent, child))
        evidence = Threshold(power >= 1 - alpha, power, 1 - alpha)
        if evidence.passed:
            results.append(passed(f"The arrow {parent} -> {child} is strong enough to show in "
                                  "data.", evidence=evidence, **detail))
        else:
            results.append(failed(f"The arrow {parent} -> {child} is too weak: in {n} draws, "
                                  f"data from your SCM could not be told apart from data where "
                                  f"{child} ignores {parent}. Make cpts[{child!r}] differ more "
                                  f"between the levels of {parent} (`arrow_power` in the setup "
                                  "cell shows how visible each arrow is).", evidence=evidence,
                                  **detail))
    return results


def _twice(func: str, size: str):
    return twice(func, lambda ctx: {"n": ctx.sizes[size]}, (func, f"{func}:again"))


@hw.question("test_scm", answers=["cpts"], calls=_twice("sample_scm", "scm_draws"),
             n_checks=len(sprites.FACTORS))
def check_scm(values, ctx):
    cpts = parse_cpts(values["cpts"])
    n = ctx.sizes["scm_draws"]
    name = f"sample_scm({n}, seed)"
    draws = labels_answer(values["draws"], name, n)
    again = labels_answer(values["again"], f"{name} (called again with another seed)", n)
    stale = fresh_rows(sprites.row_of(draws), sprites.row_of(again), cv.joint(cpts), name)
    if not stale.passed:
        return stale
    return arrow_strength(cpts, ctx.sizes["resample_draws"], ctx.alpha) + family_tests(
        draws, cv.joint(cpts), ctx.alpha, name,
        "Draw each factor from its own row of `cpts`: the row of its parent's level in "
        "that draw.")


# ------------------------------------------------------------- test_resample
# The laws a wrong resampling draws from, named in the feedback when the rows fit one of them
# far better (a likelihood ratio of at least 100) than the team's SCM.
LIKELY_MISTAKES = {
    "uniform rows": "The rows look drawn uniformly from GRID: the importance weights were not "
                    "applied, so the factors stay independent.",
    "independent factors": "The rows look like each factor was drawn on its own: the "
                           "marginals are right but the arrows are gone.",
    "inverted weights": "The rows look drawn with weights 1 / P_SCM: the importance weight is "
                        "upside down.",
}


def likely_mistake(rows: np.ndarray, table: np.ndarray) -> str:
    """The sentence naming the wrong law the rows fit best, if it beats the SCM's by a
    likelihood ratio of at least 100; else ""."""
    with np.errstate(divide="ignore"):
        def loglik(law):
            return float(np.sum(np.log(np.asarray(law, dtype=float).ravel()[rows])))
        laws = resample_mistakes(table)
        best = max(LIKELY_MISTAKES, key=lambda k: loglik(laws[k]))
        return LIKELY_MISTAKES[best] if loglik(laws[best]) - loglik(table) >= math.log(100) \
            else ""


@hw.question("test_resample", answers=["cpts"], calls=_twice("resample", "resample_draws"),
             n_checks=len(sprites.FACTORS))
def check_resample(values, ctx):
    cpts = parse_cpts(values["cpts"])
    n = ctx.sizes["resample_draws"]
    name = f"resample({n}, seed)"
    rows = rows_answer(values["draws"], name, n)
    again = rows_answer(values["again"], f"{name} (called again with another seed)", n)
    table = cv.joint(cpts)
    stale = fresh_rows(rows, again, table, name)
    if not stale.passed:
        return stale
    results = family_tests(cv.labels_of(rows), table, ctx.alpha, f"GRID[{name}]",
                           "Resample the rows of GRID with replacement, with probabilities "
                           "proportional to P_SCM(row) / P_data(row); every combination "
                           "appears once in GRID, so P_data is the same for every row.")
    named = likely_mistake(rows, table) if not all(r.passed for r in results) else ""
    return [r if r.passed or not named else
            failed(f"{r.message} {named}", evidence=r.evidence, **r.detail) for r in results]


# --------------------------------------------------------------- test_markov
def _markov_call(ctx):
    return {"draws": ("resample", {"n": ctx.sizes["resample_draws"],
                                   "seed": ctx.seed_for("resample:markov")})}


@hw.question("test_markov", calls=_markov_call,
             n_checks=len(cv.IMPLIED_INDEPENDENCES) + len(cv.ARROWS))
def check_markov(values, ctx):
    n = ctx.sizes["resample_draws"]
    labels = cv.labels_of(rows_answer(values["draws"], f"resample({n}, seed)", n))
    col = {f: labels[:, j] for j, f in enumerate(sprites.FACTORS)}
    results = [independent(col[a], col[b], ctx.alpha, given=col[g], names=(a, b, g),
                           hint="Each factor's weight must depend on its own parent only; a "
                                "dependence the graph rules out comes from a table conditioned "
                                "on the wrong parent, or from arrows pointing the other way "
                                "(a collider).")
               for a, b, g in cv.IMPLIED_INDEPENDENCES]
    arrows = [dependent(col[p], col[c], DEPENDENCE_LEVEL, names=(p, c, None),
                        hint="Every table of your SCM must enter the resampling weight, and "
                             "the rows must be drawn with those weights.")
              for p, c in cv.ARROWS]
    if not any(r.passed for r in arrows):
        # data in which nothing depends on anything pass every independence test: those
        # passes say nothing about the DAG, so they earn nothing either
        arrows = [failed(f"{r.message} None of the four arrows shows: the rows behave like "
                         "rows drawn without the SCM's weights, in which every factor is "
                         "independent of the others.", evidence=r.evidence, **r.detail)
                  for r in arrows]
        results = [r if not r.passed else
                   failed(f"{r.message[:-1]}, but only because no factor depends on any other "
                          "in the sample, so it earns nothing until the arrows show.",
                          evidence=r.evidence, **r.detail) for r in results]
    return results + arrows


# ------------------------------------------------------- known wrong answers
def _draw_rows(table: np.ndarray, n: int, rng) -> np.ndarray:
    return cv.sample_rows(table, n, rng)


def _resampled_with(values, ctx, make_table):
    """The three calls of `resample` answered from the law make_table(team's joint)."""
    rng = ctx.noise()
    table = make_table(cv.joint(parse_cpts(values["test_resample"]["cpts"])))
    n = ctx.sizes["resample_draws"]
    return {**values,
            "test_resample": {**values["test_resample"], "draws": _draw_rows(table, n, rng),
                              "again": _draw_rows(table, n, rng)},
            "test_markov": {"draws": _draw_rows(table, n, rng)}}


@hw.wrong_answer("rows drawn uniformly (no resampling): the factors stay independent",
                 says="when the rows of the data set are drawn without the SCM's weights, "
                      "which leaves every factor independent of the others")
def wrong_uniform(values, ctx):
    return _resampled_with(values, ctx, lambda t: np.full(sprites.LEVELS, 1.0 / N_ROWS))


@hw.wrong_answer("each factor resampled from its own marginal, independently",
                 says="when each factor is resampled on its own, which keeps the marginals "
                      "but drops every arrow")
def wrong_independent(values, ctx):
    return _resampled_with(values, ctx, cv.independent_joint)


@hw.wrong_answer("every arrow reversed (shape a collider of orientation and scale)",
                 says="when the arrows point the other way, so that shape is a common effect "
                      "of orientation and scale")
def wrong_reversed(values, ctx):
    out = _resampled_with(values, ctx, cv.reversed_joint)
    reversed_edges = {(b, a) for a, b in cv.EDGES}
    out["test_dag"] = {"dag_edges": reversed_edges}
    out["test_independences"] = {"independences": {(*sorted(pair), c) for pair, c in
                                                   cv.implied_independences(reversed_edges)}}
    return out


@hw.wrong_answer("rows drawn with the inverse weights 1 / P_SCM(row)",
                 says="when the importance weights are inverted (1 / P_SCM instead of P_SCM)")
def wrong_inverted(values, ctx):
    """Only test_resample: the inverted law still factorises along the DAG (a product of
    one function per family), so its independences hold and its arrows show, and
    test_markov passes it."""
    out = _resampled_with(values, ctx, inverse_joint)
    out["test_markov"] = values["test_markov"]
    return out


def _scm_without(child: str):
    def wrong(values, ctx):
        rng = ctx.noise()
        cpts = parse_cpts(values["test_scm"]["cpts"])
        table = cv.joint(ignoring_parent(cpts, child))
        n = ctx.sizes["scm_draws"]
        draw = lambda: cv.labels_of(_draw_rows(table, n, rng))   # noqa: E731
        return {**values, "test_scm": {**values["test_scm"], "draws": draw(), "again": draw()}}
    return wrong


for _child in ("orientation", "x"):
    hw.wrong_answer(f"sample_scm draws {_child} without its parent",
                    says=f"when `sample_scm` draws {_child} from one fixed row instead of the "
                         f"row of its parent's level")(_scm_without(_child))


@hw.wrong_answer("the image left out of the DAG",
                 says="when the image is left out of the graph: it is caused by all five "
                      "factors")
def wrong_no_image(values, ctx):
    return {**values, "test_dag": {"dag_edges": {e for e in cv.EDGES if e[1] != "image"}}}


# The manifest: what each file of solutions/causal_vae_m1/{mistakes,alternatives}/ scores
# (autograder/homework.py; tests/test_homeworks.py grades the entries with a seed).
hw.variant(("alternatives/ancestral.py", "alternatives/dseparation.py"), seed=5)
# rows drawn without weights: none of the arrows shows (and the independences hold only
# because nothing depends on anything)
hw.variant("mistakes/uniform.py", seed=7, loses=["test_resample", "test_markov"],
           told={"test_resample": "importance weights were not applied",
                 "test_markov": "None of the four arrows shows"})
# one run, four sections: reversed arrows (test_dag), inverted weights (test_resample), x
# drawn from a fixed row (test_scm), independences missing the chains' (test_independences)
hw.variant(("mistakes/reversed.py", "mistakes/inverted.py", "mistakes/parent_row.py",
            "mistakes/no_conditioning.py"), seed=13, loses=["test_resample"],
           partly=["test_dag", "test_scm", "test_independences"],
           told={"test_dag": "point the wrong way", "test_resample": "upside down",
                 "test_scm": "the row of its parent's level",
                 "test_independences": "d-separation gives are missing"})
