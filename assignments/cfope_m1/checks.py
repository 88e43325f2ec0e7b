"""Hidden checks for the cfope kit, milestone 1: FrozenLake's transitions as a
Gumbel-max SCM (course spec §10.1). Never released to students.

Truths come from autograder/studies/cfope.py: the transition table derived from the
map and the slip rule (a test compares it with gymnasium's env.unwrapped.P), the
top-down posterior, and the closed-form counterfactual distribution. Every probe, a
(state, action) pair, a noise vector, a (state, action, next state) triple, a
(state, action, counterfactual action, next state) quadruple, is drawn per submission
from the grader's seed, out of finite families whose every member the design covers:
- step_scm with the grader's noise: exactly the argmax of log T + noise (no budget);
- sample_next_states: `frequencies` against T[s, a] on a pair at a corner (the only
  places where P(. | s, a) is not uniform, so the only ones where a wrong noise law
  shows) and on any pair;
- sample_posterior_noise: every draw reproduces the observed next state (no budget),
  and the probability integral transforms of the noise, which are independent U(0, 1)
  under the right posterior, pass three KS tests (the maximum, the other possible
  outcomes, the impossible ones);
- sample_counterfactuals: on a stable quadruple every draw is the observed state (no
  budget); on an unstable one the frequencies match the exact counterfactual law; and
  counterfactuals of observations drawn from P(. | s, a) by the grader, pooled, have
  the frequencies of P(. | s, a').
Sizes: `design` below, from the false-fail budget and the known wrong answers.
"""
from __future__ import annotations

import functools
import math

import numpy as np
from scipy import stats

from autograder.checks import (AnswerError, as_array, as_int, exact_table, failed, frequencies,
                               frequencies_required_n, gof, ks_required_n_at, passed, repeated,
                               stale, twice)
from autograder.homework import Homework
from autograder.studies import cfope

hw = Homework()
T = cfope.transition_table()
LOG_T = cfope.log_table()
LIVE = [s for s in range(cfope.N_STATES) if not cfope.TERMINAL[s]]
TABLE_TOL = 1e-9          # gymnasium's 1/3 is 0.33333333333333337 in some entries
ARGMAX_TOL = 1e-6         # a float32 argmax may pick a next state this close to the max
STEP_PROBES = 16          # grader noise vectors handed to step_scm
TERMINAL_PROBES = 2       # of which this many in a hole or at the goal
FRESH_N = 100             # size of the second call that must differ from the first


# ---------------------------------------------------------------- probe families
def _pairs(keep) -> list[tuple[int, int]]:
    return [(s, a) for s in LIVE for a in range(cfope.N_ACTIONS) if keep(T[s, a])]


ANY_PAIRS = _pairs(lambda p: True)
CORNER_PAIRS = _pairs(lambda p: len(set(np.round(p[p > 0], 12))) > 1)   # not uniform
TRIPLES = [(s, a, int(i)) for s, a in ANY_PAIRS for i in np.flatnonzero(T[s, a] > 0)]
CORNER_TRIPLES = [t for t in TRIPLES if t[:2] in CORNER_PAIRS]
QUADS = [(s, a, b, i) for s, a, i in TRIPLES for b in range(cfope.N_ACTIONS)
         if not np.allclose(T[s, a], T[s, b])]
STABLE = [q for q in QUADS if cfope.is_stable(T[q[0], q[1]], T[q[0], q[2]], q[3])]
UNSTABLE = [q for q in QUADS if q not in STABLE]
SWITCHES = sorted({q[:3] for q in QUADS})      # (s, a, a') with P(. | s, a') != P(. | s, a)


@functools.lru_cache(maxsize=None)
def cf_law(s: int, a: int, b: int, i: int) -> np.ndarray:
    return cfope.counterfactual_distribution(T[s, a], T[s, b], i)


def as_dist(p: np.ndarray) -> dict[int, float]:
    return {int(k): float(p[k]) for k in np.flatnonzero(p > 0)}


# ------------------------------------------------------------------- the design
def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def step_wrong_laws(p: np.ndarray) -> dict[str, np.ndarray]:
    """Next-state laws of the known wrong samplers on a pair with outcome probabilities
    p: probabilities used as logits on the possible states (softmax(p)); the table
    with duplicate outcomes counted once (every listed state equally likely); and, on
    the corners' two outcomes, Exponential noise: argmax(log p + E) picks j over k when
    E_j - E_k, a Laplace(0, 1), exceeds log(p_k / p_j) = log r, which has probability
    1 - r / 2 for r < 1 and 1 / (2 r) otherwise."""
    live = p > 0
    soft = np.zeros_like(p)
    soft[live] = _softmax(p[live])
    out = {"probabilities as logits": soft, "duplicates overwritten": live / live.sum()}
    if live.sum() == 2:
        j, k = np.flatnonzero(live)
        r = p[k] / p[j]
        pj = 1 - r / 2 if r < 1 else 1 / (2 * r)
        out["Exponential noise"] = np.where(np.arange(p.size) == j, pj,
                                            np.where(np.arange(p.size) == k, 1 - pj, 0.0))
    return out


