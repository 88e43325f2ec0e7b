"""What multi-stage (sequential) checks would save on the existing homeworks.

For every hidden question that calls a student's function with a sample size
(`num_samples`), this times the reference solution's own function at the
question's fixed n and at the sequential design's first stage (400 draws,
`checks.stage_sizes`), in one process and in the same run, and sets the
difference against the time of executing the whole reference notebook.

A clearly wrong answer is rejected at the first stage, so the saving per such
submission is the sum over its questions of t(n) - t(400); a correct answer is
accepted only at the final stage and costs the full n (plus the earlier stages,
whose draws are kept). The reference's timing stands for a student's: the
function is the same algorithm the question asks for.

    python benchmarks/sequential_savings.py [backdoor ipw ...] [--repeat 3]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.authoring.source import build_source_notebook  # noqa: E402
from autograder.checks import stage_sizes  # noqa: E402
from autograder.course.config import load_course  # noqa: E402
from autograder.homework import load_homework  # noqa: E402

HOMEWORKS = ["backdoor", "adjsets", "frontdoor", "ipw", "scm"]


def run_notebook(a) -> tuple[dict, float]:
    """Execute the reference notebook's code cells in one namespace (trusted code)."""
    import matplotlib
    matplotlib.use("Agg")
    ns: dict = {}
    nb = build_source_notebook(a)
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp), \
            contextlib.redirect_stdout(open(os.devnull, "w")):
        for f in a.datasets:
            os.symlink(Path(f).resolve(), Path(tmp) / Path(f).name)
        start = time.perf_counter()
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, "<cell>", "exec"), ns)  # noqa: S102 - our reference
        total = time.perf_counter() - start
    return ns, total


def best_of(repeat, func, kwargs) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(**kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def measure(course, hw_id: str, repeat: int) -> list[str]:
    a = course.assignment(hw_id)
    hw = load_homework(a.checks)
    ns, notebook_s = run_notebook(a)
    ctx = hw.context(1, a.false_fail_budget)
    rows, saved = [], 0.0
    for gid, q in hw.questions.items():
        if q.calls is None:
            continue
        for key, (func, kwargs) in q.calls(ctx).items():
            n = kwargs.get("num_samples")
            if not isinstance(n, int) or n <= 400:
                continue
            first = stage_sizes(n)[0]
            with contextlib.redirect_stdout(open(os.devnull, "w")):
                t_full = best_of(repeat, ns[func], kwargs)
                t_first = best_of(repeat, ns[func], {**kwargs, "num_samples": first})
            saved += t_full - t_first
            rows.append(f"| {hw_id} | {gid} | `{func}` ({key}) | {n} | {t_full:.3f} | "
                        f"{first}: {t_first:.3f} |")
    rows.append(f"| **{hw_id}** | whole notebook {notebook_s:.1f} s | | | "
                f"**saved per clearly wrong submission: {saved:.2f} s "
                f"({100 * saved / notebook_s:.0f}% of the notebook)** | |")
    return rows


def main(homeworks, repeat: int) -> str:
    course = load_course(REPO / "course.yml")
    lines = ["| homework | question | call | fixed n | t(n) s | first stage: t s |",
             "|---|---|---|---|---|---|"]
    for hw_id in homeworks:
        lines += measure(course, hw_id, repeat)
    return "\n".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("homeworks", nargs="*", default=HOMEWORKS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(main(args.homeworks, args.repeat))
