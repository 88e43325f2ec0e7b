"""The `course` command line: thin wiring, exit codes, one-line errors."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def course(tmp_path, *args):
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "--config", str(REPO / "course.yml"),
                           "--course-dir", str(tmp_path / "state"), *args],
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


def test_instructor_and_student_commands(tmp_path):
    code, out = course(tmp_path, "fetch", "backdoor", "--student", "alice")
    assert code == 2 and "has not been released yet" in out and "Traceback" not in out

    code, out = course(tmp_path, "release", "backdoor")
    assert code == 0 and "no solutions, no hidden checks" in out
    released = (tmp_path / "state" / "release" / "backdoor" / "backdoor.ipynb").read_text()
    assert "BEGIN SOLUTION" not in released and "raise NotImplementedError()" in released

    code, out = course(tmp_path, "fetch", "backdoor", "--student", "alice")
    assert code == 0 and (tmp_path / "state" / "students" / "alice" / "backdoor" / "backdoor.ipynb").exists()

    code, out = course(tmp_path, "submit", "backdoor", "--student", "mallory")
    assert code == 2 and "unknown student 'mallory'" in out

    code, out = course(tmp_path, "release", "nope")
    assert code == 2 and "unknown assignment 'nope'" in out

    code, out = course(tmp_path, "validate", str(tmp_path / "missing.ipynb"))
    assert code == 2 and "notebook not found" in out


def test_unanswered_notebook_fails_validation_with_clear_messages(tmp_path):
    assert course(tmp_path, "release", "backdoor")[0] == 0
    assert course(tmp_path, "fetch", "backdoor", "--student", "bob")[0] == 0
    nb = tmp_path / "state" / "students" / "bob" / "backdoor" / "backdoor.ipynb"
    code, out = course(tmp_path, "validate", str(nb))
    assert code == 2 and "NotImplementedError" in out and "fix them before you submit" in out
