"""Hidden checks for the Gillespie kit, milestone 2 (course brief, section 10.2): the SCM
of the linear chain's equilibrium and its do, against the chain run with B clamped;
the signalling cascade's equilibrium SCM, its ideal intervention, and the clamped ODE.

Never released to students. Every truth comes from autograder/studies/gillespie.py:
- the chain with B clamped at b: A and C independent Poissons with means k1/k2 and
  k3 b/k4 (two immigration-death processes), B constant; its states are thinned as in
  milestone 1, and the number asked for is the smallest with power 0.999 against a
  clamp one molecule off its level (C ~ Poisson(k3 (b + 1) / k4));
- the conditional-equilibrium SCM A := Poisson(k1/k2), B := Poisson(k2 A/k3),
  C := Poisson(k3 B/k4): under do(B = b), what the clamped chain gives; its
  observational law exactly (a Poisson mixture), against the chain's product of
  Poissons written as an SCM and against conditioning on B = b by selection;
- the cascade: K3 = T g1(w3 E1), K2 = T g2(w2 K3), K1 = T g2(w1 K2), and do() replacing
  an assignment; exact (float32 arithmetic aside) for the SCM, to the stated solver
  tolerance for the ODE equilibrated with the clamp.
The grader draws the chain's rates, the clamp level and the cascade's rates per
submission (`draw_probe`), so typed-in answers fail.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from autograder.checks import (AnswerError, as_array, as_dict, as_float, autocorrelation_gate,
                               draw_probe, exact_table, failed, frequencies, frequencies_power,
                               frequencies_required_n, thin_to_independence)
from autograder.homework import Homework
from autograder.studies import gillespie as G

hw = Homework()

POWER = 0.999
CLAMP = 2                   # B is clamped at 2: at least 1.6 x its stationary mean here
# Below this many draws a discrete test misses sizeable slips (the GOF floor of
# docs/statistics.md); the known wrong SCMs need a few hundred.
MIN_SCM_SAMPLES = 1000
# The cascade's answers are exact; float32 arithmetic over a dozen operations on levels
# of order 100 moves them by far less than this share of themselves.
CASCADE_REL = 1e-5
# The clamped ODE is integrated with rtol = atol = 1e-8 (stated in the question) over
# more than 50 relaxation times; its error at t_end is far below this share.
ODE_REL = 1e-4


# --------------------------------------------------------------- the design
def _corners():
    """The family's extreme chains (each stationary mean at an end of its range)."""
    return [[1.0] + [round(1.0 / m, 3) for m in means]
            for means in itertools.product(G.MEANS_RANGE, repeat=3)]


def _clamped_kept(rates, alpha: float) -> int:
    table, off_by_one = G.clamped_tables(rates, CLAMP)
    return frequencies_required_n(table, off_by_one, alpha, POWER)


def _scm_samples(rates, alpha: float) -> int:
    """Draws for power 0.999 against each wrong SCM, under do(B = CLAMP) and observed;
    MIN_SCM_SAMPLES when those already have it (power grows with the draws)."""
    ac, obs = G.ac_tables(rates, CLAMP), G.observational_tables(rates)
    pairs = [(ac["do"], ac["condition"]), (ac["do"], ac["independent"]),
             (obs["scm"], obs["independent"])]
    return max(MIN_SCM_SAMPLES if frequencies_power(truth, wrong, MIN_SCM_SAMPLES, alpha) >= POWER
               else frequencies_required_n(truth, wrong, alpha, POWER) for truth, wrong in pairs)


@hw.design
def design(budget: float) -> dict[str, int]:
    """num_clamped_states: rows a correct clamped run keeps after thinning tell the clamp
    level b from b + 1 with power 0.999 on every corner of the family; num_scm_samples:
    SCM draws telling the SCM from each known wrong one (at least MIN_SCM_SAMPLES)."""
    alpha = budget / hw.total_checks
    corners = _corners()
    states = max(_clamped_kept(r, alpha) * G.clamped_thinning(r) for r in corners)
    samples = max([MIN_SCM_SAMPLES] + [_scm_samples(r, alpha) for r in corners])
    return {"num_clamped_states": int(math.ceil(states / 100) * 100),
            "num_scm_samples": int(math.ceil(samples / 1000) * 1000)}


