"""Hidden checks for the adjustment-set homework (content brief, section 1).

Never released to students. Every set of sets is derived by d-separation on the
brief's graphs (autograder/studies/graphs.py), never typed in. The one Monte Carlo
question (ace_11) simulates the app study of DAG 1.1 from the tables in APP_CPTS, which the
notebook states; its truth is computed by enumeration and its required sample size
comes from the gap to the known wrong answer (adjusting for the collider W).

Partial credit for the set questions is compare_sets' documented rule, stated in
the notebook: score = max(0, found / n_right - n_wrong / n_right).
"""
from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
from scipy.special import expit

from autograder.checks import (FLOAT32_FLOOR, LOOKUP_TOLD, AnswerError, Malformed, ProbeTables,
                               close_to, compare_sets, compare_structure, failed, normalise_sets,
                               passed)
from autograder.homework import Homework
from autograder.studies.graphs import (backdoor_sets, drop_irrelevant, minimal,
                                       satisfies_backdoor, w_specific_formula)

hw = Homework()

# ---------------------------------------------------------------- the facts
# The graphs of the brief, edge by edge.
EDGES_11 = [("U", "Y"), ("X", "Y"), ("U", "W"), ("X", "W")]
EDGES_12 = [("E", "Z"), ("A", "Z"), ("E", "X"), ("Z", "X"), ("A", "Y"), ("Z", "Y"), ("X", "Y")]
EDGES_13 = [("B", "Z"), ("C", "Z"), ("B", "A"), ("C", "D"), ("A", "X"), ("Z", "X"),
            ("X", "W"), ("W", "Y"), ("D", "Y"), ("Z", "Y")]
DAG_11, DAG_12, DAG_13 = (nx.DiGraph(e) for e in (EDGES_11, EDGES_12, EDGES_13))
UNOBSERVED_11 = {"U"}                 # user preferences were never measured
COSTS_12 = {"E": 10, "A": 5}          # dollars per subject; X, Y and Z are recorded anyway

# The app study of DAG 1.1, stated in the notebook (cpts_11): the feature X was rolled
# out at random; U = likes shopping, W = high app usage (1) or low (0), Y = purchase.
APP_CPTS = {
    "p_u1": 0.4,                                   # P(U=1)
    "p_x1": 0.5,                                   # P(X=1)
    "p_w1_given_xu": [[0.1, 0.7], [0.6, 0.95]],    # [x][u] = P(W=1 | X=x, U=u)
    "p_y1_given_xu": [[0.1, 0.6], [0.2, 0.7]],     # [x][u] = P(Y=1 | X=x, U=u)
}


VALID_11 = backdoor_sets(DAG_11, {"X"}, "Y")
USABLE_11 = frozenset(s for s in VALID_11 if not s & UNOBSERVED_11)
# the formula sums over the one non-empty valid set
FORMULA_11 = w_specific_formula(DAG_11, "X", "Y", "W",
                                next(iter(s for s in VALID_11 if s)))
VALID_12 = backdoor_sets(DAG_12, {"X"}, "Y")
Z_ALONE_VALID_12 = satisfies_backdoor(DAG_12, {"X"}, "Y", {"Z"})


def cost_12(s) -> int:
    return sum(COSTS_12.get(v, 0) for v in s)


CHEAPEST_COST_12 = min(cost_12(s) for s in VALID_12)
# the question makes sense only if the cheapest valid set is unique (else this raises)
(CHEAPEST_12,) = (s for s in VALID_12 if cost_12(s) == CHEAPEST_COST_12)
VALID_13 = backdoor_sets(DAG_13, {"X"}, "Y")
MINIMAL_13 = minimal(VALID_13)
MINIMAL_D_13 = minimal(backdoor_sets(DAG_13, {"D"}, "Y"))
MINIMAL_DW_13 = minimal(backdoor_sets(DAG_13, {"D", "W"}, "Y"))


