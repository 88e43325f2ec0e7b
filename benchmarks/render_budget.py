"""Benchmark of the rendering budget (safehtml.Budget) and of the record step
with hostile output, all figures from one run.

    .venv/bin/python benchmarks/render_budget.py [--depth 20000] [--skip-batch]

1. Parsing cost of one piece of student content, without the budget (what the
   record step and the feedback page did before: nh3 on any HTML, nbconvert's
   markdown filters on any written answer) and with it (the depth scan, then
   nh3 or text), for honest content and for hostile content of growing depth.
2. The record step and the feedback page in a real batch (real kernels in the
   sandbox, real nbgrader): an honest submission, one that displays HTML nested
   `--depth` levels deep, and one whose written answer is nested as deep. The
   record step's seconds are what `course autograde` stamped in each report.

Read the ratios: the machine is shared and noisy. Results go to stdout and to
benchmarks/render-budget-results.json; docs/benchmarks.md explains them.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import nh3

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder import safehtml  # noqa: E402
from autograder.authoring.source import answer_from_variant  # noqa: E402
from autograder.course.config import load_course  # noqa: E402
from autograder.grading.report import read_report  # noqa: E402
from autograder.nbcells import grade_id  # noqa: E402
from autograder.pipeline.autograde import autograde  # noqa: E402
from autograder.pipeline.collect import collect  # noqa: E402
from autograder.pipeline.release import release  # noqa: E402
from autograder.pipeline.student import fetch, submit  # noqa: E402
from autograder.steps import nbconfig  # noqa: E402

HW = "backdoor"
RAW_CLEAN = nh3.clean  # the unbudgeted parse, as before (the same parser, html5ever)


def seconds(f, *args) -> float:
    """The fastest of three runs (one when a run takes more than a second)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        f(*args)
        best = min(best, time.perf_counter() - start)
        if best > 1:
            break
    return best


def old_markdown(text: str) -> str:
    """The feedback template's path for a written answer before the budget."""
    from nbconvert.filters.strings import strip_files_prefix
    return RAW_CLEAN(strip_files_prefix(safehtml.markdown_to_html(text)))


def pieces(depths: list[int]) -> list[tuple[str, str, str]]:
    """(label, kind, text): honest content first, then hostile content by depth."""
    import numpy as np
    import pandas as pd
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 10))).to_html()
    answer = ("**Promotion 0.** Within each happiness level it renews more subscribers; "
              "happiness confounds the raw comparison. " * 40)
    out = [("honest: a 60 x 10 DataFrame", "html", frame),
           ("honest: a 4 kB written answer", "markdown", answer)]
    for d in depths:
        out.append((f"nested <ul><li> x {d} ({8 * d // 1024} kB)", "html", "<ul><li>" * d + "x"))
    out.append(("4096 x '![x](' on one line (16 kB)", "markdown", "![x](" * 4096))
    return out


def part1(depths: list[int]) -> list[dict]:
    rows = []
    for label, kind, text in pieces(depths):
        before = seconds(RAW_CLEAN if kind == "html" else old_markdown, text)
        after = seconds(safehtml.clean if kind == "html" else safehtml.render_markdown, text)
        rows.append({"piece": label, "before_s": round(before, 4), "after_s": round(after, 4),
                     "ratio": round(before / after, 1) if after else None})
        print(f"{label:45s} before {before:9.4f} s   after {after:8.4f} s", flush=True)
    return rows


def part2(depth: int, workdir: Path) -> dict:
    course = load_course(REPO / "course.yml").moved(
        workdir / "state", roster=["honest", "nested_output", "nested_answer"], homeworks=[HW],
        assignment_changes={"cell_timeout": 120, "notebook_timeout": 600})
    a = course.assignment(HW)
    release(course, HW)
    written = {"explain_simpson": "Happiness confounds promotion and renewal."}
    for student, extra, answer in (
            ("honest", None, None),
            ("nested_output", {"cpts_answer": "from IPython.display import HTML, display\n"
                               f"display(HTML('<ul><li>' * {depth} + 'x'))"}, None),
            ("nested_answer", None, "Happiness confounds. " + "<ul><li>" * depth + "x")):
        fetch(course, HW, student)
        path = nbconfig.student_workspace(course, student) / HW / f"{HW}.ipynb"
        nb = nbformat.read(path, 4)
        answer_from_variant(nb, a, None, extra=extra, written=written)
        for cell in nb.cells:
            if answer and grade_id(cell) == "explain_simpson":
                cell.source = answer
        nbformat.write(nb, path)
        submit(course, HW, student)
    collect(course, HW)
    start = time.monotonic()
    done = {g.student: g.status for g in autograde(course, HW, show_progress=False, workers=2)}
    batch = time.monotonic() - start
    api = nbconfig.api(course, a)
    out = {"batch_s": round(batch, 1), "students": {}}
    for student in done:
        report = read_report(course, HW, student)
        start = time.perf_counter()
        api.generate_feedback(a.id, student)
        fb = time.perf_counter() - start
        page = course.course_dir / "feedback" / student / HW / f"{HW}.html"
        out["students"][student] = {
            "status": done[student], "points": sum(q["points"] for q in report["questions"]),
            "execute_s": report["seconds"], "record_s": report["record_seconds"],
            "feedback_s": round(fb, 2), "page_kB": page.stat().st_size // 1024}
        print(student, out["students"][student], flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth", type=int, default=20000)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "render-budget-results.json"))
    args = ap.parse_args()
    results = {"pieces": part1([1000, 4000, 8000, 16000, args.depth])}
    if not args.skip_batch:
        with tempfile.TemporaryDirectory() as tmp:
            results["batch"] = part2(args.depth, Path(tmp))
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
