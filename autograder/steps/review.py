"""Signs in a submission's own code that it targets the grader rather than the
homework. They cost no points (an honest student may have a reason); the
submission is flagged so that a TA reads it. Forged answers themselves are
caught at execution (execution.py); this finds code that could try.
"""
from __future__ import annotations

import re

from autograder.nbcells import is_test_cell

# What a notebook needs to intercept the answers the kernel sends, or to read
# the grader's code while it runs. None of it is needed for the homework.
SIGNS = {
    r"vnd\.course": "names the grader's private answers format",
    r"__course_": "names the grader's own code in the kernel",
    r"display_pub|register_hook|\.session\.send|iopub": "reaches into the kernel's messaging",
    r"_current_frames|sys\._getframe|settrace|setprofile|gc\.get_(objects|referrers)":
        "inspects the running interpreter",
}


def review_signs(nb) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or is_test_cell(cell):
            continue
        for pattern, what in SIGNS.items():
            if re.search(pattern, cell.source):
                found.append(f"cell {index + 1} {what}")
    return found