def posterior_slip_distances(s: int, a: int, i: int) -> list[tuple[str, float]]:
    """KS distances of the known top-down slips on one triple: the maximum drawn as
    Gumbel(log p_i) (its PIT has CDF x ** p_i, at sup distance
    p_i ** (p_i / (1 - p_i)) - p_i ** (1 / (1 - p_i))), and the other outcomes clipped
    below the maximum (an atom at PIT 1 of mass p_j / (1 + p_j) for each)."""
    p = T[s, a]
    pi = float(p[i])
    others = [float(p[j]) for j in np.flatnonzero(p > 0) if j != i]
    return [("top at the observed outcome", pi ** (pi / (1 - pi)) - pi ** (1 / (1 - pi))),
            ("others clipped", float(np.mean([q / (1 + q) for q in others])))]


def _round_up(n: float, step: int = 500) -> int:
    return int(math.ceil(n / step) * step)


@hw.design
def design(budget: float) -> dict[str, int]:
    """num_samples: draws per call of sample_next_states and sample_counterfactuals, the
    largest n over the families at which every known wrong law fails `frequencies`
    with power 0.999; posterior_samples: the same for the posterior's KS tests."""
    alpha = budget / hw.total_checks
    need = [frequencies_required_n(T[s, a], wrong, alpha)
            for s, a in CORNER_PAIRS for wrong in step_wrong_laws(T[s, a]).values()]
    need += [frequencies_required_n(cf_law(*q), T[q[0], q[2]], alpha) for q in UNSTABLE]
    post = [ks_required_n_at(d, alpha) for t in TRIPLES for _, d in posterior_slip_distances(*t)]
    return {"num_samples": _round_up(max(need)), "posterior_samples": _round_up(max(post))}


# ---------------------------------------------------------------- probes per submission
@hw.probe
def probes(ctx) -> dict:
    """The grader's inputs for one submission: STEP_PROBES (state, action, noise) triples
    for step_scm, and one member of each family for the samplers."""
    rng = np.random.default_rng(ctx.seed)
    pick = lambda family: family[int(rng.integers(len(family)))]
    dead = [s for s in range(cfope.N_STATES) if cfope.TERMINAL[s]]
    states = ([int(rng.choice(LIVE)) for _ in range(STEP_PROBES - TERMINAL_PROBES)]
              + [int(rng.choice(dead)) for _ in range(TERMINAL_PROBES)])
    step = [(s, int(rng.integers(cfope.N_ACTIONS)), [float(x) for x in rng.gumbel(size=16)])
            for s in states]
    return {"step": step, "corner": pick(CORNER_PAIRS), "any": pick(ANY_PAIRS),
            "corner triple": pick(CORNER_TRIPLES), "any triple": pick(TRIPLES),
            "stable": pick(STABLE), "unstable": pick(UNSTABLE), "switch": pick(SWITCHES)}


@hw.probe
def averaging_counts(ctx) -> dict[int, int]:
    """Observations the grader draws from P(. | s, a) for the averaging check: how many
    of each next state (the counterfactuals of each are then asked for)."""
    s, a, _ = probes(ctx)["switch"]
    rng = np.random.default_rng(ctx.seed_for("averaging"))
    counts = rng.multinomial(ctx.sizes["num_samples"], T[s, a])
    return {int(i): int(counts[i]) for i in np.flatnonzero(counts)}


def _sampler(func, args: dict, n: int, ctx, label: str) -> dict:
    """A sampler called `twice`: n draws under `label`, FRESH_N more under `label:again`."""
    keys = (label, f"{label}:again")
    return twice(func, lambda _: {**args, "num_samples": n}, keys, keys,
                 again={"num_samples": FRESH_N})(ctx)


def step_calls(ctx):
    pr = probes(ctx)
    calls = {f"step:{k}": ("step_scm", {"state": s, "action": a, "noise": g})
             for k, (s, a, g) in enumerate(pr["step"])}
    for label in ("corner", "any"):
        s, a = pr[label]
        calls.update(_sampler("sample_next_states", {"state": s, "action": a},
                              ctx.sizes["num_samples"], ctx, label))
    return calls


