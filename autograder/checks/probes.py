"""Inputs the grader hands to the student's functions, and draws that must vary.

A function check that only ever calls the student's function on fixed inputs can
be passed by a lookup table: recognise the input, return the truth typed in. So
each such check also calls the function on an input drawn for the submission
from the grader's seed (`draw_probe`), from a family whose truths the checks
derive with the same code as the real ones. The family is filtered by an
`accept` rule, which is where a homework states why its sample-size design
holds for every table it can hand out.

A sampler has the mirror-image loophole: it can return stored draws. Calling it
twice with two seeds and requiring different draws (`fresh_draws`) closes it.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .result import CheckResult, failed, passed

MAX_TRIES = 10_000


def draw_probe(seed: int, propose: Callable, accept: Callable, max_tries: int = MAX_TRIES):
    """The first candidate `propose(rng)` that `accept` keeps, rng seeded by `seed`.

    Rejection sampling: the result is a draw from the family conditioned on the
    accept rule, reproducible from the seed. The families in this course keep a
    few per cent of their candidates or more, so `max_tries` is never reached in
    practice; reaching it is a bug in the family, not in the submission.
    """
    rng = np.random.default_rng(seed)
    for _ in range(max_tries):
        candidate = propose(rng)
        if accept(candidate):
            return candidate
    raise RuntimeError(f"no acceptable probe input in {max_tries} tries (seed {seed})")


def twice(func: str, kwargs: Callable, seeds: tuple[str, str],
          keys: tuple[str, str] = ("draws", "again"), again: dict | None = None) -> Callable:
    """The grader's calls of a sampler, twice: func(**kwargs(ctx), seed=...) under the
    seeds of the two labels in `seeds`, as {keys[0]: ..., keys[1]: ...}. The first
    call's draws are tested; the second's must be new (`fresh_draws`, or `repeated` for
    a discrete sampler). `again` overrides arguments of the second call (a smaller
    size: it only has to differ)."""
    def calls(ctx):
        args = kwargs(ctx)
        return {key: (func, {**args, **(extra or {}), "seed": ctx.seed_for(label)})
                for key, label, extra in zip(keys, seeds, (None, again))}
    return calls


def replayed(values: dict, grade_ids, key: str = "draws") -> dict:
    """The answers of a sampler that stored its draws: for each question called `twice`,
    the second call hands back the first call's draws (a simulated mistake)."""
    return {**values, **{g: {key: values[g][key], "again": values[g][key]} for g in grade_ids}}


# Independent draws of a continuous law share (almost) no values: float32 rounding
# leaves a handful of coincidences among thousands of draws at most, and resampled
# draws repeat values within one call but come from a fresh pool on the next. A
# share this large only comes from draws that were stored or re-seeded with a
# constant, so the check is deterministic in effect and takes no share of the
# false-fail budget.
REPEATED_SHARE = 0.5


# Stored draws with a little noise added per call share no values, but the second call's
# draws then track the first's position by position. For draws that are iid within a call
# (declared by the question: `iid=True`), |a_i - b_i| and |a_i - b_(i+1)| have the same law,
# so the ratio of their medians is about 1, with sd about 0.07 at 500 draws and 0.05 at
# 1000 (sorted output too: the shift is one position); stored draws plus noise of sd s give
# about s / sqrt(sd^2 + s^2). Below JITTER_RATIO (ten sds below 1 at 500 draws) only a
# replay explains it: no share of the false-fail budget, as above. Caught: noise added per
# call below about a quarter of the draws' sd (docs/statistics.md). Too few draws: no test.
JITTER_RATIO = 0.25
JITTER_MIN = 500


def jitter_ratio(first, second) -> float:
    """median |a_i - b_i| / median |a_i - b_(i+1)| (cyclic), on the first min(len) values
    of each call; 1.0 when there are fewer than JITTER_MIN values to tell."""
    a = np.asarray(first, dtype=np.float64).ravel()
    b = np.asarray(second, dtype=np.float64).ravel()
    m = min(a.size, b.size)
    if m < JITTER_MIN:
        return 1.0
    a, b = a[:m], b[:m]
    shifted = np.median(np.abs(a - np.roll(b, 1)))
    return float(np.median(np.abs(a - b)) / shifted) if shifted > 0 else 1.0


def fresh_draws(first, second, name: str, iid: bool = False) -> CheckResult:
    """Fail when the draws of a second call, made with another seed, repeat the first;
    with `iid` (draws independent and identically distributed within a call), also when
    they track the first call's value by value (stored draws with noise added per call)."""
    a = np.asarray(first, dtype=np.float64).ravel()
    b = np.asarray(second, dtype=np.float64).ravel()
    share = float(np.isin(b, a).mean()) if b.size else 1.0
    ratio = jitter_ratio(a, b) if iid else 1.0
    detail = dict(repeated_share=share, threshold=REPEATED_SHARE, jitter_ratio=ratio)
    if share >= REPEATED_SHARE:
        return failed(_SAME_DRAWS.format(name=name), **detail)
    if ratio < JITTER_RATIO:
        return failed(_JITTERED.format(name=name), **detail)
    return passed(f"`{name}` draws new values for a new seed.", **detail)


# the words the fresh-draws checks use for stored draws (`check_says=` of such mistakes)
STORED_DRAWS_WORDS = "returned the same draws when the grader called it again"
_SAME_DRAWS = ("`{name}` " + STORED_DRAWS_WORDS + " with another "
               "seed. A sampler must draw fresh random numbers from its `seed` argument on every "
               "call (seed your generator with it, e.g. pyro.set_rng_seed(seed) or "
               "random_seed=seed); stored or re-used draws earn no credit.")


_JITTERED = ("`{name}` returned, value by value, nearly the same draws when the grader called it "
             "again with another seed: each draw of the second call stays close to the draw in "
             "the same position of the first, as stored draws with a little noise added do. A "
             "sampler must draw fresh random numbers from its `seed` argument on every call; "
             "stored or re-used draws earn no credit.")


def stale(first, second, name: str, iid: bool = False) -> list[CheckResult] | None:
    """None when a sampler's second call drew new values; else [the failed fresh_draws
    result], which replaces every other result of the question (stored draws earn
    nothing). `iid`: see fresh_draws."""
    res = fresh_draws(first, second, name, iid)
    return None if res.passed else [res]


def repeated(first, second, name: str) -> list[CheckResult] | None:
    """`stale` for a sampler whose right draws repeat values by chance (outcomes of a
    discrete law, records such as episodes): None unless the second call's draws are the
    first call's first ones, item by item; else [the failed result]. With k draws in the
    second call of a law whose sum of squared probabilities is at most q, a right sampler
    fails with chance at most q ** k: the homework picks k so that this is negligible."""
    first, second = list(first), list(second)
    same = (0 < len(second) <= len(first)
            and all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(first, second)))
    return [failed(_SAME_DRAWS.format(name=name), repeated_share=1.0)] if same else None