# ------------------------------------------------------------- the probes
@dataclass(frozen=True)
class Probe:
    rates: tuple
    t_burn: float       # the clamped run's burn-in and spacing (G.clamped_observation_plan)
    spacing: float
    cascade: dict       # {"rates", "E1", "T", "K2"}: the grader's cascade and Mek's level
    k3_level: float     # a level for Raf's do
    t_end: float        # the ODE's horizon: 100 / min v_inh (module doc of G)


@hw.probe
def probe(ctx) -> Probe:
    """The chain, the cascade and the levels, drawn once per submission from the grader's
    seed; the chain is kept only where the stated sizes have their power."""
    seed, num_states = ctx.seed_for("chain"), ctx.sizes["num_clamped_states"]

    def accept(rates):
        table, off_by_one = G.clamped_tables(rates, CLAMP)
        kept = len(range(0, num_states, G.clamped_thinning(rates)))
        ac = G.ac_tables(rates, CLAMP)
        return (frequencies_power(table, off_by_one, kept, ctx.alpha) >= POWER
                and all(frequencies_power(ac["do"], ac[w], ctx.sizes["num_scm_samples"],
                                          ctx.alpha) >= POWER
                        for w in ("condition", "independent")))

    rates = tuple(draw_probe(seed, G.random_rates, accept))
    t_burn, spacing = G.clamped_observation_plan(rates)
    rng = np.random.default_rng(seed)
    cascade = G.random_cascade(rng)
    t_end = 100.0 / min(v[1] for v in cascade["rates"].values())
    return Probe(rates, round(t_burn, 3), round(spacing, 3), cascade,
                 round(float(rng.uniform(10, 90)), 2), round(t_end, 1))


# ------------------------------------------------------------------ guards
def _counts(value, name: str, shape) -> np.ndarray:
    x = as_array(value, name, shape=shape)
    if not np.all(x == np.round(x)) or np.any(x < 0):
        raise AnswerError(f"`{name}` should hold whole, non-negative numbers of molecules.")
    return x.astype(np.int64)


def _abc(value, name: str, n: int) -> np.ndarray:
    """SCM draws {"A", "B", "C"} as an (n, 3) array; a single number for an intervened
    site (what pyro.do hands downstream) stands for all n draws."""
    value = as_dict(value, name, ("A", "B", "C"))
    columns = []
    for k in "ABC":
        v = value[k]
        if np.ndim(v) == 0 and not isinstance(v, (dict, str)):
            v = np.full(n, as_float(v, f"{name}[{k!r}]"))
        columns.append(_counts(v, f"{name}[{k!r}]", (n,)))
    return np.stack(columns, axis=1)


# ------------------------------------------------------- the clamped chain
def _clamped_calls(ctx):
    p = probe(ctx)
    return {"states": ("clamped_states", {
        "rates": list(p.rates), "b": CLAMP, "t_burn": p.t_burn, "spacing": p.spacing,
        "num_states": ctx.sizes["num_clamped_states"], "seed": ctx.seed_for("clamped")})}


