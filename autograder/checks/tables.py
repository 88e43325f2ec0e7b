"""A family of probe tables: the tables a homework calls a student's estimator on, and
the design that sizes it (docs/statistics.md, "Probe inputs drawn per submission").

A function called only on the tables the notebook states can be passed by a lookup of
typed-in answers, so the grader also calls it on a table drawn for each submission
from the grader's seed. One declaration says, for the whole homework:

    probe_tables = ProbeTables(hw, fixed={"observed": TRUE_CPTS}, propose=random_cpts,
                               truth=ace, se=ace_se, wrong=wrong_aces,
                               seed_label="backdoor:probe table", floor=FLOAT32_FLOOR)
    hw.design(probe_tables.design)                 # {"num_samples": the stated size}

    probe_tables.question("test_do", "do_ace", hint="...")   # calls, n_checks, the check

- `truth(table)` is the right answer on a table and `se(table, n)` the SE of a right
  estimate from n draws (it must bound every method the question allows); the band is
  z x se + `floor` (float32 arithmetic, rounding), and the design assumes
  `design_floor` (by default the same);
- `wrong(table)` = {label: (value, sqrt(n) x its SD)} of the known wrong answers on it;
  on a drawn table the stated table's answer typed in (exact) is one more;
- a table's size is the smallest n that rejects each wrong answer with power 0.999
  at the per-check level (`required_n_against`); the stated size is the largest over
  the fixed tables, rounded up (`stated_n`);
- the drawn table is the first `propose(rng)` (rng from the seed of `seed_label`)
  that `accept` keeps and whose own size is within the stated size: the design's
  condition holds on every table handed out, so each known wrong answer, the
  typed-in one included, fails with the promised power there too.

`probe_tables(ctx)` is the probe ({label: table}, fixed first, then "grader's"),
declared on `hw`: computed once per submission for the calls, the checks and the
simulated mistakes alike.

An estimator question (`question`) is called on one more drawn table, the "grader's
second" (`estimate_tables`), drawn so that its truth's band and the first drawn table's
band do not overlap: no single number lies in both, so a lookup that falls back to any
constant, however well chosen, fails whatever the seed (one drawn table alone let the
best constant through about a quarter of the time). The second table must also reject
the `subset` answers with the promised power: estimates computed from a subset of the
units (one stratum's contrast), which lie too close to the truth on the stated tables
for any size to separate them there.

An estimator question can be asked in stages (`stages`; early rejection in the engine,
docs/engine.md): the function is called for stage_sizes' new draws (400, 1,600, ...,
the stated size), stage by stage while the pooled estimate on every table stays in its
band, and the check runs the same stage tests on what came back. The last stage keeps
FINAL_SHARE of the level (checks/sequential.py) and the design sizes every table at that
level, so the promised power holds at the last stage; a right answer is asked for every
stage, a clearly wrong one stops after the first.
"""
from __future__ import annotations

import functools
import math
from typing import Callable, Mapping

from autograder.homework import Stage, stage_key

from .budget import detection_probability, z_critical
from .design import required_n_against, stated_n
from .evidence import Malformed
from .guards import as_float
from .estimate import close_to
from .probes import draw_probe
from .result import AnswerError, all_of, failed
from .sequential import FINAL_SHARE, pooled, stage_levels, stage_sizes

DRAWN = "grader's"
SECOND = "grader's second"
# What the feedback tells a function that is right on the stated tables only (a lookup of
# typed-in answers): the phrases a manifest's `told` can ask for. Which drawn table
# rejects it first depends on the stage (an early stage's band is wider), so the words
# name none.
LOOKUP_TOLD = ("gives the right value here, but that counts only when it is right",
               "table` is further from the correct value")