# ----------------------------------------------- the app study (DAG 1.1)
def joint_11(cpts: dict) -> np.ndarray:
    """P(X=x, U=u, W=w, Y=y) as an array indexed [x, u, w, y]."""
    p_u = np.array([1 - cpts["p_u1"], cpts["p_u1"]])
    p_x = np.array([1 - cpts["p_x1"], cpts["p_x1"]])
    p_w1, p_y1 = np.asarray(cpts["p_w1_given_xu"]), np.asarray(cpts["p_y1_given_xu"])
    j = np.zeros((2, 2, 2, 2))
    for x, u, w, y in itertools.product(range(2), repeat=4):
        j[x, u, w, y] = (p_x[x] * p_u[u] * (p_w1[x, u] if w else 1 - p_w1[x, u])
                         * (p_y1[x, u] if y else 1 - p_y1[x, u]))
    return j


def ace_11(cpts: dict) -> float:
    """P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)) = sum_u P(u) [P(y|1,u) - P(y|0,u)]."""
    p_u = np.array([1 - cpts["p_u1"], cpts["p_u1"]])
    p_y1 = np.asarray(cpts["p_y1_given_xu"])
    return float(p_u @ (p_y1[1] - p_y1[0]))


def _strata(j: np.ndarray, by_w: bool) -> tuple[np.ndarray, np.ndarray]:
    """P(x, s) and P(Y=1 | x, s) for s = W (by_w) or a single stratum; [x][s]."""
    p_xwy = j.sum(axis=1)                                   # [x, w, y]
    if not by_w:
        p_xwy = p_xwy.sum(axis=1, keepdims=True)
    p_xs = p_xwy.sum(axis=2)
    return p_xs, p_xwy[..., 1] / p_xs


def contrast(cpts: dict, by_w: bool) -> float:
    """What the stratified contrast sum_s P(s) [P(y|1,s) - P(y|0,s)] converges to."""
    p_xs, p_y = _strata(joint_11(cpts), by_w)
    return float(p_xs.sum(0) @ (p_y[1] - p_y[0]))


def contrast_sd(cpts: dict, by_w: bool) -> float:
    """sqrt(n) x SE of that contrast estimated from n simulated users (delta method:
    within-stratum binomial noise plus the noise of the stratum shares)."""
    p_xs, p_y = _strata(joint_11(cpts), by_w)
    p_s, d = p_xs.sum(0), p_y[1] - p_y[0]
    within = float((p_s ** 2 * (p_y * (1 - p_y) / p_xs).sum(0)).sum())
    between = float(p_s @ (d - p_s @ d) ** 2)
    return math.sqrt(within + between)


def ace_se(cpts: dict, n: int) -> float:
    """SE of the unadjusted difference in purchase rates from n simulated users: X is
    randomised on every table of the family, so it bounds the allowed methods (adjusting
    for U, pyro.do per arm, an exact computation)."""
    return contrast_sd(cpts, by_w=False) / math.sqrt(n)


def wrong_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    """Known wrong ACEs with sqrt(n) x their SE: adjusting for the collider W
    (content brief 1.1), and the contrast taken the wrong way round."""
    return {"adjusted for the collider W": (contrast(cpts, by_w=True),
                                            contrast_sd(cpts, by_w=True)),
            "reversed contrast": (-ace_11(cpts), contrast_sd(cpts, by_w=False))}


def stratum_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    """{label: (the contrast among the users of one usage level W=w only, sqrt(n) x its SD
    when n users are simulated and that level's are kept)}: an effect from a subset of the
    units, selected on the collider, which the grader's second table must reject."""
    p_xs, p_y = _strata(joint_11(cpts), by_w=True)
    return {f"contrast among {who}-usage users only": (
                float(p_y[1, w] - p_y[0, w]),
                math.sqrt(float((p_y[:, w] * (1 - p_y[:, w]) / p_xs[:, w]).sum())))
            for w, who in ((0, "low"), (1, "high"))}


