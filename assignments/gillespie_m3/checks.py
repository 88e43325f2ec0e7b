"""Hidden checks for the Gillespie kit, milestone 3 (course brief, section 10.2): where the
dynamic model and the equilibrium SCM disagree. The intervention multiplies the rate k3
of B -> C by a factor f instead of clamping B.

Never released to students. The exact values come from autograder/studies/gillespie.py
(`rate_change_truth`): the chain's mean of C stays k1/k4 (the flux through B -> C is k1
whatever k3 is); the SCM's do(B = k1 / (f k3)) predicts k1 / (f k4); the SCM with k3
changed in every assignment it enters predicts k1/k4 again; the disagreement is
k1/k4 (1 - 1/f), positive for f > 1 and negative for f < 1. The bands come from exact
standard errors: a time average of C over T has variance (2 lambda / (k4 T))
(1 - (1 - e^{-k4 T}) / (k4 T)) (C's autocorrelation is exp(-k4 t)), and an SCM mean of n
draws has variance Var(C) / n with the SCM's exact Var(C). The sizes are the smallest
with power 0.999 against each known wrong answer on every corner of the probe family.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from autograder.checks import as_dict, as_float, close_to, draw_probe, required_n, z_critical
from autograder.homework import Homework
from autograder.studies import gillespie as G

hw = Homework()

POWER = 0.999
N_CHECKS = 4
MIN_SCM_SAMPLES = 1000
EVENTS_SHIFT = 0.25   # weighting the states by events raises every mean by 1/4 (study doc)
KEYS = ("dynamic", "scm_do", "scm_rates", "disagreement")


# --------------------------------------------------------------- the design
def _corners():
    """The family's extreme cases: each stationary mean and the factor at an end."""
    for means in itertools.product(G.MEANS_RANGE, repeat=3):
        for f in G.FACTORS:
            yield [1.0] + [1.0 / m for m in means], f


def _wrong(rates, f: float) -> dict:
    """Each known wrong answer's value of each key it changes (module doc; the wrong
    answers below)."""
    truth = G.rate_change_truth(rates, f)
    k1, k2, k3, k4 = rates
    old_do = k1 / k4                          # do(B) at B's old mean k1/k3
    inverted = k3 * (k1 * f / k3) / k4        # k3 divided by f: B's level k1 f / k3
    return {"events": {"dynamic": truth["dynamic"] + EVENTS_SHIFT,
                       "disagreement": truth["disagreement"] + EVENTS_SHIFT},
            "old_level": {"scm_do": old_do, "disagreement": truth["dynamic"] - old_do},
            "inverted": {"scm_do": inverted, "disagreement": truth["dynamic"] - inverted},
            "sign": {"disagreement": -truth["disagreement"]},
            "b_only": {"scm_rates": truth["scm_do"]}}


def _scm_sds(rates, f: float) -> dict:
    """Per-draw sd of the SCM means under do and under the changed rates."""
    return {"scm_do": math.sqrt(G.scm_c_variance(rates, {"B": G.new_b_level(rates, f)})),
            "scm_rates": math.sqrt(G.scm_c_variance(G.with_factor(rates, f)))}


def _gaps():
    """(corner, key, |wrong - truth|) for every known wrong value on every corner."""
    for rates, f in _corners():
        truth = G.rate_change_truth(rates, f)
        for wrong in _wrong(rates, f).values():
            for key, value in wrong.items():
                yield (rates, f), key, abs(value - truth[key])


def _scm_samples(alpha: float) -> int:
    """SCM draws per mean: power 0.999 against the wrong SCM means, and the do-mean's
    noise at most half of the disagreement's variance budget (the run takes the rest)."""
    k = z_critical(alpha) + float(norm.ppf(POWER))
    need = MIN_SCM_SAMPLES
    for (rates, f), key, gap in _gaps():
        sds = _scm_sds(rates, f)
        if key in sds:
            need = max(need, required_n(sds[key], gap, alpha, power=POWER))
        if key == "disagreement":
            need = max(need, math.ceil(2 * sds["scm_do"] ** 2 / (gap / k) ** 2))
    return int(math.ceil(need / 1000) * 1000)


def _relaxations(alpha: float, n_scm: int) -> int:
    """Relaxation times of C (1/k4) the run is averaged over: the smallest N whose band on
    `dynamic` and on `disagreement` (the SCM's share of its variance included) rejects
    every wrong value with power 0.999 on every corner. A time average over N/k4 has
    variance at most 2 lambda / N (G.time_average_sd)."""
    k = z_critical(alpha) + float(norm.ppf(POWER))
    need = 1
    for (rates, f), key, gap in _gaps():
        if key not in ("dynamic", "disagreement"):
            continue
        scm_var = _scm_sds(rates, f)["scm_do"] ** 2 / n_scm if key == "disagreement" else 0.0
        room = (gap / k) ** 2 - scm_var
        need = max(need, math.ceil(2 * G.rate_change_truth(rates, f)["dynamic"] / room))
    return int(math.ceil(need / 100) * 100)


@hw.design
def design(budget: float) -> dict[str, int]:
    """num_scm_samples: SCM draws per mean; relaxations: C's relaxation times averaged."""
    alpha = budget / hw.total_checks
    n_scm = _scm_samples(alpha)
    return {"num_scm_samples": n_scm, "relaxations": _relaxations(alpha, n_scm)}


# ------------------------------------------------------------- the probes
@dataclass(frozen=True)
class Probe:
    rates: tuple
    factor: float
    t_burn: float       # ten relaxation times of the slowest species after the change
    t_total: float      # `relaxations` relaxation times of C