class ProbeTables:
    """The fixed tables, the drawn one and the design of one homework (module doc)."""

    def __init__(self, hw, *, fixed: Mapping[str, object], propose: Callable, truth: Callable,
                 se: Callable, wrong: Callable, seed_label: str, floor: float = 0.0,
                 design_floor: float | None = None, accept: Callable | None = None,
                 size: str = "num_samples", arg: str = "cpts", noun: str = "table",
                 typed_in: str = "the study's answer typed in", step: int = 1000,
                 subset: Callable | None = None):
        self.hw, self.fixed, self.propose = hw, dict(fixed), propose
        self.subset = subset   # table -> {label: (value, sqrt(n) x SD)}; second table only
        self.truth, self.se, self.wrong, self.floor = truth, se, wrong, floor
        self.design_floor = floor if design_floor is None else design_floor
        self.seed_label, self.accept, self.size, self.arg = seed_label, accept, size, arg
        self.noun = noun   # what feedback calls a probe: "the grader's table"
        self.typed_in, self.step = typed_in, step
        self.drawn = functools.lru_cache(maxsize=1024)(self._draw)
        self.second = functools.lru_cache(maxsize=1024)(self._draw_second)
        self.probe = hw.probe(self._tables, name=seed_label)
        self.estimate_probe = hw.probe(self._estimate_tables, name=f"{seed_label}: second")

    # ------------------------------------------------------------- the design
    def wrong_values(self, table) -> dict[str, tuple[float, float]]:
        """{label: (value, sqrt(n) x SD)} of every known wrong answer on `table`."""
        out = dict(self.wrong(table))
        for stated in self.fixed.values():
            if table != stated:
                out[self.typed_in] = (self.truth(stated), 0.0)
        return out

    def level(self, budget: float) -> float:
        """The level the design holds at: the per-check level's share kept by the last
        stage of a staged question (module doc); asked in one go, the check's level is
        the whole per-check level, so the power is higher still."""
        return FINAL_SHARE * budget / self.hw.total_checks

    def table_size(self, table, budget: float) -> float:
        """Smallest n that rejects every known wrong answer on `table` with power 0.999
        at the design's level (inf if one is within the floor of the truth). Each is
        sized with the larger of the right and its own SD."""
        return required_n_against(self.truth(table), self.se(table, 1),
                                  self.wrong_values(table).values(),
                                  self.level(budget), floor=self.design_floor)

    def subset_size(self, table, budget: float) -> float:
        """table_size against the `subset` answers alone (1 without any)."""
        if self.subset is None:
            return 1
        return required_n_against(self.truth(table), self.se(table, 1),
                                  self.subset(table).values(),
                                  self.level(budget), floor=self.design_floor)

    def half_width(self, table, budget: float) -> float:
        """The estimate band's half-width on `table` at the stated size."""
        return self.band(table, self.hw.sizes(budget)[self.size], self.level(budget))

    def band(self, table, n: int, alpha: float) -> float:
        """The half-width of the estimate check on `table` from n draws at level alpha
        (close_to's: z x se + floor)."""
        se = self.se(table, n)
        return (z_critical(alpha) if se > 0 else 0.0) * se + self.floor

    def design_size(self, budget: float) -> int:
        """The stated size: table_size of the fixed tables, rounded up to `step`."""
        return stated_n(self.table_size, self.fixed.values(), budget, self.step)

    def design(self, budget: float) -> dict[str, int]:
        """The design of a homework whose only size is this family's."""
        return {self.size: self.design_size(budget)}

    def power(self, table, budget: float, subset: bool = False) -> dict[str, float]:
        """{label: the estimate check's power against that known wrong answer on `table`}
        at the stated size, the wrong answer scattering with the larger of its own SD and
        the truth's (for tests and the docs); with `subset`, the subset answers too (their
        power is promised on the second drawn table only)."""
        alpha, n = self.level(budget), self.hw.sizes(budget)[self.size]
        wrong = {**self.wrong_values(table), **(self.subset(table) if subset else {})}
        return {label: detection_probability(self.truth(table), value,
                                             max(sd, self.se(table, 1)) / math.sqrt(n), alpha,
                                             self.design_floor)
                for label, (value, sd) in wrong.items()}

    # ------------------------------------------------------------- the tables
    def _draw(self, seed: int, budget: float):
        n = self.hw.sizes(budget)[self.size]
        return draw_probe(seed, self.propose,
                          lambda t: (self.accept is None or self.accept(t))
                          and self.table_size(t, budget) <= n)

    def _draw_second(self, seed: int, first_seed: int, budget: float):
        """The second drawn table: the first's rule, the `subset` answers rejected with
        the promised power, and a band disjoint from the first drawn table's."""
        n, first = self.hw.sizes(budget)[self.size], self.drawn(first_seed, budget)
        apart = self.half_width(first, budget)
        return draw_probe(seed, self.propose,
                          lambda t: (self.accept is None or self.accept(t))
                          and self.table_size(t, budget) <= n
                          and self.subset_size(t, budget) <= n
                          and abs(self.truth(t) - self.truth(first))
                          > apart + self.half_width(t, budget))

    def _tables(self, ctx) -> dict:
        return {**self.fixed, DRAWN: self.drawn(ctx.seed_for(self.seed_label), ctx.budget)}

    def _estimate_tables(self, ctx) -> dict:
        return {**self(ctx), SECOND: self.second(ctx.seed_for(f"{self.seed_label}:second"),
                                                 ctx.seed_for(self.seed_label), ctx.budget)}

    def __call__(self, ctx) -> dict:
        """{label: table} this submission's functions are called on (the probe)."""
        return self.probe(ctx)

    def estimate_tables(self, ctx) -> dict:
        """The tables an estimator question (`question`) calls its function on: the
        probe's and the grader's second (module doc)."""
        return self.estimate_probe(ctx)

    def per_table(self, ctx, fn: Callable) -> dict:
        """{label: fn(table)} over this submission's estimate tables (e.g. a mistake's
        answers; a question on the probe's tables alone reads the ones it needs)."""
        return {label: fn(table) for label, table in self.estimate_tables(ctx).items()}

    def binomial_estimates(self, ctx, pair: Callable, grade_ids) -> dict:
        """What a submission that estimates pair(table)[0] - pair(table)[1] (each probability
        from `size` draws) hands each of these questions: a simulated mistake, its noise
        drawn from ctx.noise()."""
        rng, n = ctx.noise(), ctx.sizes[self.size]
        return {g: self.per_table(ctx, lambda t: binomial_contrast(rng, pair(t), n))
                for g in grade_ids}

    def question(self, grade_id: str, func: str, hint: str = "") -> None:
        """Declare the question that calls `func` on every table and checks its estimates
        (`estimates`; one random comparison per table)."""
        self.hw.question(grade_id, calls=self.calls(func, estimate=True),
                         n_checks=len(self.fixed) + 2, stages=self.stages(func))(
            lambda values, ctx: self.estimates(values, ctx, func, hint))

    def named(self, ctx, func: str, estimate: bool = False) -> list[tuple[str, object, str]]:
        """(label, table, the call as feedback names it) per table (per estimate table)."""
        tables = self.estimate_tables(ctx) if estimate else self(ctx)
        return [(label, table, f"{func}(...) on the {label} {self.noun}")
                for label, table in tables.items()]

    # ------------------------------------------------------ calls and checks
    def calls(self, func: str, seeded: bool = True, estimate: bool = False) -> Callable:
        """The grader's calls of func(<arg>=table[, num_samples, seed]), one per table
        (per estimate table); each call's seed is fixed by the submission's seed and the
        call."""
        def calls(ctx):
            out = {}
            for label, table in (self.estimate_tables(ctx) if estimate else self(ctx)).items():
                kwargs = {self.arg: table}
                if seeded:
                    kwargs.update({self.size: ctx.sizes[self.size],
                                   "seed": ctx.seed_for(f"{func}:{label}")})
                out[label] = (func, kwargs)
            return out
        return calls

    def stage_plan(self, ctx) -> list[tuple[int, int, float]]:
        """(draws so far, new draws, level) per stage of a staged estimate question: the
        one schedule the calls and the check both follow."""
        sizes = stage_sizes(ctx.sizes[self.size])
        return [(n_k, n_k - before, alpha_k) for n_k, before, alpha_k
                in zip(sizes, [0] + sizes[:-1], stage_levels(ctx.alpha, len(sizes)))]

    def stages(self, func: str) -> Callable:
        """ctx -> the stages of `calls(func, estimate=True)` (module doc): per stage, the
        calls for its new draws (each its own seed) and the band each table's pooled
        estimate must stay in for the next stage to be asked for."""
        def stages(ctx):
            tables, out = self.estimate_tables(ctx), []
            for k, (n_k, new, alpha_k) in enumerate(self.stage_plan(ctx), 1):
                calls = {stage_key(label, k): (func, {self.arg: table, self.size: new,
                                                      "seed": ctx.seed_for(f"{func}:{label}@{k}")})
                         for label, table in tables.items()}
                bands = {}
                for label, table in tables.items():
                    truth, half = self.truth(table), self.band(table, n_k, alpha_k)
                    bands[label] = (truth - half, truth + half)
                out.append(Stage(calls, new, bands))
            return out
        return stages

    def estimates(self, values, ctx, func: str, hint: str = "") -> list:
        """The estimate on every table within z x se(table, n) + floor of its truth; all
        or nothing (`all_of`): right on the stated tables alone is what a typed-in
        number or a lookup achieves. Answers asked for in stages are tested stage by
        stage (`staged_estimates`)."""
        named = self.named(ctx, func, estimate=True)
        if any(stage_key(label, 1) in values for label, _, _ in named):
            return self.staged_estimates(values, ctx, func, hint)
        n = ctx.sizes[self.size]
        return all_of([close_to(as_float(values[label], name), self.truth(table),
                                self.se(table, n), ctx.alpha, self.floor, name=name, hint=hint)
                       for label, table, name in named], func)

    def staged_estimates(self, values, ctx, func: str, hint: str = "") -> list:
        """Stage k tests every table's pooled estimate of stages 1..k at that stage's level
        and size; the first stage that rejects decides, otherwise the last one does (the
        union bound keeps the false-fail rate within the level)."""
        named, plan = self.named(ctx, func, estimate=True), self.stage_plan(ctx)
        draws = [new for _, new, _ in plan]
        for k, (n_k, _, alpha_k) in enumerate(plan, 1):
            if not all(stage_key(label, k) in values for label, _, _ in named):
                return [failed(f"`{func}` was not asked for all of its draws: the grader's "
                               "later calls did not run (the cell's time limit?).",
                               evidence=Malformed(), error="stages stopped", stage=k)]
            results = []
            for label, table, name in named:
                numbers = []
                for part in (values[stage_key(label, j)] for j in range(1, k + 1)):
                    try:
                        numbers.append(as_float(part, name))
                    except AnswerError:   # close_to reports the malformed part
                        estimate = part
                        break
                else:
                    estimate = pooled(numbers, draws[:k])
                results.append(close_to(estimate, self.truth(table), self.se(table, n_k),
                                        alpha_k, self.floor, name=name, hint=hint))
            for r in results:
                r.detail.update(stage=k, draws=n_k)
            if k == len(plan) or not all(r.passed for r in results):
                return all_of(results, func)
        raise AssertionError("unreachable: the last stage returns")


def binomial_contrast(rng, pair, n: int) -> float:
    """p[0] - p[1], each estimated from n Bernoulli draws: what a submission computing
    that contrast by simulation reports (a mistake's sampling noise)."""
    return float(rng.binomial(n, pair[0]) / n - rng.binomial(n, pair[1]) / n)
