"""Name the likely misconception behind a failed answer.

When a question fails, every known wrong answer the homework registers
(`@hw.wrong_answer`) is simulated for the same submission: the same probes (the
same Context seed) with fresh sampling noise, graded by the same check. Then the
student's answer is compared with the truth and with the simulated mistake on
the numbers the check itself compared, read from the typed evidence each check
returns (autograder/checks/evidence.py), by its type:

  * Estimate, Estimates (close_to, close_to_each, close_to_table): the student's
    value v is N(truth, se^2) if right, and N(w, 2 se^2) if it makes the mistake
    (w is one noisy draw of that mistake). The log likelihood ratio is
    sum(z_t^2 / 2 - z_w^2 / 2 - ln(2) / 2), z_t = (v - truth) / se and
    z_w = (v - w) / (sqrt(2) se); any |z_w| beyond the check's own critical value
    rules the mistake out. An exact quantity (se 0): v must equal w (float
    tolerance) where it differs from the truth;
  * Counts (frequencies): the mistake's severity often depends on details (how
    large a pool, how many steps), so each table's counts are fitted as the truth
    moved along the mistake's direction by a free non-negative amount; the residual
    X^2 against the fitted shares, summed over the question's tables, is tested once
    at CONSISTENT_P (rejected: the mistake is ruled out); the log ratio is half the
    fall in X^2 (one-parameter likelihood ratio per table). Estimates and counts of
    one question add up;
  * GoodnessOfFit, TwoSample (draws tested against a law or a reference sampler),
    when the question has neither of the above: a two-sample KS test of the draws
    each test read (the quantiles its evidence keeps, so draws the check derived
    from the answer, such as waiting times from a trajectory, are compared too),
    the student's against the simulated mistake's; where the evidence keeps none
    (a homework's own test statistic), the answer's own arrays of draws;
  * ReferenceMatch (a posterior mean against the reference posterior's), when the
    question has none of the above: weighed as estimates, but only the means the
    mistake replaces outright. A simulation may build the mistake from the student's
    own draws; then its means follow the student's and the ratio would compare the
    student with themselves. So the student's answer to the question is shifted
    (every number in it by SHIFT) and the mistake simulated again with the same
    noise: a mean that does not move is the mistake's own and is weighed; one that
    moves and equals the student's is left alone by the mistake and is dropped; one
    that moves and differs from the student's rules the mistake out;
  * Exact, Threshold, Convergence, Malformed carry no number to weigh: a rule with no
    noise, a one-sided limit, a gate, or no answer;
  * first of all, and for an answer with none of these (a set, a formula): plain
    equality with the mistake's answer (floats to a relative 1e-5).

Evidence of a type not listed here is a programming error in the checks (its
numbers would silently be ignored) and raises TypeError; the generic tests grade
every homework's mistakes through this code, so a new kind fails them.

A mistake whose simulated answer passes or fails other parts of the question
than the student's (the checks' own verdicts) does not explain it. The mistake is
named when its log ratio is at least ln(100) (it explains the answer a hundred
times better than the truth) and it is the best of those that qualify. The student
sees the registered `says` words, never a number; the TA sees the label and the
ratio in grading.json.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats

from autograder.checks import (Convergence, Counts, Estimate, Estimates, Exact, GoodnessOfFit,
                               Malformed, ReferenceMatch, Threshold, TwoSample, z_critical)
from autograder.grading.answers import Unavailable
from autograder.grading.verdict import QuestionResult, grade_values
from autograder.homework import Context, Homework

MIN_LOG_RATIO = math.log(100.0)
CONSISTENT_P = 0.01
EXACT = 1e-5          # relative tolerance for "the same exact value"
MATCH_LOG_RATIO = math.inf  # an exact match of a mistake's answer beats any noisy one


@dataclass(frozen=True)
class Diagnosis:
    label: str            # the homework's name for the mistake (TA-facing)
    says: str | None      # words for the student, or None: recorded for the TA only
    log_ratio: float

    def message(self) -> str | None:
        return f"This matches the answer you get {self.says}." if self.says else None


def diagnose(hw: Homework, grade_id: str, answers: dict, result: QuestionResult,
             ctx: Context) -> Diagnosis | None:
    """The registered mistake that explains a failed answer far better than the truth."""
    if result.status != "graded" or result.points >= result.max_points or grade_id not in answers:
        return None
    question = hw.questions[grade_id]
    best = None
    for label, mistake in hw.wrong_answers.items():
        if label in hw.no_evidence:
            continue
        noisy = replace(ctx, noise_seed=_noise_seed(ctx.seed, label))
        try:
            simulated = mistake(dict(answers), noisy)
            wrong = simulated[grade_id]
        except Exception:  # noqa: BLE001 - a mistake that cannot be simulated here names nothing
            continue
        if wrong is answers[grade_id]:
            continue  # this mistake leaves the question alone

        def again(shifted, mistake=mistake, noisy=noisy):
            return mistake({**answers, grade_id: shifted}, noisy)[grade_id]
        ratio = _log_ratio(question, answers[grade_id], wrong, result, ctx, again)
        if ratio is not None and ratio >= MIN_LOG_RATIO and (best is None or ratio > best.log_ratio):
            best = Diagnosis(label, hw.says.get(label), ratio)
    return best


def is_told(hw: Homework, label: str, found: Diagnosis | None, result: QuestionResult) -> bool:
    """Whether a student who made the mistake `label` and got `result` reads it named:
    the diagnosis found it (its label, or another label with the same words), or the
    failing check's own message carries the words registered as its `check_says`."""
    if found is not None and (found.label == label
                              or (found.says and found.says == hw.says.get(label))):
        return True
    words = hw.check_words.get(label)
    return bool(words and words in " ".join(result.messages))