@hw.probe
def probe(ctx) -> Probe:
    """The chain and the factor, drawn once per submission from the grader's seed."""
    seed = ctx.seed_for("chain")
    rates = draw_probe(seed, G.random_rates, lambda r: True)
    factor = G.random_factor(np.random.default_rng(seed + 1))
    t_burn, _ = G.observation_plan(G.with_factor(rates, factor))
    return Probe(tuple(rates), factor, round(t_burn, 3),
                 round(ctx.sizes["relaxations"] / rates[3], 3))


def _ses(p: Probe, n_scm: int) -> dict:
    truth = G.rate_change_truth(p.rates, p.factor)
    sds = _scm_sds(p.rates, p.factor)
    dyn = G.time_average_sd(truth["dynamic"], p.rates[3], p.t_total)
    do = sds["scm_do"] / math.sqrt(n_scm)
    return {"dynamic": dyn, "scm_do": do, "scm_rates": sds["scm_rates"] / math.sqrt(n_scm),
            "disagreement": math.hypot(dyn, do)}


# ------------------------------------------------------------------ checks
def _calls(ctx):
    p = probe(ctx)
    return {"effect": ("rate_change_effect", {
        "rates": list(p.rates), "factor": p.factor, "t_burn": p.t_burn, "t_total": p.t_total,
        "num_samples": ctx.sizes["num_scm_samples"], "seed": ctx.seed_for("effect")})}


HINTS = {
    "dynamic": "Weigh C by the time the run spends at each count (the integral of C over "
               "the window, divided by its length), in the chain with k3 multiplied by the "
               "factor.",
    "scm_do": "Intervene on the SCM of the original rates with do(B = b), b = B's new "
              "stationary mean k1 / (factor k3).",
    "scm_rates": "Change k3 in every assignment of the SCM in which it appears.",
    "disagreement": "The disagreement is the dynamic model's mean of C minus the SCM's "
                    "prediction under do; its sign matters.",
}


@hw.question("test_rate_change", n_checks=N_CHECKS, calls=_calls)
def check_rate_change(values, ctx):
    p = probe(ctx)
    name = "rate_change_effect(rates, factor, t_burn, t_total, num_samples, seed)"
    effect = as_dict(values["effect"], name, KEYS)
    truth, ses = G.rate_change_truth(p.rates, p.factor), _ses(p, ctx.sizes["num_scm_samples"])
    return [close_to(as_float(effect[key], f"{name}[{key!r}]"), truth[key], ses[key], ctx.alpha,
                     name=f"{name}[{key!r}]", hint=HINTS[key]) for key in KEYS]


# ------------------------------------------------------ known wrong answers
def _mistake(ctx, label: str) -> dict:
    """What a submission with this mistake returns: each estimate drawn around the
    mistake's value with the exact standard error of its estimator (time averages over
    hundreds of relaxation times and means of thousands of draws are normal), and the
    disagreement computed from them as the submission would (negated for "sign")."""
    p, rng = probe(ctx), ctx.noise()
    centre = {**G.rate_change_truth(p.rates, p.factor), **_wrong(p.rates, p.factor)[label]}
    ses = _ses(p, ctx.sizes["num_scm_samples"])
    out = {k: float(centre[k] + ses[k] * rng.standard_normal())
           for k in ("dynamic", "scm_do", "scm_rates")}
    out["disagreement"] = (out["dynamic"] - out["scm_do"]) * (-1 if label == "sign" else 1)
    return {"effect": out}


@hw.wrong_answer("dynamic mean of C weighted by events instead of time",
                 says="when the run's states are counted once per reaction instead of by the "
                      "time spent in them")
def wrong_events(values, ctx):
    return {**values, "test_rate_change": _mistake(ctx, "events")}


@hw.wrong_answer("do(B) at B's old level k1/k3 (the rate change's effect on B forgotten)",
                 says="when the SCM is intervened at B's level before the rate change")
def wrong_old_level(values, ctx):
    return {**values, "test_rate_change": _mistake(ctx, "old_level")}


@hw.wrong_answer("k3 divided by the factor instead of multiplied",
                 says="when k3 is divided by the factor instead of multiplied by it")
def wrong_inverted(values, ctx):
    return {**values, "test_rate_change": _mistake(ctx, "inverted")}


@hw.wrong_answer("disagreement taken the other way round (SCM minus dynamic)",
                 says="when the disagreement is taken as the SCM's prediction minus the "
                      "dynamic model's")
def wrong_sign(values, ctx):
    return {**values, "test_rate_change": _mistake(ctx, "sign")}


@hw.wrong_answer("rate change written into B's assignment only",
                 says="when the new rate is written into B's assignment but not into C's")
def wrong_b_only(values, ctx):
    return {**values, "test_rate_change": _mistake(ctx, "b_only")}


# The manifest: what each file of solutions/gillespie_m3/{mistakes,alternatives}/ scores
# (autograder/homework.py). The question's four numbers are scored separately, so a
# mistake in one part keeps the rest. tests/test_homeworks.py grades the entry with a
# seed in one kernel run: the correct alternative (dynamic mean and SCM means) beside
# do(B) at B's old level in the effect cell.
hw.variant(("alternatives/online_exact.py", "mistakes/old_level.py"), seed=51,
           partly={"test_rate_change": 3.0}, told={"test_rate_change": "new stationary mean"})
# Graded by benchmarks/scores.py only (simulated without a kernel in the suite). The
# events-weighted mean of C (dynamic wrong by +1/4) and the disagreement taken the other
# way round; the two SCM means stay right.
hw.variant(("mistakes/events_mean.py", "mistakes/sign.py"), partly={"test_rate_change": 3.0},
           told={"test_rate_change": "by the time the run spends"})
hw.variant("mistakes/inverted.py", partly={"test_rate_change": 3.0})
hw.variant("mistakes/b_only.py", partly={"test_rate_change": 4.5})
