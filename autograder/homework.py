"""The hidden-check registry each homework's `checks.py` fills in.

A homework declares, per autograded test cell (its nbgrader grade_id):
- which answer variables to read from the kernel,
- which of the student's functions to call, with arguments the grader picks,
- how many random comparisons it makes (its share of the false-fail budget),
- the check itself: a function of plain data that returns CheckResults;
and, once, its design: every sample size as a function of the false-fail budget
(`@hw.design`). Checks read the sizes from `ctx.sizes`; the notebook states them
through `{{name}}` placeholders that release fills from the same design.

    hw = Homework()

    @hw.design
    def design(budget):
        return {"num_samples": required_size(budget / hw.total_checks)}

    @hw.question("test_ace", answers=["ace"], n_checks=1)
    def ace(values, ctx):
        return close_to(values["ace"], truth, se, ctx.alpha, name="ace")

Checks run in the grader process, so the kernel never sees a truth or a band.

What the grader hands the student's functions (a table drawn per submission, fresh
data, logits) is a probe, declared once with `@hw.probe`: computed once per
submission and the same object for the kernel call, the check and a simulated
mistake, so nothing redraws it from a matching seed label.

    @hw.probe
    def fresh(ctx):
        return draw_data(ctx.sizes["n"], ctx.seed_for("fresh"))

    @hw.question("test_fit", calls=lambda ctx: {"nll": ("fit", {"x": fresh(ctx).tolist()})})
    def check_fit(values, ctx):
        return ...compare values["nll"] with what fresh(ctx) implies...

A family of probe tables (the stated tables plus one drawn per submission, the design
sized against known wrong answers) is `autograder.checks.ProbeTables`.

The manifest of solution variants: every file of `solutions/<hw>/mistakes/` and
`solutions/<hw>/alternatives/` is named by one `hw.variant(...)` entry that says what
the reference with that file's sections swapped in scores, question by question:

    hw.variant("alternatives/enumeration.py", seed=5)          # full marks everywhere
    hw.variant("mistakes/transposed.py", seed=7, loses=["test_backdoor", "test_do"],
               partly=["test_cpts"], told={"test_cpts": "looks transposed"})
    hw.variant(("mistakes/shared_slope.py", "mistakes/odds_ratio.py"), seed=13,
               loses=["test_p_bach", "test_part_b", "test_predictive"])   # one run

- `loses`: the questions that earn no points; `partly`: those that earn some but not
  all (a list, or {grade_id: points} to pin the partial credit); every other question
  earns full marks. The split is exact: a mistake that starts costing an unrelated
  question, or earns credit it should not, fails the generic test.
- `told`: {grade_id: words (or a tuple of phrases) that question's messages contain}.
- `luck`: questions whose verdict under this variant is a matter of chance (computed
  right from data the mistake made noisier); not asserted.
- `seed`: the grading seed of the variant's kernel run in tests/test_homeworks.py.
  None: the suite does not run it (another test grades the file, or a run costs too
  much); `benchmarks/scores.py` grades every file.
- Several files in one entry replace disjoint sections and are graded together in one
  kernel run (for homeworks whose notebook takes minutes).
The contract (contract.py) refuses an entry whose file is missing, a file that no entry
names, a grade_id that is not a question, and an entry of alternatives alone (correct
answers) that loses points.
"""
from __future__ import annotations

import hashlib
import numbers
import importlib.util
import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from autograder.errors import CourseError


@dataclass(frozen=True)
class Context:
    """What a check knows about the submission it grades."""
    seed: int         # the submission's seed; derive call seeds with seed_for
    alpha: float      # false-fail level of ONE random comparison (budget / n)
    budget: float     # the assignment's false-fail budget per submission
    sizes: Mapping[str, int] = field(default_factory=dict)  # the design at this budget
    noise_seed: int | None = None   # sampling noise of simulated answers; None: seed

    def noise(self):
        """The generator a simulated (known wrong) answer draws its sampling noise from.
        Diagnosis re-simulates a mistake under another noise seed with the same probes,
        so a simulated submission is never matched against its own draws."""
        import numpy as np
        return np.random.default_rng(self.seed if self.noise_seed is None else self.noise_seed)

    def seed_for(self, label: str) -> int:
        """A seed for one probe call, fixed by the submission seed and the label."""
        digest = hashlib.sha256(f"{self.seed}:{label}".encode()).digest()
        return int.from_bytes(digest[:4], "little") % (2**31 - 1)


