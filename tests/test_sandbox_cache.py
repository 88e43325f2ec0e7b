"""The PyTensor compile cache in the sandbox: a student's kernel compiles and samples
with PyMC against the course's shared cache (PyTensor rewrites some of its files in
place: the compile lock, cutils_ext/__init__.py), and nothing it writes reaches the
shared cache that the next kernel loads.

Run as root, the kernel has a uid of its own and the cache is an overlay in its tmpfs;
otherwise a copy. Both must leave the shared files as they were."""
from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest

from autograder.course.config import Limits
from autograder.engine.execution import execute_sandboxed

COMPILE = """
import pytensor, pytensor.tensor as pt
x = pt.dvector("x")
f = pytensor.function([x], (x ** 2).sum() + {constant})
print("compiled", f([1.0, 2.0]))
"""

TAMPER = """
import os
root = os.path.expanduser("~/.pytensor")
for dirpath, _, files in os.walk(root):
    for name in files:
        with open(os.path.join(dirpath, name), "wb") as fh:   # every file of the cache
            fh.write(b"poisoned")
print("rewrote the cache")
"""


def run(code: str, trusted: bool) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    outcome = execute_sandboxed(nb, seed=3, extraction={}, data={}, cell_timeout=300,
                                notebook_timeout=600, limits=Limits(), trusted=trusted)
    assert outcome.stopped is None, outcome.stopped
    return nb


def text(nb) -> str:
    return "".join(o.get("text", "") + str(o.get("evalue", "")) for o in nb.cells[0].outputs)


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """A course cache as the reference runs leave it (a trusted run compiled into it)."""
    cache = tmp_path_factory.mktemp("pytensor-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTENSOR_FLAGS", f"base_compiledir={cache}")
        assert "compiled" in text(run(COMPILE.format(constant=1.0), trusted=True))
    assert list(cache.rglob(".lock")), "the trusted run should have made a compile lock"
    return cache


def test_a_students_kernel_compiles_with_the_shared_cache(shared_cache, monkeypatch):
    monkeypatch.setenv("PYTENSOR_FLAGS", f"base_compiledir={shared_cache}")
    before = digest(shared_cache)
    out = text(run(COMPILE.format(constant=2.5), trusted=False))   # a new module to compile
    assert "compiled 7.5" in out, out
    assert digest(shared_cache) == before   # its new module went to its own copy


def test_a_student_cannot_rewrite_what_the_next_kernel_loads(shared_cache, monkeypatch):
    monkeypatch.setenv("PYTENSOR_FLAGS", f"base_compiledir={shared_cache}")
    before = digest(shared_cache)
    assert "rewrote the cache" in text(run(TAMPER, trusted=False))
    assert digest(shared_cache) == before
    # and the next student's kernel still compiles from the intact cache
    assert "compiled 7.5" in text(run(COMPILE.format(constant=2.5), trusted=False))
