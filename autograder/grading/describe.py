"""How a failed answer differs from the truth, in words, when no registered mistake names it.

Read from the typed evidence of the checks that failed (autograder/checks/evidence.py):
an estimate with the wrong sign, scaled or shifted; a table whose entries are the
right numbers in the wrong places, proportional to the right ones, all off in one
direction, or right in some entries and wrong in others; counts where one outcome
carries most of the disagreement; a posterior summary against the reference
posterior's, read as an estimate; an exact table, as estimates whose band is its
tolerance; draws a distribution test rejected, by their centre and spread against
the law's or the correct sampler's (checks/summary.py). The words never hold a number (no value, truth,
tolerance or count), so they cannot leak what a right answer is. Evidence that
holds no numbers to compare (a p-value alone, a rule, a gate) describes nothing:
its check's own message already says what the test saw.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.checks import (Counts, Estimate, Estimates, Evidence, Exact, GoodnessOfFit,
                               ReferenceMatch, TwoSample)

OFF = 4.0        # |z| beyond which an entry counts as wrong in a table
RATIO_OFF = 1.5  # a factor this far from 1 reads as a scale, not a shift


def describe(evidence: list[Evidence]) -> str | None:
    """Words for the first failed piece of evidence that can be described, or None."""
    for e in evidence:
        if e.passed:
            continue
        words = _DESCRIBERS.get(type(e), lambda _: None)(e)
        if words:
            return words
    return None


def _estimate(e: Estimate) -> str | None:
    v, t, se = e.value, e.truth, e.se
    if not all(isinstance(a, (int, float)) and math.isfinite(a) for a in (v, t, se)):
        return None
    return _one(v, t, max(se, 1e-12 * max(abs(t), 1.0)))


def _one(v: float, t: float, se: float) -> str | None:
    if t != 0 and v != 0 and math.copysign(1, v) != math.copysign(1, t):
        if abs(abs(v) - abs(t)) <= max(OFF * se, abs(t) / 2):
            return ("Your answer has about the right size but the wrong sign: check the "
                    "direction of the difference or contrast you compute.")
        return "Your answer has the wrong sign, and its size is off too."
    if t != 0 and abs(v) > RATIO_OFF * abs(t):
        return ("Your answer is several times too large in size: check for a missing "
                "normalisation, a sum where a mean is asked, or a scale or unit.")
    if t != 0 and abs(v) < abs(t) / RATIO_OFF:
        return ("Your answer is several times too small in size: check for a factor or a "
                "normalisation applied twice, or a scale or unit.")
    return (f"Your answer is {'too high' if v > t else 'too low'} by more than sampling noise "
            "explains, with the right sign and roughly the right size: something shifts it.")


def _reference_match(e: ReferenceMatch) -> str | None:
    """A posterior summary against the reference posterior's: read as an estimate."""
    return _estimate(Estimate(e.passed, e.mean, e.ref_mean, e.se))


def _draws(e: GoodnessOfFit | TwoSample) -> str | None:
    """Draws a distribution test rejected: their centre and spread against the law's or
    the correct sampler's, or, when both are right, their shape."""
    c, s = e.centre_z, e.spread_z
    if c is None or s is None:
        return None
    parts = []
    if abs(c) > OFF:
        parts.append("centred too high" if c > 0 else "centred too low")
    if abs(s) > OFF:
        parts.append("spread too widely" if s > 0 else "spread too narrowly")
    if parts:
        what = ("the location (a mean or an offset)" if len(parts) == 1 and abs(c) > OFF else
                "the scale (a standard deviation for a variance, a factor)" if len(parts) == 1 else
                "both the location and the scale")
        return f"Your draws are {' and '.join(parts)}: check {what} of your sampler."
    return ("Your draws have about the right centre and spread but the wrong shape: check the "
            "family of the distribution, its tails or number of modes, or how draws are combined.")


def _exact(e: Exact) -> str | None:
    """An exact table against the truth, its tolerance read as OFF standard errors, so
    an entry is off where it misses by more than the tolerance."""
    if not e.values or len(e.values) != len(e.expected) or len(e.tolerance) != len(e.expected):
        return None   # a rule or a set: its check's message says what is wrong
    return _estimates(Estimates(False, e.values, e.expected, tuple(t / OFF for t in e.tolerance)))


def _estimates(e: Estimates) -> str | None:
    try:
        v = np.asarray(e.values, dtype=float).reshape(-1)
        t = np.asarray(e.truths, dtype=float).reshape(-1)
        se = np.asarray(e.ses, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None
    if not (v.size == t.size == se.size) or v.size == 0 or not np.all(np.isfinite(v)):
        return None
    se = np.maximum(se, 1e-12 * np.maximum(np.abs(t), 1.0))
    off = np.abs(v - t) > OFF * se
    if not off.any():
        return None
    if v.size == 1:
        return _one(float(v[0]), float(t[0]), float(se[0]))
    scale = OFF * np.sqrt(np.sum(se ** 2))
    if v.size > 1 and np.all(np.abs(np.sort(v) - np.sort(t)) <= OFF * se[np.argsort(t)]):
        return ("Your entries are the right numbers in the wrong places: check the order of "
                "the entries, or labels that are swapped.")
    if np.linalg.norm(v + t) <= scale:
        return "Every entry has the wrong sign: check the direction of what you compute."
    if not off.all():
        return ("Some of your entries are right and others are not: look at what differs for "
                "the wrong ones (a group, a level or a case your code handles differently).")
    tt = float(t @ t)
    if tt > 0:
        c = float(v @ t) / tt
        if np.linalg.norm(v - c * t) <= scale and abs(c) > 0 and (c > RATIO_OFF or c < 1 / RATIO_OFF):
            size = "too large" if abs(c) > 1 else "too small"
            return (f"Your entries are proportional to the right ones but all {size} by the "
                    "same factor: check a normalisation, a scale or a unit.")
    if np.all(v > t) or np.all(v < t):
        way = "too high" if np.all(v > t) else "too low"
        return (f"All your entries are {way}: something shifts every one of them the same "
                "way (a baseline, an offset, a term left in or out).")
    return None


def _counts(e: Counts) -> str | None:
    try:
        o = np.asarray(e.counts, dtype=float)
        x = np.asarray(e.expected, dtype=float)
    except (TypeError, ValueError):
        return None
    if o.size < 2 or o.size != x.size or np.any(x <= 0):
        return None
    parts = (o - x) ** 2 / x
    if parts.sum() <= 0:
        return None
    k = int(np.argmax(parts))
    if parts[k] >= 0.6 * parts.sum():
        way = "far more often" if o[k] > x[k] else "far less often"
        return (f"One outcome comes up {way} than it should while the others are about "
                "right: check the probability your sampler gives that one outcome.")
    return ("The shares of many outcomes are off, not just one: check how your sampler "
            "weighs the outcomes overall (the probabilities used, or draws that are not "
            "independent).")


_DESCRIBERS = {Estimate: _estimate, Estimates: _estimates, Counts: _counts,
               ReferenceMatch: _reference_match, Exact: _exact, GoodnessOfFit: _draws,
               TwoSample: _draws}