Calls = Callable[[Context], dict[str, tuple[str, dict]]]


def kernel_global(name: str) -> dict:
    """A call argument that stands for the kernel's global `name` (the student's fitted
    model, so the grader calls it without retraining); a missing name reads as "not
    defined"."""
    return {"__global__": name}


def dataframe(columns: Mapping) -> dict:
    """A call argument that becomes a new pandas DataFrame of these columns in the kernel
    (fresh data sets for a function of a DataFrame)."""
    import numpy as np
    return {"__dataframe__": {k: np.asarray(v).tolist() for k, v in columns.items()}}


class Probe:
    """A probe (module doc): `probe(ctx)` is func(ctx), computed once per submission (its
    seed and budget; a diagnosis's other noise seed shares it) and then handed out again.
    Keeps the last `keep` submissions' values. Treat the value as read-only."""

    def __init__(self, func: Callable[[Context], object], name: str, keep: int = 256):
        self.func, self.name, self.keep = func, name, keep
        self.memo: OrderedDict = OrderedDict()

    def __call__(self, ctx: Context):
        key = (ctx.seed, float(ctx.budget))
        if key in self.memo:
            self.memo.move_to_end(key)
        else:
            self.memo[key] = self.func(ctx)
            if len(self.memo) > self.keep:
                self.memo.popitem(last=False)
        return self.memo[key]


@dataclass(frozen=True)
class Stage:
    """One stage of a question asked in stages (early rejection, docs/engine.md): the
    grader's calls for this stage's new draws (keys `<label>@<k>`, k from 1), how many
    draws each call asks for, and per label the interval its pooled estimate
    (checks.sequential.pooled over the stages so far) must stay in for the next stage to
    be asked for. The intervals only decide whether to ask for more: the question's
    check decides the verdict from the answers that came back."""
    calls: dict[str, tuple[str, dict]]
    draws: int
    bands: dict[str, tuple[float, float]]


def stage_key(label: str, k: int) -> str:
    """The answer key of `label`'s call at stage k (from 1)."""
    return f"{label}@{k}"


@dataclass(frozen=True)
class Question:
    grade_id: str
    check: Callable
    answers: tuple[str, ...] = ()
    calls: Calls | None = None
    n_checks: int = 1
    # ctx -> the stages of `calls` (a question the engine may reject early); its check
    # reads either form: stage keys, or the one call per label of `calls`
    stages: Callable[[Context], list[Stage]] | None = None


@dataclass(frozen=True)
class Variant:
    """One manifest entry: variant files (relative to solutions/<hw>/) and what the
    reference with their sections swapped in scores."""
    files: tuple[str, ...]
    loses: tuple[str, ...] = ()                      # no points
    partly: Mapping[str, float | None] = field(default_factory=dict)   # some, not all
    told: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    luck: tuple[str, ...] = ()                       # not asserted
    seed: int | None = None                          # kernel test's grading seed

    @property
    def name(self) -> str:
        return "+".join(self.files)

    def expected(self, grade_id: str) -> str | None:
        """'none', 'some' or 'full' points for this question; None: not asserted."""
        if grade_id in self.luck:
            return None
        return "none" if grade_id in self.loses else "some" if grade_id in self.partly else "full"

    @staticmethod
    def earned(points: float, max_points: float) -> str:
        return "none" if points == 0 else "full" if points == max_points else "some"


