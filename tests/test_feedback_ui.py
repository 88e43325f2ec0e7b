"""The feedback page as a student sees it, and formgrader as a TA uses it.

The demo's homework is graded by the real nbgrader in the real sandbox for two
students who submitted late: alice (correct, with a plot of her own) and bob
(the Simpson's-paradox mistake). Alice's page is opened in headless Chromium
(Debian's `chromium`, driven by Playwright) from disk, with no network: her
figure and the notebook's own are images, the math is typeset by the MathJax
copy installed with the platform, each question is labelled by its title and
points, and no message runs past its box. Formgrader is then started on
127.0.0.1 with the generated nbgrader_config.py and its gradebook is fetched.
"""
from __future__ import annotations

import io
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from autograder.autograde import autograde
from autograder.collect import collect
from autograder.config import load_course
from autograder.export import rows
from autograder.feedback import feedback
from autograder.release import release
from autograder.student import fetch, submit
from test_pipeline import HW, answer, make_course

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ALICE_PLOT = '''
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(["Z=0", "Z=1"], [1 - cpts["p_z1"], cpts["p_z1"]], color="#cc3311")
ax.set_title("alice's own figure")
plt.show()
'''
# bob's written answer carries math of his own, typeset by the same MathJax
BOB_ANSWER = "Promotion 1 looks better overall: $P(Y=1 \\mid X=1) > P(Y=1 \\mid X=0)$."


def build_course(tmp: Path):
    """Release, two late submissions, collect, autograde, feedback."""
    course = make_course(tmp, roster=["alice", "bob"])
    data = yaml.safe_load(course.source.read_text())
    # due a day and a half ago: both are late by two started days (20% off)
    data["assignments"][0]["due"] = (datetime.now(timezone.utc) - timedelta(hours=36)).isoformat(timespec="seconds")
    course.source.write_text(yaml.safe_dump(data, sort_keys=False))
    course = load_course(course.source)
    release(course, HW)
    for s in ("alice", "bob"):
        fetch(course, HW, s)
    answer(course, "alice", extra={"cpts_answer": ALICE_PLOT})

    def bob_writes(nb):
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "explain_simpson":
                cell.source = BOB_ANSWER
    answer(course, "bob", "mistakes/naive.py", edit=bob_writes)
    for s in ("alice", "bob"):
        submit(course, HW, s)
    collect(course, HW)
    autograde(course, HW, show_progress=False)
    feedback(course, HW)
    return course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return build_course(tmp_path_factory.mktemp("feedback_ui"))


def feedback_page(course, student) -> Path:
    return course.course_dir / "feedback" / student / HW / f"{HW}.html"
