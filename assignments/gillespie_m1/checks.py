"""Hidden checks for the Gillespie kit, milestone 1 (course brief, section 10.2): the
linear chain 0 -> A -> B -> C -> 0 simulated by the direct method as a Pyro program.

Never released to students. Every truth comes from autograder/studies/gillespie.py:
- given the state, a0(x) dt is Exp(1) and the reaction that fires has the law
  a(x) / a0(x), independently of everything before; so the scaled waiting times and
  the reactions' randomised PITs are two iid samples with known laws (`gof`);
- the time-weighted stationary law is the product of Poissons with means k1/k2,
  k1/k3, k1/k4; the states at regular times are autocorrelated, so they are thinned
  to nearly independent ones from ArviZ's ESS before a discrete test (`frequencies`);
- weighing states by events gives the jump chain's law pi(x) a0(x) / (4 k1) instead,
  and the number of states asked for is the smallest with power 0.999 against it.
The grader draws the chain's rates per submission (`draw_probe`), so typed-in answers
fail; the design holds for the family's hardest member.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from autograder.checks import (AnswerError, Threshold, as_array, autocorrelation_gate,
                               categorical_pit, draw_probe, failed, frequencies,
                               frequencies_power, frequencies_required_n, gof,
                               ks_required_n_at, stale, thin_to_independence)
from autograder.homework import Homework
from autograder.studies import gillespie as G

hw = Homework()

POWER = 0.999
# Below this many waiting times a KS test misses sizeable slips (docs/statistics.md:
# n = 1000 detects a 0.2 sd shift at alpha = 1e-3); the known mistakes need far fewer.
MIN_GOF_N = 1000
# t_max gives a correct run this many times the events the test uses (a chain at
# stationarity fires 4 k1 reactions per unit time; the count's sd is a few percent of
# that, so a correct run falls short with probability ~1e-10).
EVENTS_MARGIN = 1.5
WAITING_MISTAKES = ("scale_for_rate", "chosen_reaction")


# --------------------------------------------------------------- the design
def _stationary_power(rates, num_states: int, alpha: float) -> float:
    """Power against the events-weighted law at the rows a correct run keeps."""
    stationary, jump = G.stationary_tables(rates)
    kept = len(range(0, num_states, G.expected_thinning(rates)))
    return frequencies_power(stationary, jump, kept, alpha)


@hw.design
def design(budget: float) -> dict[str, int]:
    """gillespie_events: the waiting times and reactions tested (power 0.999 against
    each wrong waiting-time law, at least MIN_GOF_N); num_states: the states asked of
    stationary_states, the rows a correct run keeps after thinning having power 0.999
    against the events-weighted law on the family's hardest chain."""
    alpha = budget / hw.total_checks
    worst = G.worst_rates()
    events = max([MIN_GOF_N] + [ks_required_n_at(G.waiting_ks_distance(worst, m), alpha, POWER)
                                for m in WAITING_MISTAKES])
    stationary, jump = G.stationary_tables(worst)
    kept = frequencies_required_n(stationary, jump, alpha, POWER)
    return {"gillespie_events": int(math.ceil(events / 100) * 100),
            "num_states": int(math.ceil(kept * G.expected_thinning(worst) / 100) * 100)}


# ------------------------------------------------------------- the probes
@dataclass(frozen=True)
class Probe:
    rates: tuple      # (k1, k2, k3, k4)
    x0: tuple         # gillespie's start: a draw from the stationary law
    t_max: float      # long enough for EVENTS_MARGIN x gillespie_events events
    t_again: float    # the second call's, a tenth of it: only its draws are compared
    t_burn: float     # stationary_states' burn-in and spacing (G.observation_plan)
    spacing: float


@hw.probe
def probe(ctx) -> Probe:
    """The chain and the calls' horizons, drawn once per submission from the grader's seed."""
    seed, events = ctx.seed_for("chain"), ctx.sizes["gillespie_events"]

    def accept(rates):
        return (_stationary_power(rates, ctx.sizes["num_states"], ctx.alpha) >= POWER
                and all(ks_required_n_at(G.waiting_ks_distance(rates, m), ctx.alpha,
                                               POWER) <= events
                        for m in WAITING_MISTAKES))

    rates = tuple(draw_probe(seed, G.random_rates, accept))
    x0 = tuple(int(v) for v in np.random.default_rng(seed).poisson(G.stationary_means(rates)))
    t_burn, spacing = G.observation_plan(rates)
    t_max = round(EVENTS_MARGIN * events / (4 * rates[0]), 3)
    return Probe(rates, x0, t_max, round(t_max / 10, 3), round(t_burn, 3), round(spacing, 3))


# ------------------------------------------------------------------ guards
def _counts(value, name: str, rows: int | None) -> np.ndarray:
    states = as_array(value, name, shape=(rows, 3))
    if not np.all(states == np.round(states)):
        raise AnswerError(f"`{name}` should hold whole numbers of molecules (integers).")
    if np.any(states < 0):
        raise AnswerError(f"`{name}` has a negative number of molecules: a reaction fired whose "
                          "reactant was not there. A reaction's propensity is its rate constant "
                          "times the count of its reactant (k2 * A for A -> B), so it is 0 when "
                          "that count is 0.")
    return states.astype(np.int64)