@hw.question("test_clamped", n_checks=1, calls=_clamped_calls)
def check_clamped(values, ctx):
    p, n = probe(ctx), ctx.sizes["num_clamped_states"]
    name = "clamped_states(rates, b, t_burn, spacing, num_states, seed)"
    states = _counts(values["states"], name, (n, 3))
    if np.any(states[:, 1] != CLAMP):
        return failed(f"`{name}`: B should stay at the clamp level b in every state. A clamp "
                      "holds the level itself (a B is born whenever one is used up, and the "
                      "reverse); changing a rate constant only moves B's average.")
    gate = autocorrelation_gate(states, G.clamped_taus(p.rates, p.spacing), name,
                                slow_hint="Check the reactions that still fire under the "
                                          "clamp: A is still made and still leaves (A -> B), "
                                          "and C is still made from B and degraded.")
    if not gate.passed:
        return [gate]
    kept, info = thin_to_independence(states[:, [0, 2]], G.RHO_MAX,
                                      min_step=G.clamped_thinning(p.rates))
    table, _ = G.clamped_tables(p.rates, CLAMP)
    res = frequencies(G.cell_labels(kept, table), table, ctx.alpha,
                      name=f"{name} (A and C, every {info['step']}th state)",
                      hint="Under the clamp A is made at k1 and leaves at k2 A as before, and C "
                           "is made at k3 b (B is held at b) and degraded at k4 C.")
    res.detail.update(thinning=info)
    return res


# ---------------------------------------------------------- the chain's SCM
def _scm_calls(ctx):
    p, n = probe(ctx), ctx.sizes["num_scm_samples"]
    args = {"rates": list(p.rates), "num_samples": n}
    return {"do": ("sample_scm", {**args, "intervention": {"B": CLAMP},
                                  "seed": ctx.seed_for("scm:do")}),
            "observed": ("sample_scm", {**args, "intervention": {},
                                        "seed": ctx.seed_for("scm:observed")})}


@hw.question("test_scm", n_checks=2, calls=_scm_calls)
def check_scm(values, ctx):
    p, n = probe(ctx), ctx.sizes["num_scm_samples"]
    name = "sample_scm(rates, intervention, num_samples, seed)"
    do = _abc(values["do"], f"{name} with intervention {{'B': {CLAMP}}}", n)
    observed = _abc(values["observed"], f"{name} with intervention {{}}", n)
    ac, obs = G.ac_tables(p.rates, CLAMP)["do"], G.observational_tables(p.rates)["scm"]
    if np.any(do[:, 1] != CLAMP):
        under_do = failed(f"`{name}` under do(B = b): every draw of B should be b.")
    else:
        under_do = frequencies(G.cell_labels(do[:, [0, 2]], ac), ac, ctx.alpha,
                               name=f"{name}: A and C under do(B = b)",
                               hint="do(B = b) replaces B's assignment and nothing else: A keeps "
                                    "its own law, and C follows its assignment with B = b. "
                                    "Keeping the observational draws that happen to have "
                                    "B = b conditions instead.")
    return [under_do,
            frequencies(G.cell_labels(observed, obs), obs, ctx.alpha,
                        name=f"{name}: A, B and C without intervention",
                        hint="Each species' assignment is its equilibrium law given its "
                             "parent: B := Poisson(k2 A / k3), C := Poisson(k3 B / k4).")]


# ------------------------------------------------------------- the cascade
def _levels(value, name: str) -> dict:
    value = as_dict(value, name, G.CASCADE)
    return {k: as_float(value[k], f"{name}[{k!r}]") for k in G.CASCADE}


def _exact_levels(levels: dict, truth: dict, rel: float, name: str, hint: str):
    """The three levels against the exact ones, each within `rel` of itself (at least of 1)."""
    t = np.array([truth[k] for k in G.CASCADE])
    return exact_table([levels[k] for k in G.CASCADE], t, name, rel * np.maximum(1.0, np.abs(t)),
                       hint=hint)


def _cascade_args(p: Probe) -> dict:
    c = p.cascade
    return {"rates": c["rates"], "E1": c["E1"], "T": c["T"]}


def _interventions(p: Probe) -> dict:
    return {"observed": {}, "do_K2": {"K2": p.cascade["K2"]}, "do_K3": {"K3": p.k3_level}}


def _cascade_calls(ctx):
    p = probe(ctx)
    return {key: ("cascade_equilibrium", {**_cascade_args(p), "intervention": iv})
            for key, iv in _interventions(p).items()}