@dataclass
class Homework:
    questions: dict[str, Question] = field(default_factory=dict)
    wrong_answers: dict[str, Callable] = field(default_factory=dict)
    designer: Callable[[float], dict[str, int]] | None = None
    _sizes: dict = field(default_factory=dict, repr=False)   # (budget, checks) -> sizes
    says: dict[str, str] = field(default_factory=dict)   # label -> words for the student
    no_evidence: set[str] = field(default_factory=set)   # labels diagnosis must not use
    check_words: dict[str, str] = field(default_factory=dict)  # label -> words its check says
    variants: list[Variant] = field(default_factory=list)  # the manifest (module docstring)
    probes: dict[str, Probe] = field(default_factory=dict)  # name -> probe (module docstring)

    def question(self, grade_id: str, *, answers=(), calls: Calls | None = None, n_checks: int = 1,
                 stages: Callable[[Context], list[Stage]] | None = None):
        def register(func):
            if grade_id in self.questions:
                raise ValueError(f"question {grade_id} registered twice")
            self.questions[grade_id] = Question(grade_id, func, tuple(answers), calls, n_checks,
                                                stages)
            return func
        return register

    def probe(self, func: Callable[[Context], object] = None, *, name: str | None = None):
        """Declare a probe (module doc); returns the Probe, called as `probe(ctx)`."""
        def register(f):
            key = name or f.__name__
            if key in self.probes:
                raise ValueError(f"probe {key} declared twice")
            self.probes[key] = Probe(f, key)
            return self.probes[key]
        return register if func is None else register(func)

    def design(self, func: Callable[[float], dict[str, int]]):
        """Register the design: budget -> {size name: positive int}. Called lazily (the
        questions, and so total_checks, are all declared by then) and once per budget."""
        if self.designer is not None:
            raise ValueError("design registered twice")
        self.designer = func
        return func

    def sizes(self, budget: float) -> dict[str, int]:
        """The sample sizes the design gives at this false-fail budget ({} without one)."""
        budget = float(budget)
        key = (budget, self.total_checks)   # a design called mid-declaration is not kept
        if key not in self._sizes:
            sizes = dict(self.designer(budget)) if self.designer else {}
            bad = [k for k, v in sizes.items()
                   if not isinstance(k, str) or isinstance(v, bool)
                   or not isinstance(v, numbers.Integral) or v < 1]
            if bad:
                raise CourseError(f"design: size {bad[0]!r} is not a positive int "
                                  f"({sizes[bad[0]]!r})")
            self._sizes[key] = {k: int(v) for k, v in sizes.items()}
        return dict(self._sizes[key])

    def wrong_answer(self, label: str, says: str | None = None, evidence: bool = True,
                     check_says: str | None = None):
        """Register a known wrong answer from the content brief, for calibration and
        for naming the misconception in feedback.

        The function takes the extracted answers {grade_id: values} and a Context and
        returns them with the questions this mistake changes replaced by what a
        submission making it yields (its sampling noise drawn from `ctx.noise()`).
        `label` is for TAs; `says` completes "This matches the answer you get ..." in
        the student's feedback (without it the match is recorded for the TA only).
        `evidence=False`: a simulation built from the student's own answer to the
        question it changes (a stored data set copies whatever was drawn), so a match
        says nothing; the check's own message must name such a mistake.
        `check_says`: words the failing check's own message carries for this mistake,
        where that message names it (a check whose evidence holds no number to weigh:
        a threshold, too few distinct draws); calibration counts the mistake as named
        when the student reads them, and the homework tests hold the check to them.
        """
        def register(func):
            self.wrong_answers[label] = func
            if says:
                self.says[label] = says
            if check_says:
                self.check_words[label] = check_says
            if not evidence:
                self.no_evidence.add(label)
            return func
        return register

    def variant(self, files: str | tuple[str, ...], *, loses=(), partly=(), told=None,
                luck=(), seed: int | None = None) -> Variant:
        """Declare a variant of the solution and what it scores (module docstring)."""
        files = (files,) if isinstance(files, str) else tuple(files)
        partly = dict(partly) if isinstance(partly, Mapping) else dict.fromkeys(partly)
        told = {g: (w,) if isinstance(w, str) else tuple(w) for g, w in (told or {}).items()}
        entry = Variant(files, tuple(loses), partly, told, tuple(luck), seed)
        named = [f for v in self.variants for f in v.files]
        clash = ([f for f in files if f in named or files.count(f) > 1]
                 or [g for g in entry.loses if g in partly or g in entry.luck]
                 or [g for g in partly if g in entry.luck])
        if not files or clash:
            raise ValueError(f"variant {entry.name}: "
                             + (f"{clash[0]} declared twice" if clash else "names no file"))
        self.variants.append(entry)
        return entry

    @property
    def total_checks(self) -> int:
        return sum(q.n_checks for q in self.questions.values())

    def context(self, seed: int, budget: float) -> Context:
        return Context(seed=seed, alpha=budget / max(1, self.total_checks), budget=budget,
                       sizes=self.sizes(budget))


def load_checks(path: Path):
    """Import an assignment's checks.py by path (once) and return the module."""
    path = Path(path)
    name = f"course_checks_{path.parent.name}"
    module = sys.modules.get(name)
    if module is None or getattr(module, "__file__", None) != str(path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    if not isinstance(getattr(module, "hw", None), Homework):
        raise CourseError(f"{path}: defines no `hw = Homework()`")
    return module


def load_homework(path: Path) -> Homework:
    return load_checks(path).hw
