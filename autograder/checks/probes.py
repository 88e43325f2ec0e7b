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
          keys: tuple[str, str] = ("draws", "again")) -> Callable:
    """The grader's calls of a sampler, twice: func(**kwargs(ctx), seed=...) under the
    seeds of the two labels in `seeds`, as {keys[0]: ..., keys[1]: ...}. The first
    call's draws are tested; the second's must be new (`fresh_draws`, or an equality
    test for a discrete sampler)."""
    def calls(ctx):
        return {key: (func, {**kwargs(ctx), "seed": ctx.seed_for(label)})
                for key, label in zip(keys, seeds)}
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


def fresh_draws(first, second, name: str) -> CheckResult:
    """Fail when the draws of a second call, made with another seed, repeat the first."""
    a = np.asarray(first, dtype=np.float64).ravel()
    b = np.asarray(second, dtype=np.float64).ravel()
    share = float(np.isin(b, a).mean()) if b.size else 1.0
    detail = dict(repeated_share=share, threshold=REPEATED_SHARE)
    if share < REPEATED_SHARE:
        return passed(f"`{name}` draws new values for a new seed.", **detail)
    return failed(f"`{name}` returned the same draws when the grader called it again with "
                  "another seed. A sampler must draw fresh random numbers from its `seed` "
                  "argument on every call (seed your generator with it, e.g. "
                  "pyro.set_rng_seed(seed) or random_seed=seed); stored or re-used draws "
                  "earn no credit.", **detail)


def stale(first, second, name: str) -> list[CheckResult] | None:
    """None when a sampler's second call drew new values; else [the failed fresh_draws
    result], which replaces every other result of the question (stored draws earn
    nothing)."""
    res = fresh_draws(first, second, name)
    return None if res.passed else [res]