def posterior_calls(ctx):
    pr, calls = probes(ctx), {}
    for label in ("corner triple", "any triple"):
        s, a, i = pr[label]
        calls.update(_sampler("sample_posterior_noise",
                              {"state": s, "action": a, "next_state": i},
                              ctx.sizes["posterior_samples"], ctx, label))
    return calls


def _cf_args(s, a, i, b) -> dict:
    return {"state": s, "action": a, "next_state": i, "cf_action": b}


def counterfactual_calls(ctx):
    pr, n, calls = probes(ctx), ctx.sizes["num_samples"], {}
    for label in ("stable", "unstable"):
        s, a, b, i = pr[label]
        calls.update(_sampler("sample_counterfactuals", _cf_args(s, a, i, b), n, ctx, label))
    s, a, b = pr["switch"]
    for i, count in averaging_counts(ctx).items():
        calls[f"average:{i}"] = ("sample_counterfactuals",
                                 {**_cf_args(s, a, i, b), "num_samples": count,
                                  "seed": ctx.seed_for(f"average:{i}")})
    return calls


# ------------------------------------------------------------------------ helpers
def _next_states(value, name: str, n: int) -> np.ndarray:
    arr = as_array(value, name, shape=(n,))
    if np.any(arr != np.round(arr)) or np.any((arr < 0) | (arr >= cfope.N_STATES)):
        raise AnswerError(f"`{name}` should hold next states: whole numbers from 0 to 15.")
    return arr.astype(int)


def _stale(values, label: str, name: str, result) -> list | None:
    """When the draws pass their frequency test (`result`) but the second call repeats
    them (stored draws, or a sampler that seeds itself): the failed result that replaces
    every result of the question; None otherwise. A right sampler repeats its first
    FRESH_N outcomes with chance at most (5/8) ** 100 < 1e-20 on any pair or unstable
    quadruple of the lake. Draws that fail their test keep that failure's message: a
    stale wrong sampler is wrong first."""
    return repeated(values[label], values[f"{label}:again"], name) if result.passed else None


# ---------------------------------------------------------------------- questions
ROWS_DO_NOT_SUM = ("{subject} is not correct: some rows T[s, a, :] do not sum to 1. "
                   "env.unwrapped.P[s][a] can list the same next state twice (two slip directions "
                   "that both bump into a wall): add up their probabilities instead of "
                   "overwriting one with the other.")


@hw.question("test_table", answers=["transition_matrix"], n_checks=0)
def check_table(values, ctx):
    return exact_table(values["transition_matrix"], T, "transition_matrix", TABLE_TOL,
                       near={ROWS_DO_NOT_SUM: lambda got: np.any(np.abs(got.sum(-1) - 1) > 1e-6)},
                       hint="T[s, a, s'] is the probability of moving to s' from s with action "
                            "a: read every (probability, next_state, reward, terminated) tuple of "
                            "env.unwrapped.P[s][a] and check the order of the three indices.")


def _check_step_probes(values, ctx):
    wrong = []
    for k, (s, a, g) in enumerate(probes(ctx)["step"]):
        got = as_int(values[f"step:{k}"], "step_scm(state, action, noise)")
        score = LOG_T[s, a] + np.asarray(g)
        if not (0 <= got < cfope.N_STATES and np.isfinite(score[got])
                and score[got] >= score.max() - ARGMAX_TOL):
            wrong.append(k)
    detail = dict(wrong_probes=wrong, probes=STEP_PROBES)
    if not wrong:
        return passed("`step_scm(state, action, noise)` returns the Gumbel-max next state for "
                      "every noise vector the grader tried.", **detail)
    return failed(f"`step_scm(state, action, noise)` returned the wrong next state for "
                  f"{len(wrong)} of the {STEP_PROBES} noise vectors the grader tried. The next "
                  "state is the argmax over s' of log T[state, action, s'] + noise[s']: add the "
                  "noise to log-probabilities (not to probabilities), and use the noise you are "
                  "given.", **detail)


@hw.question("test_step_scm", calls=step_calls, n_checks=2)
def check_step_scm(values, ctx):
    pr, n = probes(ctx), ctx.sizes["num_samples"]
    results = [_check_step_probes(values, ctx)]
    for label in ("corner", "any"):
        s, a = pr[label]
        name = f"sample_next_states({s}, {a}, {n}, seed)"
        draws = _next_states(values[label], name, n)
        results.append(frequencies(draws, as_dist(T[s, a]), ctx.alpha, name=name, min_n=n,
                                   hint="With noise=None, step_scm must draw the noise from "
                                        "its prior, 16 independent Gumbel(0, 1), inside the "
                                        "Pyro program."))
        reused = _stale(values, label, name, results[-1])
        if reused:
            return reused
    return results