# ace_11 is called on the study's table and on one drawn for each submission: the same
# DAG with X randomised, W a noisy OR of X and U, Y logistic with a strong U effect, and
# each variable's labels swapped at random; about 1 in 7 kept by the design's rule.
def swap_labels(cpts: dict, variable: str) -> dict:
    """The same study with the two values of one variable swapped (same joint law)."""
    p_w, p_y = np.asarray(cpts["p_w1_given_xu"]), np.asarray(cpts["p_y1_given_xu"])
    out = {"p_u1": cpts["p_u1"], "p_x1": cpts["p_x1"]}
    if variable == "X":
        out["p_x1"], p_w, p_y = 1 - cpts["p_x1"], p_w[::-1], p_y[::-1]
    elif variable == "U":
        out["p_u1"], p_w, p_y = 1 - cpts["p_u1"], p_w[:, ::-1], p_y[:, ::-1]
    elif variable == "W":
        p_w = 1 - p_w
    else:
        p_y = 1 - p_y
    return {**out, "p_w1_given_xu": p_w.tolist(), "p_y1_given_xu": p_y.tolist()}


def random_app_cpts(rng) -> dict:
    """One candidate table, as plain floats (the kernel gets it as a literal)."""
    w = [[rng.uniform(0.02, 0.2), rng.uniform(0.5, 0.9)],            # [x][u]: noisy OR
         [rng.uniform(0.5, 0.9), rng.uniform(0.8, 0.98)]]
    b0, b_u, b_x = rng.uniform(-2.5, 0.0), rng.uniform(2.0, 3.5), rng.uniform(-3.0, 3.0)
    y = [[float(expit(b0 + b_u * u + b_x * x)) for u in (0, 1)] for x in (0, 1)]
    cpts = {"p_u1": float(rng.uniform(0.3, 0.7)), "p_x1": float(rng.uniform(0.3, 0.7)),
            "p_w1_given_xu": np.asarray(w).tolist(), "p_y1_given_xu": y}
    for variable in ("Y", "W", "U", "X"):
        if rng.random() < 0.5:
            cpts = swap_labels(cpts, variable)
    return cpts


# It is also called on a second drawn table, whose band is disjoint from the first's and
# which rejects the contrast within one usage level (on the study's table -0.055 and 0.048,
# against 0.1).
probe_tables = ProbeTables(hw, fixed={"study": APP_CPTS}, propose=random_app_cpts, truth=ace_11,
                           se=ace_se, wrong=wrong_aces, seed_label="adjsets:probe table",
                           floor=FLOAT32_FLOOR, subset=stratum_aces)
hw.design(probe_tables.design)   # num_samples, stated in the question ({{num_samples}})


# ------------------------------------------------------------------ checks
probe_tables.question("test_ace_11", "ace_11",
                      "Use only variables that you could measure, check that your set satisfies "
                      "the back-door criterion, and take X=1 minus X=0.")


def _reduced(answer, key, target):
    """Canonical form of one conditioning set: names upper-cased, and variables the
    graph shows to be irrelevant to `target` removed (P(Y | X, U, W) = P(Y | X, U))."""
    try:
        names = next(iter(normalise_sets([answer[key]], key)))
    except (AnswerError, TypeError, KeyError):
        return answer.get(key)            # compare_structure reports it as wrong
    if not names <= set(DAG_11):
        return names
    return drop_irrelevant(DAG_11, target, names)


@hw.question("test_formula_11", answers=["formula_11"], n_checks=0)
def check_formula_11(values, ctx):
    answer = values["formula_11"]
    if isinstance(answer, dict):
        targets = {"y_given": {"Y"}, "u_given": FORMULA_11["sum_over"]}
        answer = {**answer, **{key: _reduced(answer, key, target)
                               for key, target in targets.items() if key in answer}}
    return compare_structure(answer, FORMULA_11, "formula_11")


def _as_bool(value, name):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype == bool:
        return bool(value)
    raise AnswerError(f"`{name}` should be True or False, but it is a {type(value).__name__}.")


@hw.question("test_z_alone_12", answers=["z_alone_valid_12"], n_checks=0)
def check_z_alone_12(values, ctx):
    if _as_bool(values["z_alone_valid_12"], "z_alone_valid_12") == Z_ALONE_VALID_12:
        return passed("`z_alone_valid_12` is correct.")
    return failed("`z_alone_valid_12` is not correct. List every path between X and Y that "
                  "starts with an arrow into X, and ask what conditioning on Z does to each.")


