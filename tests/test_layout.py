"""The package's layout is its architecture: each layer imports only the layers
below it, no two modules import each other (directly or round a loop), no module
uses another's private names, only course/dirs.py spells the course folder's
layout, and the README's module table is the tree's own."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import dirs as course_dirs
from conftest import REPO

PACKAGE = REPO / "autograder"
sys.path.insert(0, str(REPO / "scripts"))
import module_table  # noqa: E402


def modules() -> dict[str, Path]:
    """Every module of the package (templates/ holds files `course new` copies, not code)."""
    return {module_table.dotted(p): p for p in sorted(PACKAGE.rglob("*.py"))
            if "templates" not in p.relative_to(PACKAGE).parts}


def imports(path: Path, name: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import in the file,
    those inside functions included, resolved to absolute autograder names."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            out.append((base, [a.name for a in node.names], node.lineno))
    return [(m, names, line) for m, names, line in out if m.split(".")[0] == "autograder"]


def resolve(target: str, names: list[str], known: dict) -> list[str]:
    """The modules an import reaches: `from autograder.engine import jobs` is jobs."""
    subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
    return subs or [target]


def test_every_module_is_in_a_layer():
    unplaced = [m for m in modules() if module_table.layer(m) is None]
    assert not unplaced, f"modules outside every layer of scripts/module_table.py: {unplaced}"


def test_layers_import_only_downward_and_no_module_is_in_a_loop():
    known = modules()
    graph: dict[str, set[str]] = {}
    upward = []
    for name, path in known.items():
        graph[name] = set()
        for target, names, line in imports(path, name):
            for dep in resolve(target, names, known):
                if dep == name or dep not in known:
                    continue
                if not module_table.is_package(dep):
                    graph[name].add(dep)
                if module_table.layer(dep) > module_table.layer(name):
                    upward.append(f"{path.relative_to(REPO)}:{line} imports {dep}")
    assert not upward, "imports that go up a layer:\n" + "\n".join(upward)

    # a loop is a strongly connected component of more than one module (Tarjan)
    index, low, stack, on, loops = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                loops.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not loops, f"modules that import each other: {loops}"


def test_no_module_uses_another_modules_private_names():
    known = modules()
    found = []
    for name, path in known.items():
        tree = ast.parse(path.read_text())
        aliases = {}
        for target, names, line in imports(path, name):
            if target == name:
                continue
            found += [f"{path.relative_to(REPO)}:{line} takes {target}.{n}"
                      for n in names if n.startswith("_") and n != "__version__"
                      and f"{target}.{n}" not in known]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    if f"{node.module}.{a.name}" in known:
                        aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} uses "
                             f"{aliases[node.value.id]}.{node.attr}")
    assert not found, "\n".join(found)


def test_the_readme_module_table_is_generated_from_the_tree():
    table = subprocess.run([sys.executable, str(REPO / "scripts" / "module_table.py")],
                           capture_output=True, text=True, check=True).stdout.strip()
    readme = (REPO / "README.md").read_text()
    assert table in readme, ("README.md's module table is out of date; regenerate it with "
                             "`python scripts/module_table.py --write`")


@pytest.mark.parametrize("name", sorted(m for m in modules() if not module_table.is_package(m)))
def test_each_module_says_what_it_is_for(name):
    doc = ast.get_docstring(ast.parse(modules()[name].read_text()))
    assert doc and doc.strip(), f"{name} has no docstring (its first line is its row in the README)"


# ------------------------------------------------------------ the course folder

LAYOUT_OWNER = PACKAGE / "course" / "dirs.py"
PATH_CALLS = {"Path", "PurePath", "PosixPath", "joinpath", "glob", "rglob"}


def _segments(node) -> list[str]:
    """The literal path segments in a string or an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        texts = [node.value]
    elif isinstance(node, ast.JoinedStr):
        texts = [v.value for v in node.values if isinstance(v, ast.Constant)]
    else:
        return []
    return [seg for text in texts for seg in text.split("/")]


def _is_path_call(func) -> bool:
    if isinstance(func, ast.Name):
        return func.id in PATH_CALLS
    if isinstance(func, ast.Attribute):
        return func.attr in PATH_CALLS or (func.attr == "join" and ast.unparse(func.value) == "os.path")
    return False


def layout_spellings(source: str) -> list[str]:
    """Where code spells the course folder's layout itself: a folder or file name
    of course/dirs.py in a path (an operand of `/`, an argument of Path(),
    joinpath, glob, os.path.join), one of its file names anywhere, or a path
    built straight under the course folder or the exchange."""
    names = set(course_dirs.NAMES)
    files = {n for n in names if "." in n}
    found = []
    for node in ast.walk(ast.parse(source)):
        parts = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            parts = [node.left, node.right]
            root = node.left
            if (isinstance(root, ast.Attribute) and root.attr in ("course_dir", "exchange")) or \
                    (isinstance(root, ast.Name) and root.id == "course_dir"):
                found.append(f"{node.lineno}: a path under {ast.unparse(root)}")
        elif isinstance(node, ast.Call) and _is_path_call(node.func):
            parts = list(node.args)
        elif isinstance(node, ast.Constant) and node.value in files:
            found.append(f"{node.lineno}: {node.value!r}")
        found += [f"{node.lineno}: {seg!r} in a path" for part in parts
                  for seg in _segments(part) if seg in names]
    return sorted(set(found))


def test_only_the_course_folder_owner_spells_its_layout():
    found = [f"{path.relative_to(REPO)}:{where}" for name, path in modules().items()
             if path != LAYOUT_OWNER for where in layout_spellings(path.read_text())]
    assert not found, ("the course folder's layout is spelled outside course/dirs.py; "
                       "use course.dirs:\n" + "\n".join(found))


@pytest.mark.parametrize("code", [
    'p = course.course_dir / "submitted" / student / hw',
    'p = root / f"autograded/{student}/{hw}"',
    'p = Path(base, "engine", hw)',
    'p = os.path.join(base, "feedback")',
    'p = folder.glob("release/*")',
    'name = "grading.json"',
    'p = course.exchange / course.id',
    'p = course_dir / something',
])
def test_the_layout_rule_catches_each_way_of_spelling_a_path(code):
    assert layout_spellings(code), code


@pytest.mark.parametrize("code", [
    'ax.set_ylabel("students")',
    'add("feedback", cmd_feedback, "TA: generate and release feedback")',
    'p = course.dirs.submitted(hw, student) / f"{notebook}.ipynb"',
    'p = Path(__file__).parent / "templates"',
])
def test_the_layout_rule_leaves_words_that_are_not_paths_alone(code):
    assert not layout_spellings(code), code