def _noise_seed(seed: int, label: str) -> int:
    digest = hashlib.sha256(f"diagnose:{seed}:{label}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


@dataclass
class Weighed:
    """The numbers a question's checks compared, gathered from their evidence."""
    estimates: list = field(default_factory=list)   # (value, truth, se)
    counts: list = field(default_factory=list)      # (observed, expected)
    pvalues: list = field(default_factory=list)     # of tests of draws
    sketches: list = field(default_factory=list)    # (quantiles, n) of each test's draws
    posterior: list = field(default_factory=list)   # (mean, reference mean, se)

    @classmethod
    def of(cls, evidence) -> "Weighed":
        out = cls()
        for e in evidence:
            if type(e) not in _READERS:
                raise TypeError(f"evidence of type {type(e).__name__}: the diagnosis does not "
                                "know it (autograder/grading/misconceptions.py)")
            _READERS[type(e)](e, out)
        return out


def _estimate(e: Estimate, out: Weighed) -> None:
    out.estimates.append((e.value, e.truth, e.se))


def _estimates(e: Estimates, out: Weighed) -> None:
    out.estimates += list(zip(e.values, e.truths, e.ses))


def _counts(e: Counts, out: Weighed) -> None:
    out.counts.append((e.counts, e.expected))


def _test(e: GoodnessOfFit | TwoSample, out: Weighed) -> None:
    if math.isfinite(e.pvalue):
        out.pvalues.append(e.pvalue)
        out.sketches.append((e.quantiles, e.n))


def _reference(e: ReferenceMatch, out: Weighed) -> None:
    out.posterior.append((e.mean, e.ref_mean, e.se))


def _nothing(e, out: Weighed) -> None:
    """No number to weigh (module doc)."""


_READERS = {Estimate: _estimate, Estimates: _estimates, Counts: _counts,
            GoodnessOfFit: _test, TwoSample: _test, Exact: _nothing, Threshold: _nothing,
            Convergence: _nothing, ReferenceMatch: _reference, Malformed: _nothing}


def knows(kind: type) -> bool:
    """Whether the diagnosis reads evidence of this type."""
    return kind in _READERS


def _log_ratio(question, student, wrong, result: QuestionResult, ctx: Context,
               again: Callable | None = None) -> float | None:
    """`again(shifted answer)`: the mistake simulated on another answer to the question
    (for posterior means, module doc)."""
    mine = Weighed.of(result.evidence)
    if _same(student, wrong):
        return MATCH_LOG_RATIO
    try:
        graded = grade_values(question, wrong, ctx, result.max_points)
    except Exception:  # noqa: BLE001
        return None
    if graded.status != "graded" or graded.verdicts != result.verdicts:
        return None  # the mistake would fail other parts of the question than the student's
    theirs = Weighed.of(graded.evidence)
    if mine.estimates or mine.counts:
        ratio = 0.0
        if mine.estimates:
            part = _estimate_ratio(mine.estimates, theirs.estimates, z_critical(ctx.alpha))
            if part is None:
                return None
            ratio += part
        if mine.counts:
            part = _frequencies(mine.counts, theirs.counts)
            if part is None:
                return None
            ratio += part
        return ratio
    if mine.pvalues:
        if len(theirs.sketches) == len(mine.sketches) and all(
                q for q, _ in mine.sketches + theirs.sketches):
            return _sketches(mine.sketches, theirs.sketches, min(mine.pvalues))
        return _samples(student, wrong, min(mine.pvalues))
    if mine.posterior and again is not None:
        return _posterior_ratio(question, student, mine, theirs, again, result, ctx)
    return None


SHIFT = 1.0   # added to every number of the student's answer to see what the mistake follows


def _posterior_ratio(question, student, mine: Weighed, theirs: Weighed, again: Callable,
                     result: QuestionResult, ctx: Context) -> float | None:
    """Posterior means weighed as estimates, only those the mistake sets itself (module doc)."""
    try:
        shifted = grade_values(question, again(_shifted(student, SHIFT)), ctx, result.max_points)
    except Exception:  # noqa: BLE001 - a mistake that cannot follow a shifted answer
        return None
    moved = Weighed.of(shifted.evidence).posterior
    if not (len(mine.posterior) == len(theirs.posterior) == len(moved)):
        return None
    kept_mine, kept_theirs = [], []
    for m, t, s in zip(mine.posterior, theirs.posterior, moved):
        if not math.isclose(s[0], t[0], rel_tol=1e-9, abs_tol=SHIFT / 2):   # it follows
            if not _close(t[0], m[0]):
                return None   # built from the student's own draws: not comparable
            continue          # left as the student's: no evidence either way
        kept_mine.append(m)
        kept_theirs.append(t)
    if not kept_mine:
        return None
    return _estimate_ratio(kept_mine, kept_theirs, z_critical(ctx.alpha))


def _shifted(x, by: float, depth: int = 0):
    """`x` with `by` added to every float in it (arrays, numbers, nested dicts and lists)."""
    if depth > 6:
        return x
    if isinstance(x, dict):
        return {k: _shifted(v, by, depth + 1) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_shifted(v, by, depth + 1) for v in x)
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x + by
    if isinstance(x, float):
        return x + by
    return x


def _samples(student, wrong, p_truth: float) -> float | None:
    """Draws tested against a law or a reference sampler (their p-values): a
    two-sample KS test of the student's draws against the simulated mistake's,
    column by column; log(p_mistake / p_truth) if none rejects at CONSISTENT_P."""
    pairs = list(_sample_pairs(student, wrong))
    if not pairs:
        return None
    return _explains(min(float(stats.ks_2samp(a, b).pvalue) for a, b in pairs), p_truth)


def _sketches(mine, theirs, p_truth: float) -> float | None:
    """The draws each test read (their evidence's quantiles), the student's against the
    simulated mistake's, test by test: a two-sample KS test on the two quantile sketches
    (each CDF is known to within 1 / (points - 1), so D is read that much smaller, in
    the mistake's favour); log(p_mistake / p_truth) if none rejects at CONSISTENT_P."""
    p_wrong = 1.0
    for (qa, na), (qb, nb) in zip(mine, theirs):
        if min(na, nb) < 50:
            return None
        qa, qb = np.asarray(qa, dtype=float), np.asarray(qb, dtype=float)
        grid = np.union1d(qa, qb)
        cdf_a = np.searchsorted(qa, grid, side="right") / qa.size
        cdf_b = np.searchsorted(qb, grid, side="right") / qb.size
        d = max(0.0, float(np.max(np.abs(cdf_a - cdf_b))) - 2.0 / (min(qa.size, qb.size) - 1))
        p_wrong = min(p_wrong, float(stats.kstwobign.sf(d * math.sqrt(na * nb / (na + nb)))))
    return _explains(p_wrong, p_truth)


def _explains(p_wrong: float, p_truth: float) -> float | None:
    """A two-sample test's verdict on the mistake: ruled out below CONSISTENT_P,
    otherwise the log ratio of its p-value to the truth's."""
    if p_wrong < CONSISTENT_P:
        return None
    return math.log(p_wrong / max(p_truth, 1e-300))


def _sample_pairs(a, b, depth: int = 0):
    if depth > 5:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a.keys() & b.keys():
            yield from _sample_pairs(a[key], b[key], depth + 1)
        return
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return
    if x.ndim == 1:
        x, y = x[:, None], y[:, None] if y.ndim == 1 else y
    elif x.ndim == 2 and y.ndim == 2 and x.shape[0] == y.shape[0] <= 10 < min(x.shape[1], y.shape[1]):
        x, y = x.T, y.T     # a tuple of a few arrays of draws, (x, y): one column each
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or x.shape[1] > 10:
        return
    if min(len(x), len(y)) >= 50:
        for j in range(x.shape[1]):
            cx, cy = x[:, j], y[:, j]
            cx, cy = cx[np.isfinite(cx)], cy[np.isfinite(cy)]
            if min(cx.size, cy.size) >= 50:
                yield cx, cy


def _estimate_ratio(mine, theirs, z_crit: float) -> float | None:
    if len(mine) != len(theirs):
        return None
    ratio = 0.0
    for (v, truth, se), (w, truth_w, _) in zip(mine, theirs):
        if not math.isclose(truth, truth_w, rel_tol=1e-9, abs_tol=1e-12):
            return None  # not the same quantity: the simulation used other probes
        if se > 0:
            z_t, z_w = (v - truth) / se, (v - w) / (math.sqrt(2.0) * se)
            if abs(z_w) > z_crit:
                return None
            ratio += 0.5 * (z_t ** 2 - z_w ** 2 - math.log(2.0))
        elif not _close(v, truth):
            if not _close(v, w):
                return None
            ratio += 50.0  # an exact entry that matches: strong, but the others still count
    return ratio


def _frequencies(mine, theirs) -> float | None:
    """Counts O against expected E: the mistake moves the cell shares along its own
    direction d (its simulated shares minus the truth's) by an amount that depends on
    details (a pool's size, a learning rate), so fit O = E + lambda n d with lambda >= 0
    free, per table. It explains the counts if the residual X^2 against the fitted
    expectation (the counts' variance is the mistake's shares, not the truth's), over
    (1 + lambda^2) for the simulation's own noise and summed over the tables, is
    consistent (p >= CONSISTENT_P on sum(k - 2) degrees of freedom: one test, so that
    several tables do not each spend it); the log ratio is half the fall in X^2."""
    if len(mine) != len(theirs):
        return None
    ratio, residual, dof = 0.0, 0.0, 0
    for (counts, expected), (counts_w, expected_w) in zip(mine, theirs):
        o, e, w = (np.asarray(x, dtype=float) for x in (counts, expected, counts_w))
        if o.shape != e.shape or w.shape != o.shape or e.size < 3 or np.any(e <= 0) \
                or not np.allclose(e, expected_w) or w.sum() <= 0:
            return None
        n = o.sum()
        direction = n * (w / w.sum() - e / n)
        scale = float(np.sum(direction ** 2 / e))
        if scale <= 0:
            return None
        lam = max(0.0, float(np.sum((o - e) * direction / e)) / scale)
        fitted = e + lam * direction
        if np.any(o[fitted <= 0] > 0):
            return None     # counts where the fitted mistake expects none
        live = fitted > 0
        after = float(np.sum((o[live] - fitted[live]) ** 2 / fitted[live]))
        # the direction is one noisy simulation: its noise enters the residual times lambda
        residual += after / (1.0 + lam ** 2)
        dof += e.size - 2
        ratio += 0.5 * (float(np.sum((o - e) ** 2 / e)) - after)
    if stats.chi2.sf(residual, dof) < CONSISTENT_P:
        return None
    return ratio


def _close(a, b) -> bool:
    return math.isclose(float(a), float(b), rel_tol=EXACT, abs_tol=1e-6)


def _same(a, b, depth: int = 0) -> bool:
    """Equal answers, floats to a relative 1e-5 (for mistakes with no sampling noise)."""
    if depth > 20 or isinstance(a, Unavailable) or isinstance(b, Unavailable):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], depth + 1) for k in a)
    if isinstance(a, (set, frozenset)) and isinstance(b, (set, frozenset)):
        return a == b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        x, y = np.asarray(a), np.asarray(b)
    except Exception:  # noqa: BLE001 - ragged nesting (lists of schemas, of rules): item by item
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(_same(p, q, depth + 1) for p, q in zip(a, b))
        return False
    if x.shape != y.shape:
        return False
    if x.dtype.kind in "biuf" and y.dtype.kind in "biuf":
        return bool(np.allclose(x, y, rtol=EXACT, atol=1e-6))
    if x.dtype == object and y.dtype == object and x.ndim:
        return all(_same(p, q, depth + 1) for p, q in zip(x.ravel(), y.ravel()))
    return bool(a == b) if x.ndim == 0 else False
