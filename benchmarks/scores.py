"""Grade each homework's reference and every solution variant (mistakes/, alternatives/)
in a real kernel under fixed seeds and write {hw: {variant: {grade_id: points}}} as JSON.

Run it before and after a refactoring and diff the two files: same seeds, same scores.

    python benchmarks/scores.py OUT.json backdoor adjsets ...
    python -c "import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); print(a==b)" A B
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from autograder.authoring.source import answer_from_variant, build_source_notebook
from autograder.course.config import load_course
from autograder.homework import load_homework
from autograder.grading.submission import grade_notebook

REPO = Path(__file__).resolve().parents[1]
SEEDS = (11, 2027)


def answered(a, variant):
    return answer_from_variant(build_source_notebook(a), a, variant)


def main(out: str, ids: list[str]) -> None:
    import tempfile
    course = load_course(REPO / "course.yml", course_dir=Path(tempfile.mkdtemp()))
    table = {}
    for hw_id in ids:
        a = course.assignment(hw_id)
        hw = load_homework(a.checks)
        variants = [None] + sorted(p for d in ("mistakes", "alternatives")
                                   for p in (a.solution.parent / d).glob("*.py"))
        for variant in variants:
            name = "reference" if variant is None else f"{variant.parent.name}/{variant.name}"
            for seed in SEEDS:
                outcome, results = grade_notebook(a, hw, answered(a, variant), seed)
                row = {r.grade_id: r.points for r in results}
                row["_stopped"] = outcome.stopped
                table.setdefault(hw_id, {})[f"{name}@{seed}"] = row
                print(hw_id, name, seed, row, flush=True)
    Path(out).write_text(json.dumps(table, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