def _trajectory(value, name: str, p: Probe, t_max: float) -> tuple[np.ndarray, np.ndarray,
                                                                     np.ndarray]:
    """(times, states, reactions) of a run up to t_max, or AnswerError naming what is off."""
    if isinstance(value, dict) or not isinstance(value, (list, tuple)) or len(value) != 2:
        raise AnswerError(f"`{name}` should return a tuple (times, states).")
    times = as_array(value[0], f"{name}[0] (the times)", shape=(None,))
    states = _counts(value[1], f"{name}[1] (the states)", len(times))
    if times.size == 0 or times[0] != 0 or tuple(states[0]) != p.x0:
        raise AnswerError(f"`{name}` should start with times[0] = 0 and states[0] = x0.")
    if len(times) > 1 and times[-1] == t_max and np.array_equal(states[-1], states[-2]):
        times, states = times[:-1], states[:-1]     # a closing row at t_max: no reaction
    if np.any(np.diff(times) < 0) or times[-1] > t_max:
        raise AnswerError(f"`{name}`: the event times should increase and stay within t_max.")
    steps = np.diff(states, axis=0)
    match = np.all(steps[:, None, :] == G.STOICHIOMETRY[None], axis=2)
    if not np.all(match.any(axis=1)):
        raise AnswerError(f"`{name}`: from one row of states to the next, exactly one reaction "
                          "should fire (one of 0 -> A, A -> B, B -> C, C -> 0).")
    return times, states, match.argmax(axis=1)


WAIT_HINT = {
    True: "They are too long for the total propensity of the state they are spent in: "
          "numpy's `exponential` takes the mean (scale) 1/a0 while torch's and Pyro's "
          "`Exponential` take the rate a0, and the waiting time belongs to the sum of all "
          "propensities, not to the reaction that fires.",
    False: "They are too short for the total propensity of the state they are spent in: "
           "check the propensities (rate constant times reactant count) and that the rate "
           "of the exponential is their sum.",
}


# ------------------------------------------------------------------ checks
def _gillespie_calls(ctx):
    p = probe(ctx)
    args = {"x0": list(p.x0), "rates": list(p.rates)}
    return {"run": ("gillespie", {**args, "t_max": p.t_max, "seed": ctx.seed_for("run")}),
            "again": ("gillespie", {**args, "t_max": p.t_again, "seed": ctx.seed_for("again")})}


@hw.question("test_gillespie", n_checks=2, calls=_gillespie_calls)
def check_gillespie(values, ctx):
    p, n = probe(ctx), ctx.sizes["gillespie_events"]
    name = "gillespie(x0, rates, t_max, seed)"
    times, states, reactions = _trajectory(values["run"], name, p, p.t_max)
    again, _, _ = _trajectory(values["again"], f"{name} (called again with another seed)", p,
                              p.t_again)
    repeated = stale(times[1:], again[1:], name)
    if repeated:
        return repeated
    use = min(n, len(times) - 1)
    if use < 2:
        raise AnswerError(f"`{name}` fired (almost) no reaction by t_max; check the waiting times.")
    u = G.total_propensity(states[:use], p.rates) * np.diff(times)[:use]
    results = [
        gof(u, stats.expon(), ctx.alpha, name=f"{name}: waiting time x total propensity",
            resolution=None, hint=WAIT_HINT[bool(np.median(u) > math.log(2))]),
        gof(categorical_pit(reactions[:use], G.propensities(states[:use], p.rates),
                            ctx.seed_for("pit")),
            stats.uniform(), ctx.alpha, name=f"{name}: the reactions that fire", resolution=None,
            hint="The reaction that fires is drawn with probabilities proportional to the "
                 "propensities a_j(x) of the current state (not to the rate constants)."),
    ]
    if use < n:
        results.append(failed(
            f"`{name}` fired far fewer reactions by t_max than this chain fires in that time; "
            "the waiting times are too long. " + WAIT_HINT[True],
            evidence=Threshold(False, len(times) - 1, n)))
    return results


def _stationary_calls(ctx):
    p = probe(ctx)
    return {"states": ("stationary_states", {
        "rates": list(p.rates), "t_burn": p.t_burn, "spacing": p.spacing,
        "num_states": ctx.sizes["num_states"], "seed": ctx.seed_for("stationary")})}