def _posterior_results(values, ctx, label):
    s, a, i = probes(ctx)[label]
    n = ctx.sizes["posterior_samples"]
    name = f"sample_posterior_noise({s}, {a}, {i}, {n}, seed)"
    g = as_array(values[label], name, shape=(n, cfope.N_STATES))
    again = as_array(values[f"{label}:again"], name, shape=(FRESH_N, cfope.N_STATES))
    reused = stale(g, again, name)
    if reused:
        return reused
    score = LOG_T[s, a] + g
    off = np.flatnonzero(score[:, i] < score.max(1) - ARGMAX_TOL)
    if off.size:
        return [failed(f"`{name}`: in {off.size} of {n} draws the noise does not reproduce the "
                       f"observed next state {i} (the argmax of log T[{s}, {a}] + noise is "
                       "another state). The posterior noise must explain what was observed; "
                       "noise drawn again from the prior does not.", inconsistent=int(off.size))]
    top, others, impossible = cfope.posterior_pits(LOG_T[s, a], i, g)
    uniform = stats.uniform(0, 1)
    parts = [(top, "the observed state's noise",
              "The largest perturbed value log p + g is Gumbel with location log(sum of the "
              "probabilities) = 0, and it sits at the observed state."),
             (others, "the other possible states' noise",
              "Each other possible state's perturbed value is its Gumbel(log p_j) truncated "
              "below the maximum: sample the truncated law, do not clip a prior draw."),
             (impossible, "the noise of states the transition cannot reach",
              "Nothing was learned about states the move cannot reach: their noise keeps its "
              "Gumbel(0, 1) prior.")]
    return [gof(u, uniform, ctx.alpha, name=f"{name}: {what}", hint=hint)
            for u, what, hint in parts]


@hw.question("test_posterior", calls=posterior_calls, n_checks=6)
def check_posterior(values, ctx):
    return [r for label in ("corner triple", "any triple")
            for r in _posterior_results(values, ctx, label)]


@hw.question("test_counterfactual", calls=counterfactual_calls, n_checks=2)
def check_counterfactual(values, ctx):
    pr, n = probes(ctx), ctx.sizes["num_samples"]
    results = []
    s, a, b, i = pr["stable"]
    name = f"sample_counterfactuals({s}, {a}, {i}, {b}, {n}, seed)"
    draws = _next_states(values["stable"], name, n)
    moved = int(np.sum(draws != i))
    if moved:
        results.append(failed(
            f"`{name}` is not counterfactually stable: having seen state {i} after action {a}, "
            f"action {b} makes {i} at least as likely relative to every other state, so the "
            f"counterfactual must be {i} in every draw, but {moved} of {n} draws moved "
            "elsewhere. Use the posterior noise of the observed step, not fresh noise.",
            moved=moved))
    else:
        results.append(passed(f"`{name}` keeps the observed next state, as stability requires."))
    s, a, b, i = pr["unstable"]
    name = f"sample_counterfactuals({s}, {a}, {i}, {b}, {n}, seed)"
    draws = _next_states(values["unstable"], name, n)
    results.append(frequencies(draws, as_dist(cf_law(s, a, b, i)), ctx.alpha, name=name, min_n=n,
                               hint="Abduction (posterior noise of the observed step), action "
                                    "(the counterfactual action) and prediction (step_scm with "
                                    "that noise)."))
    reused = _stale(values, "unstable", name, results[-1])
    if reused:
        return reused
    s, a, b = pr["switch"]
    counts = averaging_counts(ctx)
    pooled = np.concatenate([_next_states(values[f"average:{i}"],
                                          f"sample_counterfactuals({s}, {a}, {i}, {b}, {c}, seed)",
                                          c) for i, c in counts.items()])
    results.append(frequencies(pooled, as_dist(T[s, b]), ctx.alpha, min_n=n,
                               name=f"counterfactuals under action {b} of next states drawn "
                                    f"from P(. | {s}, {a})",
                               hint="Averaged over observations, counterfactuals must follow "
                                    "the interventional law P(. | s, a')."))
    return results


