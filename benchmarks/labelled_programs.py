"""Labelled stochastic programs, correct and wrong, graded by the statistics library.

Four kinds in the spirit of StochasticGrade's example problems (Kim, Geathers and
Piech, EDM 2024; their programs are not in this repository, so these are written
here): each kind has a correct sampler and labelled error classes. Every program
is graded at n = 400 * 4**i (i = 0..4) against m reference draws of the correct
sampler (500k by default, drawn once per kind), at the per-check level 1e-3, by
the check a homework would declare for that kind:

  rn        10-vectors of integers 1..10: frequencies_against_draws of the
            (position, value) pairs and of the number of distinct values per
            vector, each at alpha / 2
  algoart   Pareto(1.2) radii truncated at 50 (heavy tail): two_sample (KS +
            extremes test)
  simexp    Exp(1): two_sample (AD + extremes test)
  mixture   0.5 N(-2, 1) + 0.5 N(2, 1) (bimodal): two_sample (AD + extremes test)

Reported: false fails among the correct runs (all sizes together, >= 200 per
kind by default) and, per error class and n, the share of runs caught. For the
continuous kinds three baselines on the same draws: the two-sample test without the
extremes test (KS or AD alone, the project before issue 24), where the law is
known in closed form gof's AD against it, and the paper's own multi-stage method
with its mean-squared-deviation score (written here from the paper's description):
stages at 400 * 4**j up to n on prefixes of the draws, score
|(mean x - mean ref)^2 + var x - var ref|, stage j of L at level alpha / 2**(L - j),
its threshold the matching upper quantile of the score over --null correct samples
of that size (with too few of them for a tiny level, the largest, as there);
rejected at the first stage whose score reaches its threshold.

    nice -n 10 python benchmarks/labelled_programs.py [--runs 10] [--correct 200]
        [--reference 500000] [--sizes 5] [--kinds rn algoart simexp mixture]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.checks import frequencies_against_draws, gof, two_sample  # noqa: E402

ALPHA = 1e-3
CAP = 50.0


# --- the programs -----------------------------------------------------------------------

def rn_correct(rng, n):
    return rng.integers(1, 11, size=(n, 10))


def rn_wrong(kind):
    def draw(rng, n):
        if kind == "randint end excluded (1..9)":
            return rng.integers(1, 10, size=(n, 10))
        if kind == "sorted vector":
            return np.sort(rng.integers(1, 11, size=(n, 10)), axis=1)
        if kind == "without replacement (a permutation)":
            return rng.permuted(np.tile(np.arange(1, 11), (n, 1)), axis=1)
        if kind == "10 drawn 12% of the time":
            p = np.r_[np.full(9, 0.88 / 9), 0.12]
            return rng.choice(np.arange(1, 11), p=p, size=(n, 10))
        if kind == "first entry reused once in the vector":
            v = rng.integers(1, 11, size=(n, 10))
            v[:, 9] = v[:, 0]
            return v
        raise KeyError(kind)
    return draw


def _pareto_truncated(rng, n, cap):
    out = np.empty(0)
    while out.size < n:
        r = rng.pareto(1.2, 2 * n + 16) + 1
        out = np.r_[out, r[r < cap]]
    return out[:n]


def algoart_correct(rng, n):
    return _pareto_truncated(rng, n, CAP)


def algoart_wrong(kind):
    def draw(rng, n):
        if kind == "truncated at 2x the cap":
            return _pareto_truncated(rng, n, 2 * CAP)
        if kind == "not truncated":
            return rng.pareto(1.2, n) + 1
        if kind == "truncated at 0.6x the cap":
            return _pareto_truncated(rng, n, 0.6 * CAP)
        if kind == "clipped at the cap instead of redrawn":
            return np.minimum(rng.pareto(1.2, n) + 1, CAP)
        raise KeyError(kind)
    return draw


def simexp_correct(rng, n):
    return rng.exponential(1.0, n)


def simexp_wrong(kind):
    def draw(rng, n):
        if kind.startswith("shifted by "):
            return rng.exponential(1.0, n) + float(kind.split()[-1])
        if kind == "Poisson integers":
            return rng.poisson(1.0, n).astype(float)
        if kind == "rate 5% too high":
            return rng.exponential(1 / 1.05, n)
        raise KeyError(kind)
    return draw


def mixture_correct(rng, n):
    return np.where(rng.random(n) < 0.5, -2.0, 2.0) + rng.standard_normal(n)


def mixture_wrong(kind):
    def draw(rng, n):
        if kind == "unimodal with the right mean and variance":
            return rng.normal(0.0, np.sqrt(5.0), n)
        if kind == "weights 0.55 / 0.45":
            return np.where(rng.random(n) < 0.55, -2.0, 2.0) + rng.standard_normal(n)
        if kind == "one component's sd 1.1":
            z = rng.random(n) < 0.5
            return np.where(z, -2.0, 2.0) + rng.standard_normal(n) * np.where(z, 1.0, 1.1)
        raise KeyError(kind)
    return draw


# --- the graders ------------------------------------------------------------------------

def grade_rn(x, ref):
    """Both frequency checks at alpha / 2 each."""
    def pairs(v):
        cols = np.broadcast_to(np.arange(10), v.shape)
        return dict(zip(*np.unique(cols * 100 + v, return_counts=True)))

    def distinct(v):
        s = np.sort(v, axis=1)
        return 1 + (s[:, 1:] != s[:, :-1]).sum(axis=1)

    a = frequencies_against_draws(pairs(x), ref["pairs"], ALPHA / 2)
    b = frequencies_against_draws(distinct(x), ref["distinct"], ALPHA / 2)
    return {"ours": a.passed and b.passed}


def rn_reference(rng, m):
    v = rn_correct(rng, m // 10)  # m values in all
    cols = np.broadcast_to(np.arange(10), v.shape)
    s = np.sort(v, axis=1)
    return {"pairs": dict(zip(*np.unique(cols * 100 + v, return_counts=True))),
            "distinct": 1 + (s[:, 1:] != s[:, :-1]).sum(axis=1)}


def msd_score(x, ref_mean, ref_var):
    return abs((float(np.mean(x)) - ref_mean) ** 2 + float(np.var(x)) - ref_var)


class MultiStageMSD:
    """The paper's multi-stage grader with the MSD score, thresholds from correct
    samples of each stage's size (computed once per size and reference)."""

    def __init__(self, correct, null_runs, seed):
        self.correct, self.null_runs = correct, null_runs
        self.rng = np.random.default_rng(seed)
        self.scores: dict[int, np.ndarray] = {}
        self.ref_id = None

    def threshold(self, n, level, ref_mean, ref_var):
        if n not in self.scores:
            self.scores[n] = np.sort([msd_score(self.correct(self.rng, n), ref_mean, ref_var)
                                      for _ in range(self.null_runs)])[::-1]
        return self.scores[n][min(int(len(self.scores[n]) * level), len(self.scores[n]) - 1)]

    def passed(self, x, ref) -> bool:
        if self.ref_id != id(ref):
            self.ref_id, self.ref_mean, self.ref_var = id(ref), float(np.mean(ref)), float(np.var(ref))
            self.scores = {}
        stages = [n for n in (400 * 4 ** j for j in range(12)) if n < x.size] + [x.size]
        for j, n in enumerate(stages):
            level = ALPHA / 2 ** (len(stages) - j)
            if msd_score(x[:n], self.ref_mean, self.ref_var) >= self.threshold(
                    n, level, self.ref_mean, self.ref_var):
                return False
        return True


