"""Multi-stage (sequential) checks: draw in stages, reject early, accept only at the end.

StochasticGrade (Kim, Geathers & Piech, EDM 2024) draws n_i = 400 * 4**i samples
at stage i and spends the false-fail budget across stages. Here:

  * stage sizes n_1 < n_2 < ... < n_K = n_final (cumulative: stage i tests all
    n_i draws so far; the sampler callback is asked only for the new ones);
  * stage i runs the caller's check at level alpha_i = a(t_i) - a(t_{i-1}) of an
    alpha-spending function a(t), t_i = n_i / n_final, a(0) = 0, a(1) = alpha.
    The false-fail rate is <= sum alpha_i = alpha by the union bound, whatever
    the dependence between stages (no normal-theory boundary is assumed);
  * a rejection at any stage is final (so a clearly wrong answer costs n_1 or
    n_2 draws instead of n_final); acceptance happens only at the last stage,
    with the full n_final draws the question was sized for. Accepting early
    would need every known wrong answer to be detected by then with power
    0.999, which holds only for mistakes larger than the one n_final is sized
    for, so it is not offered.

Spending functions (Lan & DeMets 1983): "pocock" a(t) = alpha ln(1 + (e - 1) t)
(spends early: cheap rejections); "obrien" a(t) = 2 - 2 Phi(z_{alpha/2} / sqrt t)
(almost nothing early, keeps nearly all of alpha for the last stage);
"equal" alpha / K per stage.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from .budget import z_critical
from .evidence import Malformed
from .result import AnswerError, CheckResult, failed, passed


def stage_sizes(n_final: int, n_first: int = 400, growth: float = 4.0) -> list[int]:
    """[n_first, n_first*growth, ...] below n_final, then n_final."""
    n_final, n_first = int(n_final), int(n_first)
    if n_final < 1 or n_first < 1 or not growth > 1:
        raise ValueError("need n_final, n_first >= 1 and growth > 1")
    sizes, n = [], float(n_first)
    while round(n) < n_final:
        sizes.append(int(round(n)))
        n *= growth
    return sizes + [n_final]


def spending(alpha: float, fractions, kind: str = "pocock") -> list[float]:
    """Per-stage levels alpha_i = a(t_i) - a(t_{i-1}) for cumulative fractions t_i (last = 1)."""
    z_critical(alpha)
    t = np.asarray(fractions, dtype=np.float64)
    if t.size == 0 or np.any(np.diff(t) <= 0) or t[0] <= 0 or abs(t[-1] - 1.0) > 1e-12:
        raise ValueError("fractions must increase strictly from > 0 to 1")
    if kind == "pocock":
        a = alpha * np.log1p((math.e - 1.0) * t)
    elif kind == "obrien":
        a = 2.0 * norm.sf(z_critical(alpha) / np.sqrt(t))
    elif kind == "equal":
        a = alpha * np.arange(1, t.size + 1) / t.size
    else:
        raise ValueError(f"unknown spending function {kind!r}")
    a[-1] = alpha
    return np.diff(np.r_[0.0, a]).tolist()


def sequential(draw, check, alpha: float, n_final: int, n_first: int = 400,
               growth: float = 4.0, spend: str = "pocock", name: str = "samples") -> CheckResult:
    """Run `check` on growing samples from `draw`, rejecting at the first failing stage.

    draw(k) -> k new draws (array with k rows; may raise AnswerError).
    check(samples, alpha_i) -> CheckResult of the test at level alpha_i, e.g.
    ``lambda x, a: gof(x, dist, a, name="theta", method="ad")`` (no min_n inside:
    the stages are smaller on purpose). A malformed answer ends the run.
    Returns the deciding stage's result, detail extended with `stages`
    (n, alpha, pvalue per stage run), `draws` (the number drawn) and `decided_at`.
    """
    sizes = stage_sizes(n_final, n_first, growth)
    alphas = spending(alpha, [n / sizes[-1] for n in sizes], spend)
    parts, have, log = [], 0, []
    result = None
    for i, (n_i, a_i) in enumerate(zip(sizes, alphas)):
        try:
            new = np.asarray(draw(n_i - have))
            if new.ndim == 0 or new.shape[0] != n_i - have:
                got = 1 if new.ndim == 0 else new.shape[0]
                raise AnswerError(f"`{name}`: asked for {n_i - have} draws, the sampler returned {got}.")
        except AnswerError as e:
            return failed(str(e), evidence=Malformed(), error="malformed", stages=log, draws=have)
        parts.append(new)
        have = n_i
        result = check(np.concatenate(parts), a_i)
        log.append(dict(n=n_i, alpha=a_i, pvalue=result.detail.get("pvalue"), passed=result.passed))
        if not result.passed:
            break
    detail = dict(result.detail, stages=log, draws=have, decided_at=len(log), spending=spend,
                  stage_sizes=sizes)
    if result.passed:
        return passed(result.message, evidence=result.evidence, **detail)
    return failed(result.message, score=result.score, evidence=result.evidence, **detail)


# ---------------------------------------------------------------- early rejection
# A question whose estimate comes from the student's own sampler (a probe table's
# effect, num_samples draws) can be asked in stages by the grading engine: the
# kernel is asked for stage_sizes' new draws one stage at a time, and only while
# the running estimate is not yet rejected (docs/engine.md, "Early rejection").
# The last stage keeps FINAL_SHARE of the question's level, so the design sizes
# its n at that level and the promised power holds at the last stage; the
# earlier stages share the rest equally. By the union bound the false-fail rate
# stays within the level, whatever the dependence between stages.
FINAL_SHARE = 0.9


def stage_levels(alpha: float, stages: int) -> list[float]:
    """Per-stage levels of a staged estimate (FINAL_SHARE of alpha last)."""
    if stages <= 1:
        return [alpha]
    early = (1.0 - FINAL_SHARE) * alpha / (stages - 1)
    return [early] * (stages - 1) + [FINAL_SHARE * alpha]


def pooled(estimates, draws) -> float:
    """The estimate from all stages so far: each stage's estimate weighted by its draws
    (the estimate a single call with their sum would have made, up to its noise)."""
    estimates, draws = [float(e) for e in estimates], [int(d) for d in draws]
    if len(estimates) != len(draws) or not estimates or min(draws) < 1:
        raise ValueError("one positive draw count per stage estimate")
    return sum(e * d for e, d in zip(estimates, draws)) / sum(draws)