# --------------------------------------------------- known wrong answers (brief §10.1)
def simulated_answers(scm: cfope.SimulatedSCM, ctx, questions) -> dict:
    """What a submission whose SCM behaves like `scm` hands each of `questions`."""
    rng, pr = ctx.noise(), probes(ctx)
    n, m, out = ctx.sizes["num_samples"], ctx.sizes["posterior_samples"], {}

    def twice(label, draw, size):
        return {label: draw(size), f"{label}:again": draw(FRESH_N)}

    if "test_table" in questions:
        out["test_table"] = {"transition_matrix": scm.table}
    if "test_step_scm" in questions:
        ans = {f"step:{k}": scm.step(s, a, g) for k, (s, a, g) in enumerate(pr["step"])}
        for label in ("corner", "any"):
            s, a = pr[label]
            ans.update(twice(label, lambda k: scm.next_states(s, a, k, rng), n))
        out["test_step_scm"] = ans
    if "test_posterior" in questions:
        ans = {}
        for label in ("corner triple", "any triple"):
            s, a, i = pr[label]
            ans.update(twice(label, lambda k: scm.noise(s, a, i, k, rng), m))
        out["test_posterior"] = ans
    if "test_counterfactual" in questions:
        ans = {}
        for label in ("stable", "unstable"):
            s, a, b, i = pr[label]
            ans.update(twice(label, lambda k: scm.counterfactuals(s, a, i, b, k, rng), n))
        s, a, b = pr["switch"]
        for i, c in averaging_counts(ctx).items():
            ans[f"average:{i}"] = scm.counterfactuals(s, a, i, b, c, rng)
        out["test_counterfactual"] = ans
    return out


def _register(label, says, questions, **scm):
    @hw.wrong_answer(label, says=says)
    def wrong(values, ctx):
        return {**values, **simulated_answers(cfope.SimulatedSCM(**scm), ctx, questions)}
    return wrong


_register("noise from the prior instead of the posterior",
          "when the noise of the observed step is drawn again from its prior instead of its "
          "posterior (an interventional, not a counterfactual, outcome)",
          ("test_posterior", "test_counterfactual"), posterior=cfope.prior_as_posterior)
_register("argmax without the noise",
          "when the next state is the argmax of the log-probabilities without the Gumbel noise",
          ("test_step_scm", "test_counterfactual"), step=cfope.argmax_without_noise)
_register("probabilities used as logits",
          "when the Gumbel noise is added to the probabilities instead of the log-probabilities",
          ("test_step_scm", "test_counterfactual"), step=cfope.probabilities_as_logits)
_register("duplicate outcomes overwritten in the table",
          "when T is built from env.unwrapped.P by overwriting, not adding, the probability of "
          "a next state listed twice",
          ("test_table", "test_step_scm"), table=cfope.overwritten_table())
_register("Exponential noise instead of Gumbel",
          "when the prior noise is -log(U), an Exponential, instead of -log(-log(U)), a Gumbel",
          ("test_step_scm",), prior=cfope.exponential_prior)
_register("top-down maximum at the observed state's own location",
          "when the observed state's perturbed value is drawn as Gumbel(log p_i) instead of "
          "Gumbel(log of the sum of the probabilities)",
          ("test_posterior",), posterior=cfope.top_at_observed)
_register("other states clipped below the maximum",
          "when the other states' noise is drawn from the prior and clipped below the maximum "
          "instead of drawn from the truncated Gumbel",
          ("test_posterior",), posterior=cfope.clipped_below_top)


# The manifest: what each file of solutions/cfope_m1/{mistakes,alternatives}/ scores
# (autograder/homework.py; tests/test_homeworks.py grades the entries with a seed).
hw.variant("alternatives/rejection.py", seed=5)
# prior noise (posterior section) and Exponential noise (step section) in one run
hw.variant(("mistakes/prior_noise.py", "mistakes/exponential.py"), seed=6,
           loses=["test_posterior"], partly=["test_step_scm", "test_counterfactual"],
           told={"test_posterior": "noise drawn again from the prior does not",
                 "test_counterfactual": "is not counterfactually stable",
                 "test_step_scm": "16 independent Gumbel(0, 1)"})
# No seed: the suite keeps a milestone to five kernel runs and the step section has three
# mistakes; this one is simulated ("argmax without the noise" above, graded at 25 seeds by
# tests/test_homeworks.py without a kernel) and benchmarks/scores.py grades the file. Whether
# a noiseless step keeps the stable probe's state depends on the probe drawn: luck.
hw.variant("mistakes/no_noise.py", loses=["test_step_scm"], luck=["test_counterfactual"],
           told={"test_step_scm": "use the noise you are given"})
hw.variant(("mistakes/overwritten.py", "mistakes/probs_as_logits.py"), seed=8,
           loses=["test_table", "test_step_scm", "test_counterfactual"], partly=["test_posterior"],
           told={"test_table": "add up their probabilities",
                 "test_step_scm": "not to probabilities"})