def _single_set(value, name):
    if isinstance(value, str):
        raise AnswerError(f"`{name}` should be a set of variable names like {{'Z'}}, "
                          "not a single string.")
    return next(iter(normalise_sets([value], name)))


@hw.question("test_cheapest_12", answers=["cheapest_set_12", "cheapest_cost_12"], n_checks=0)
def check_cheapest_12(values, ctx):
    try:
        chosen = _single_set(values["cheapest_set_12"], "cheapest_set_12")
    except AnswerError as e:
        first = failed(str(e), evidence=Malformed(), error="malformed")
    else:
        first = (passed("`cheapest_set_12` is correct.") if chosen == CHEAPEST_12 else
                 failed("`cheapest_set_12` is not correct. It must be a valid back-door set, "
                        "and no other valid set may cost less per subject."))
    cost = close_to(values["cheapest_cost_12"], CHEAPEST_COST_12, 0.0, 1.0, 1e-9,
                    name="cheapest_cost_12",
                    hint="Add up the price per subject of the variables you would have to buy.")
    return [first, cost]


# Questions answered by collections of sets: grade_id -> [(answer, the right sets, and for
# minimal sets every valid one: a valid but not minimal set is told so)].
SET_QUESTIONS = {
    "test_sets_11": [("valid_sets_11", VALID_11, None), ("usable_sets_11", USABLE_11, None)],
    "test_sets_12": [("backdoor_sets_12", VALID_12, None)],
    "test_sets_13": [("backdoor_sets_13", VALID_13, None)],
    "test_minimal_13": [("minimal_sets_13", MINIMAL_13, VALID_13)],
    "test_minimal_d_13": [("minimal_sets_d_13", MINIMAL_D_13, backdoor_sets(DAG_13, {"D"}, "Y"))],
    "test_minimal_dw_13": [("minimal_sets_dw_13", MINIMAL_DW_13,
                            backdoor_sets(DAG_13, {"D", "W"}, "Y"))],
}


def _set_question(grade_id, answers):
    hw.question(grade_id, answers=[key for key, _, _ in answers], n_checks=0)(
        lambda values, ctx: [compare_sets(values[key], truth, key, valid=valid)
                             for key, truth, valid in answers])


for _gid, _answers in SET_QUESTIONS.items():
    _set_question(_gid, _answers)


# ------------------------------------------- known wrong answers (brief, §1)
def simulate_contrast(rng, cpts: dict, by_w: bool, n: int) -> float:
    """One simulated study of n users and its stratified contrast: the estimate a
    submission computing that contrast would report (exact sampling noise)."""
    counts = rng.multinomial(n, joint_11(cpts).ravel()).reshape(2, 2, 2, 2).sum(axis=1)
    if not by_w:
        counts = counts.sum(axis=1, keepdims=True)          # [x, s, y]
    users = counts.sum(axis=2)
    rate = counts[..., 1] / np.maximum(users, 1)
    share = users.sum(0) / users.sum()
    return float(share @ (rate[1] - rate[0]))


@hw.wrong_answer("adjusting for a collider (W in DAG 1.1, Z alone in DAG 1.2)",
                 says='when a collider is adjusted for')
def wrong_collider(values, ctx):
    rng = ctx.noise()
    sets_12 = VALID_12 | {frozenset({"Z"})}
    return {**values,
            "test_sets_11": {"valid_sets_11": VALID_11 | {frozenset({"W"})},
                             "usable_sets_11": USABLE_11 | {frozenset({"W"})}},
            "test_ace_11": probe_tables.per_table(ctx, lambda c: simulate_contrast(
                rng, c, by_w=True, n=ctx.sizes["num_samples"])),
            "test_z_alone_12": {"z_alone_valid_12": True},
            "test_sets_12": {"backdoor_sets_12": sets_12},
            "test_cheapest_12": {"cheapest_set_12": frozenset({"Z"}), "cheapest_cost_12": 0}}