@hw.question("test_stationary", n_checks=1, calls=_stationary_calls)
def check_stationary(values, ctx):
    p, n = probe(ctx), ctx.sizes["num_states"]
    name = "stationary_states(rates, t_burn, spacing, num_states, seed)"
    states = _counts(values["states"], name, n)
    gate = autocorrelation_gate(
        states, G.integrated_autocorrelation(p.rates, p.spacing), name,
        slow_hint="Check the clock: the waiting times (rate a0, mean 1/a0) set how fast the "
                  "chain moves.",
        fast_hint="Observe one simulated run at the given times; do not draw the states "
                  "independently.")
    if not gate.passed:
        return [gate]
    kept, info = thin_to_independence(states, G.RHO_MAX, min_step=G.expected_thinning(p.rates))
    table, _ = G.stationary_tables(p.rates)
    res = frequencies(G.cell_labels(kept, table), table, ctx.alpha,
                      name=f"{name} (every {info['step']}th state)",
                      hint="The stationary law weighs each state by the time the chain spends "
                           "in it: the state at a fixed time is the one entered at the last "
                           "event before that time. Counting each visited state once per event "
                           "over-weights the states the chain leaves quickly.")
    res.detail.update(thinning=info)
    return res


# ------------------------------------------- known wrong answers (brief, 10.2)
def _gillespie_with(ctx, **mistake) -> dict:
    """Both calls of a wrong gillespie, each with its own draws."""
    p, rng = probe(ctx), ctx.noise()
    return {key: list(G.simulate(p.x0, p.rates, t_max, rng, **mistake))
            for key, t_max in (("run", p.t_max), ("again", p.t_again))}


def _stationary_with(ctx, weighting: str = "time", **mistake) -> dict:
    p, n = probe(ctx), ctx.sizes["num_states"]
    t_obs = G.observation_times(p.t_burn, p.spacing, n)
    times, states = G.simulate((0, 0, 0), p.rates, float(t_obs[-1]), ctx.noise(), **mistake)
    if weighting == "events":
        return {"states": G.events_weighted(times, states, p.t_burn, n)}
    return {"states": G.states_at(times, states, t_obs)}


@hw.wrong_answer("waiting times drawn with the rate passed as numpy's scale (mean a0)",
                 says="when the rate a0 is passed where the exponential expects its scale 1/a0")
def wrong_scale(values, ctx):
    return {**values, "test_gillespie": _gillespie_with(ctx, holding=G.holding_scale_for_rate),
            "test_stationary": _stationary_with(ctx, holding=G.holding_scale_for_rate)}


@hw.wrong_answer("waiting time drawn at the fired reaction's propensity, not the total",
                 says="when the waiting time is drawn at the propensity of the reaction that "
                      "fires instead of the total propensity")
def wrong_chosen(values, ctx):
    return {**values,
            "test_gillespie": _gillespie_with(ctx, holding=G.holding_of_chosen_reaction),
            "test_stationary": _stationary_with(ctx, holding=G.holding_of_chosen_reaction)}


@hw.wrong_answer("propensities without the counts (k_j instead of k_j x count)",
                 says="when the propensities leave out the molecule counts")
def wrong_no_counts(values, ctx):
    return {**values,
            "test_gillespie": _gillespie_with(ctx, propensity=G.propensity_without_counts),
            "test_stationary": _stationary_with(ctx, propensity=G.propensity_without_counts)}


@hw.wrong_answer("stationary states weighted by events instead of time",
                 says="when each visited state is counted once per event instead of by the "
                      "time spent in it")
def wrong_events(values, ctx):
    return {**values, "test_stationary": _stationary_with(ctx, weighting="events")}


@hw.wrong_answer("stored trajectory: gillespie returns the same run whatever the seed",
                 evidence=False)
def wrong_stored(values, ctx):
    """The first call's run, replayed for the second call up to its t_max."""
    times, states = (np.asarray(v) for v in values["test_gillespie"]["run"])
    keep = times <= probe(ctx).t_again
    return {**values, "test_gillespie": {"run": values["test_gillespie"]["run"],
                                         "again": [times[keep], states[keep]]}}


# The manifest: what each file of solutions/gillespie_m1/{mistakes,alternatives}/ scores
# (autograder/homework.py). tests/test_homeworks.py grades the entries with a seed, one
# kernel run each: the correct alternative, and two mistakes in disjoint sections.
hw.variant("alternatives/first_reaction.py", seed=31)
# gillespie seeded with a constant (a valid run, the same for every seed) and the
# stationary states taken at reactions instead of at times
hw.variant(("mistakes/fixed_seed.py", "mistakes/events_weighted.py"), seed=34,
           loses=["test_gillespie", "test_stationary"],
           told={"test_gillespie": "returned the same draws", "test_stationary": "time"})
# Graded by benchmarks/scores.py only (the suite's runs stay few; the simulated wrong
# answers above cover the same mistakes at 25 seeds without a kernel). The reactions
# that fire are right (one of test_gillespie's two tests), the clock is not.
hw.variant("mistakes/scale_for_rate.py", loses=["test_stationary"], partly=["test_gillespie"],
           told={"test_gillespie": "too long", "test_stationary": "runs too slowly"})
hw.variant("mistakes/chosen_rate.py", loses=["test_stationary"], partly=["test_gillespie"],
           told={"test_gillespie": "too long"})
hw.variant("mistakes/no_counts.py", loses=["test_gillespie", "test_stationary"],
           told=dict.fromkeys(["test_gillespie", "test_stationary"], "negative number"))