def continuous_grader(method, law=None, correct=None):
    paper = None

    def grade(x, ref):
        nonlocal paper
        out = {"ours": two_sample(x, ref, ALPHA, method=method).passed,
               f"{method.upper()} alone": two_sample(x, ref, ALPHA, method=method,
                                                     tails=False).passed}
        if law is not None:
            out["gof AD (analytic law)"] = gof(x, law, ALPHA, method="ad").passed
        if correct is not None and NULL_RUNS:
            paper = paper or MultiStageMSD(correct, NULL_RUNS, 2024)
            out["paper's multi-stage MSD"] = paper.passed(np.asarray(x, dtype=float), ref)
        return out
    return grade


NULL_RUNS = 1000   # correct samples per stage size for the paper's thresholds (--null)


KINDS = {
    "rn": dict(correct=rn_correct, wrong=rn_wrong, reference=rn_reference, grade=grade_rn,
               classes=["randint end excluded (1..9)", "sorted vector",
                        "without replacement (a permutation)", "10 drawn 12% of the time",
                        "first entry reused once in the vector"]),
    "algoart": dict(correct=algoart_correct, wrong=algoart_wrong,
                    reference=lambda rng, m: algoart_correct(rng, m),
                    grade=continuous_grader("ks", stats.truncpareto(1.2, CAP), algoart_correct),
                    classes=["truncated at 2x the cap", "not truncated",
                             "truncated at 0.6x the cap", "clipped at the cap instead of redrawn"]),
    "simexp": dict(correct=simexp_correct, wrong=simexp_wrong,
                   reference=lambda rng, m: simexp_correct(rng, m),
                   grade=continuous_grader("ad", stats.expon(), simexp_correct),
                   classes=["shifted by 0.001", "shifted by 0.01", "Poisson integers",
                            "rate 5% too high"]),
    "mixture": dict(correct=mixture_correct, wrong=mixture_wrong,
                    reference=lambda rng, m: mixture_correct(rng, m),
                    grade=continuous_grader("ad", correct=mixture_correct),
                    classes=["unimodal with the right mean and variance", "weights 0.55 / 0.45",
                             "one component's sd 1.1"]),
}