@hw.wrong_answer("back-door sets without the no-descendant condition",
                 says='when the back-door criterion is applied without its no-descendants condition')
def wrong_descendants(values, ctx):
    valid_11 = backdoor_sets(DAG_11, {"X"}, "Y", no_descendants=False)
    return {**values,
            "test_sets_11": {"valid_sets_11": valid_11,
                             "usable_sets_11": frozenset(s for s in valid_11
                                                         if not s & UNOBSERVED_11)},
            "test_sets_13": {"backdoor_sets_13": backdoor_sets(DAG_13, {"X"}, "Y",
                                                               no_descendants=False)}}


def simulate_stratum(rng, cpts: dict, w: int, n: int) -> float:
    """One simulated study of n users, the contrast among those with W=w only."""
    counts = rng.multinomial(n, joint_11(cpts).ravel()).reshape(2, 2, 2, 2).sum(axis=1)[:, w]
    rate = counts[:, 1] / np.maximum(counts.sum(axis=1), 1)            # [x]
    return float(rate[1] - rate[0])


def _one_usage_level(w: int, who: str):
    def mistake(values, ctx):
        rng, n = ctx.noise(), ctx.sizes["num_samples"]
        return {**values, "test_ace_11": probe_tables.per_table(
            ctx, lambda c: simulate_stratum(rng, c, w, n))}
    hw.wrong_answer(f"contrast among {who}-usage users only",
                    # keeping one level of W conditions on the collider: the same words
                    says="when a collider is adjusted for")(mistake)


for _w, _who in ((0, "low"), (1, "high")):
    _one_usage_level(_w, _who)


@hw.wrong_answer("contrast reversed (X=0 minus X=1)",
                 says="when the contrast is taken the other way round (X=0 minus X=1)")
def wrong_reversed(values, ctx):
    rng = ctx.noise()
    return {**values, "test_ace_11": probe_tables.per_table(ctx, lambda c: -simulate_contrast(
        rng, c, by_w=False, n=ctx.sizes["num_samples"]))}


@hw.wrong_answer("ACE typed in as a constant",
                 says="when a number is typed in instead of computed from the function's arguments")
def wrong_constant(values, ctx):
    return {**values, "test_ace_11": dict.fromkeys(probe_tables.estimate_tables(ctx), 0.1)}


@hw.wrong_answer("a set with the unmeasured U counted as usable",
                 says="when a set that holds the unmeasured U is counted as usable")
def wrong_usable_u(values, ctx):
    return {**values, "test_sets_11": {"valid_sets_11": VALID_11, "usable_sets_11": VALID_11}}


# The manifest (autograder/homework.py): what each file of solutions/adjsets/ scores.
hw.variant("alternatives/by_hand.py", seed=5)
# a set question's share is max(0, (right - wrong listed) / number right); two answers average
hw.variant("mistakes/collider.py", seed=6,
           loses=["test_ace_11", "test_cheapest_12", "test_z_alone_12"],
           partly={"test_sets_11": 2 * ((1 - 1 / 2) + 0) / 2, "test_sets_12": 2 * (3 - 1) / 3})
hw.variant("mistakes/no_descendant_rule.py", seed=7,
           loses=["test_sets_11", "test_formula_11", "test_sets_13"])
# right on the study's table only: all or nothing
hw.variant("mistakes/constant.py", seed=8, loses=["test_ace_11"],
           told={"test_ace_11": "✘ `ace_11(...) on the grader's table`"})
hw.variant("mistakes/lookup.py", seed=12, loses=["test_ace_11"],
           told={"test_ace_11": LOOKUP_TOLD})
# two slips in one run: the high-usage users alone (ace_11: a subset of the units, within
# the band on the study's table) and U among the usable sets; the set question averages two
# answers, the usable one scoring max(0, 1 - 1)
hw.variant(("mistakes/one_usage_level.py", "mistakes/usable_with_u.py"), seed=14,
           loses=["test_ace_11"], partly={"test_sets_11": 2 * (1 + 0) / 2})
hw.variant("mistakes/reversed.py", seed=15, loses=["test_ace_11"])