CASCADE_HINTS = {
    "observed": "Evaluate the assignments top-down: K3 = T g1(w3 E1), K2 = T g2(w2 K3), "
                "K1 = T g2(w1 K2), with w = v_act / v_inh of each protein, and g2 for the "
                "two-site proteins.",
    "do_K2": "do(K2 = k) replaces Mek's assignment only: Raf keeps its equilibrium, and Erk "
             "responds to the new K2.",
    "do_K3": "do(K3 = k) replaces Raf's assignment; Mek and Erk respond in turn.",
}


@hw.question("test_cascade", n_checks=0, calls=_cascade_calls)
def check_cascade(values, ctx):
    p = probe(ctx)
    c = p.cascade
    return [_exact_levels(_levels(values[key], f"cascade_equilibrium(..., {iv})"),
                          G.cascade_equilibrium(c["rates"], c["E1"], c["T"], iv),
                          CASCADE_REL, f"cascade_equilibrium(..., intervention={iv})",
                          CASCADE_HINTS[key])
            for key, iv in _interventions(p).items()]


def _ode_calls(ctx):
    p = probe(ctx)
    return {"do_K2": ("cascade_ode", {**_cascade_args(p), "intervention": {"K2": p.cascade["K2"]},
                                      "t_end": p.t_end})}


@hw.question("test_cascade_ode", n_checks=0, calls=_ode_calls)
def check_cascade_ode(values, ctx):
    p = probe(ctx)
    c, iv = p.cascade, {"K2": p.cascade["K2"]}
    return _exact_levels(_levels(values["do_K2"], "cascade_ode(...)"),
                         G.cascade_equilibrium(c["rates"], c["E1"], c["T"], iv), ODE_REL,
                         f"cascade_ode(..., intervention={iv}, t_end)",
                         "Clamp Mek's active form: hold K2 at the level for the whole run "
                         "(its derivative is zero), not only at the start, and integrate "
                         "with the stated tolerances up to t_end.")


# ------------------------------------------- known wrong answers (brief, 10.2)
def _clamped_run(ctx, rates, after=None) -> dict:
    p, n = probe(ctx), ctx.sizes["num_clamped_states"]
    t_obs = G.observation_times(p.t_burn, p.spacing, n)
    times, states = G.simulate((0, CLAMP, 0), rates, float(t_obs[-1]), ctx.noise(), after=after)
    return {"states": G.states_at(times, states, t_obs)}


@hw.wrong_answer("clamp by a rate change (k3 set so that B's mean is b, B free)",
                 says="when the clamp is made by changing a rate constant instead of holding B "
                      "at its level")
def wrong_rate_clamp(values, ctx):
    k1, k2, _, k4 = probe(ctx).rates
    return {**values, "test_clamped": _clamped_run(ctx, (k1, k2, k1 / CLAMP, k4))}


@hw.wrong_answer("clamp that also switches off A -> B (A is never used up)",
                 says="when the clamp switches off the reaction that uses up A")
def wrong_clamp_blocks_a(values, ctx):
    k = probe(ctx).rates
    hold = G.clamp_b(CLAMP)

    def propensity(x, kk):
        return (kk[0], 0.0, kk[2] * x[1], kk[3] * x[2])
    p, n = probe(ctx), ctx.sizes["num_clamped_states"]
    t_obs = G.observation_times(p.t_burn, p.spacing, n)
    times, states = G.simulate((0, CLAMP, 0), k, float(t_obs[-1]), ctx.noise(),
                               propensity=propensity, after=hold)
    return {**values, "test_clamped": {"states": G.states_at(times, states, t_obs)}}


def _scm_draws(rng, rates, n: int, mode: str) -> dict:
    """n draws of a (wrong) SCM as the student's sample_scm would return them."""
    k1, k2, k3, k4 = rates
    if mode == "independent":
        a, b, c = (rng.poisson(m, n) for m in G.stationary_means(rates))
        return {"A": a, "B": b, "C": c}
    a = rng.poisson(k1 / k2, n)
    b = rng.poisson(k2 * a / k3)
    if mode == "observed":
        return {"A": a, "B": b, "C": rng.poisson(k3 * b / k4)}
    if mode == "condition":          # observational draws with B = b, by selection
        kept = []
        while sum(len(x) for x in kept) < n:
            a = rng.poisson(k1 / k2, 4 * n)
            kept.append(a[rng.poisson(k2 * a / k3) == CLAMP])
        a = np.concatenate(kept)[:n]
    b = np.full(n, CLAMP)
    return {"A": a, "B": b, "C": rng.poisson(k3 * b / k4)}