def run_kind(name, spec, sizes, runs, correct_runs, m, seed):
    rng = np.random.default_rng(seed)
    ref = spec["reference"](rng, m)
    t0 = time.time()
    false = {}
    per_n = max(1, -(-correct_runs // len(sizes)))
    for n in sizes:
        for _ in range(per_n):
            for k, ok in spec["grade"](spec["correct"](rng, n), ref).items():
                false[k] = false.get(k, 0) + (not ok)
    total = per_n * len(sizes)
    caught = {}
    for cls in spec["classes"]:
        draw = spec["wrong"](cls)
        for n in sizes:
            for _ in range(runs):
                for k, ok in spec["grade"](draw(rng, n), ref).items():
                    caught.setdefault((cls, k), {}).setdefault(n, 0)
                    caught[cls, k][n] += not ok
    return false, total, caught, time.time() - t0


def main(argv=None):
    global NULL_RUNS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="wrong runs per class and n")
    ap.add_argument("--correct", type=int, default=200, help="correct runs per kind (all n)")
    ap.add_argument("--reference", type=int, default=500_000, help="reference draws m")
    ap.add_argument("--sizes", type=int, default=5, help="n = 400 * 4**i, i < sizes")
    ap.add_argument("--kinds", nargs="+", default=list(KINDS), choices=list(KINDS))
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--null", type=int, default=1000, help="correct samples per stage size "
                    "for the paper's multi-stage thresholds (0: leave that baseline out)")
    args = ap.parse_args(argv)
    NULL_RUNS = args.null
    sizes = [400 * 4 ** i for i in range(args.sizes)]
    print(f"alpha = {ALPHA}, m = {args.reference:,} reference draws, {args.runs} wrong runs per "
          f"class and n, {args.correct} correct runs per kind (spread over the sizes)\n")
    for i, name in enumerate(args.kinds):
        false, total, caught, secs = run_kind(name, KINDS[name], sizes, args.runs, args.correct,
                                              args.reference, args.seed + i)
        print(f"### {name} ({secs:.0f} s)\n")
        print("False fails of correct programs: " + ", ".join(
            f"{k} {v}/{total}" for k, v in false.items()) + "\n")
        print("| error class | test | " + " | ".join(f"n = {n:,}" for n in sizes) + " |")
        print("|---|---|" + "---|" * len(sizes))
        for (cls, k), row in caught.items():
            print(f"| {cls} | {k} | " + " | ".join(f"{row[n]}/{args.runs}" for n in sizes) + " |")
        print(flush=True)


if __name__ == "__main__":
    main()