@hw.wrong_answer("do(B = b) by keeping the observational draws with B = b (conditioning)",
                 says="when do(B = b) is replaced by conditioning on B = b")
def wrong_condition(values, ctx):
    rng, p, n = ctx.noise(), probe(ctx), ctx.sizes["num_scm_samples"]
    return {**values, "test_scm": {"do": _scm_draws(rng, p.rates, n, "condition"),
                                   "observed": _scm_draws(rng, p.rates, n, "observed")}}


@hw.wrong_answer("the stationary product of Poissons taken as the SCM (no arrows)",
                 says="when the SCM is written as the independent Poissons of the stationary "
                      "law, without arrows from parent to child")
def wrong_independent(values, ctx):
    rng, p, n = ctx.noise(), probe(ctx), ctx.sizes["num_scm_samples"]
    under_do = _scm_draws(rng, p.rates, n, "independent")
    under_do["B"] = np.full(n, CLAMP)
    return {**values, "test_scm": {"do": under_do,
                                   "observed": _scm_draws(rng, p.rates, n, "independent")}}


def _cascade_with(ctx, **wrong) -> dict:
    p = probe(ctx)
    c = p.cascade
    return {key: G.cascade_equilibrium(c["rates"], c["E1"], c["T"], iv, **wrong)
            for key, iv in _interventions(p).items()}


@hw.wrong_answer("cascade: g1 (one site) for the two-site proteins Mek and Erk",
                 says="when the one-site saturation g1 is used for the two-site proteins")
def wrong_g1(values, ctx):
    return {**values, "test_cascade": _cascade_with(ctx, g=(G.g1, G.g1, G.g1))}


@hw.wrong_answer("cascade: w = v_inh / v_act instead of v_act / v_inh",
                 says="when the activation and inhibition rates are swapped in w")
def wrong_inverted_w(values, ctx):
    return {**values, "test_cascade": _cascade_with(ctx, weight=lambda act, inh: inh / act)}


@hw.wrong_answer("clamped ODE: the level set at the start only, then left to relax",
                 says="when the clamped species is only started at the level instead of held there")
def wrong_initial_value(values, ctx):
    p = probe(ctx)
    c = p.cascade
    return {**values, "test_cascade_ode": {
        "do_K2": G.cascade_equilibrium(c["rates"], c["E1"], c["T"])}}


# The manifest: what each file of solutions/gillespie_m2/{mistakes,alternatives}/ scores
# (autograder/homework.py). tests/test_homeworks.py grades the entries with a seed, one
# kernel run each; files that replace disjoint answer cells share a run.
# the correct alternative (clamped chain, SCM, cascade) beside an ODE clamp that only sets
# the start
hw.variant(("alternatives/reset_noise.py", "mistakes/start_only_clamp.py"), seed=41,
           loses=["test_cascade_ode"], told={"test_cascade_ode": "not only at the start"})
# three mistakes in three answer cells; conditioning by selection gets the observational
# SCM right (one of test_scm's two tests)
hw.variant(("mistakes/clamp_by_rate.py", "mistakes/condition_by_selection.py",
            "mistakes/g1_everywhere.py"), seed=42,
           loses=["test_clamped", "test_cascade"], partly=["test_scm"],
           told={"test_clamped": "changing a rate constant", "test_scm": "conditions instead"})
# graded by benchmarks/scores.py only (simulated without a kernel in the suite)
hw.variant(("mistakes/independent_scm.py", "mistakes/inverted_w.py"),
           loses=["test_scm", "test_cascade"])
