"""Repair what students do to a notebook's nbgrader cells, before nbgrader sees it.

Students copy-paste cells, delete them, change their type or their nbgrader
settings, and edit notebooks in text editors or other tools. nbgrader's
sanitize steps raise on most of that (a duplicate or unknown grade_id, a
deleted answer-and-test pair, a test cell flagged as an answer, a metadata key
its schema does not know), and nbconvert refuses a notebook that breaks the
notebook format between any two steps, which would leave the submission
ungraded. Here the submission is aligned with the released notebook instead,
cell by cell, and every change is noted for the student and the TA:

- text that no file can hold (lone surrogates) becomes U+FFFD;
- nbgrader metadata that is not a dict, has no grade_id, or names a cell the
  release does not have is removed: the cell runs as an ordinary cell;
- of several copies of one graded cell the last keeps its metadata (as
  nbgrader's DeduplicateIds would); the others become ordinary cells;
- a cell whose nbgrader settings or type were changed gets the released ones,
  and keys or values nbgrader's schema does not accept are dropped;
- a released nbgrader cell that is missing is put back, as released, after
  the nearest earlier one that is present;
- notebook and cell metadata the notebook format rejects (a kernelspec given
  as a plain string, tags that are not a list) is dropped, the kernelspec
  replaced by the released one; a cell that is still not valid is rebuilt
  from its source; outputs are cleared (the notebook is run again anyway);
- duplicate, missing or malformed nbformat cell ids are renumbered.

Only metadata and missing cells change; the student's code is kept, so
nothing they wrote is lost. What the notes quote from the submission (an
unknown id, a key) is quoted with `safehtml.quote`: one short line.
"""
from __future__ import annotations

import copy
import hashlib
import re

import nbformat
from nbformat.validator import iter_validate

from autograder.safehtml import quote, valid_text

SETTINGS = ("grade", "solution", "locked", "task", "points", "grade_id")
# the keys nbgrader's cell metadata schema (v3) accepts; anything else makes
# its CheckCellMetadata reject the whole notebook
NBGRADER_KEYS = ("schema_version", "grade", "locked", "solution", "task", "grade_id", "points",
                 "checksum", "cell_type")
MAX_NOTES = 20  # more than this many changes are counted, not listed
_CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")  # nbformat 4.5


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader")


def _gid(cell) -> str | None:
    m = _nbgrader(cell)
    if isinstance(m, dict) and isinstance(m.get("grade_id"), str):
        return m["grade_id"]
    return None


def _kind(ref_cell) -> str:
    m = ref_cell.metadata.nbgrader
    if m.get("solution"):
        return "answer cell"
    return "test cell" if m.get("grade") else "cell"


def _set_type(cell, cell_type: str) -> None:
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _valid_strings(value):
    """`value` with every string in it made valid text; (new value, changed)."""
    if isinstance(value, str):
        fixed = valid_text(value)
        return fixed, fixed is not value
    if isinstance(value, list):
        pairs = [_valid_strings(v) for v in value]
        return [v for v, _ in pairs], any(c for _, c in pairs)
    if isinstance(value, dict):
        changed, out = False, {}
        for k, v in value.items():
            key, kc = _valid_strings(k) if isinstance(k, str) else (k, False)
            out[key], vc = _valid_strings(v)
            changed |= kc or vc
        return nbformat.from_dict(out), changed
    return value, False


def _plain_text(nb, notes: list[str]) -> None:
    """Lone surrogates (valid in a Python string, not in any file or message)
    would stop the kernel's messages and nbgrader's writes."""
    for index, cell in enumerate(nb.cells):
        fixed, changed = _valid_strings(dict(cell))
        if changed:
            nb.cells[index] = fixed
            notes.append(f"cell {index + 1} held characters that are not valid text (lone "
                         "surrogates); they were replaced by �")
    fixed, changed = _valid_strings(dict(nb.metadata))
    if changed:
        nb.metadata = fixed
        notes.append("the notebook's metadata held characters that are not valid text; they "
                     "were replaced by �")


def _not_accepted(mine: dict, ref: dict) -> list[str]:
    """What in `mine` nbgrader would refuse or the release does not say: keys
    its schema does not know (a `score` left by another tool), and other
    values of its own keys (a schema version from the future)."""
    unknown = [quote(k) for k in mine if k not in NBGRADER_KEYS]
    odd = [f"{quote(k)}: {quote(mine[k], 20)}" for k in NBGRADER_KEYS
           if k not in SETTINGS and k in mine and mine[k] != ref.get(k)]
    return sorted(unknown) + odd


def _format_repair(nb, released, notes: list[str]) -> None:
    """Make the notebook valid nbformat, so nbconvert accepts it between steps:
    drop metadata the schema rejects (the kernelspec comes from the release),
    clear outputs, rebuild cells that are still invalid."""
    kernelspec = nb.metadata.get("kernelspec")
    if "kernelspec" in nb.metadata and not (
            isinstance(kernelspec, dict) and isinstance(kernelspec.get("name"), str)
            and isinstance(kernelspec.get("display_name"), str)):
        nb.metadata.pop("kernelspec")
        if "kernelspec" in released.metadata:
            nb.metadata["kernelspec"] = copy.deepcopy(released.metadata.kernelspec)
        notes.append(f"the notebook's kernelspec was not valid ({quote(kernelspec)}); the "
                     "released one was used")
    before = {"notebook": set(nb.metadata)} | {i: set(c.get("metadata", {})) for i, c in
                                                enumerate(nb.cells)}
    _, fixed = nbformat.validator.normalize(nb, relax_add_props=True, strip_invalid_metadata=True)
    nb.metadata = fixed["metadata"]
    for index, cell in enumerate(fixed["cells"]):
        nb.cells[index] = nbformat.from_dict(cell)
    for where, keys in before.items():
        now = set(nb.metadata) if where == "notebook" else set(nb.cells[where].get("metadata", {}))
        dropped = sorted(str(k) for k in keys - now)
        if dropped:
            whose = "the notebook's" if where == "notebook" else f"cell {where + 1}'s"
            notes.append(f"{whose} metadata {', '.join(quote(k) for k in dropped)} was not valid "
                         "notebook metadata and was dropped")
    for index, cell in enumerate(nb.cells):
        kind = cell.get("cell_type") if cell.get("cell_type") in ("code", "markdown", "raw") else None
        if kind and next(iter_validate(cell, ref=f"{kind}_cell", version=4, version_minor=5),
                         None) is None:
            continue
        source = cell.get("source", "")
        source = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) \
            else source if isinstance(source, str) else ""
        new = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
               "raw": nbformat.v4.new_raw_cell}[kind or "code"](source)
        if isinstance(_nbgrader(cell), dict):
            new.metadata["nbgrader"] = _nbgrader(cell)
        new["id"] = cell.get("id")
        nb.cells[index] = new
        notes.append(f"cell {index + 1} was not a valid notebook cell; it was rebuilt from its "
                     "source")


def repair(nb, released) -> list[str]:
    """Align `nb` with `released` in place; return notes on what was changed."""
    reference = {_gid(c): c for c in released.cells if _gid(c)}
    order = [g for g in (_gid(c) for c in released.cells) if g]
    notes: list[str] = []
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = copy.deepcopy(released.metadata)
        notes.append("the notebook's metadata was damaged; the released metadata was used")
    for cell in nb.cells:  # the notebook is run again: what it showed before is not needed
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    _plain_text(nb, notes)

    last = {}
    for index, cell in enumerate(nb.cells):
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.NotebookNode()
        gid = _gid(cell)
        if "nbgrader" in cell.get("metadata", {}) and gid not in reference:
            del cell.metadata["nbgrader"]
            notes.append(f"a cell with unknown nbgrader id {quote(gid)} was graded as an ordinary "
                         "cell" if gid else "a cell with damaged nbgrader settings was graded as "
                         "an ordinary cell")
        elif gid:
            last[gid] = index
    for index, cell in enumerate(nb.cells):
        gid = _gid(cell)
        if gid and last[gid] != index:
            del cell.metadata["nbgrader"]
            notes.append(f"cell `{gid}` appears more than once (copy-pasted?); "
                         "only its last copy was graded")

    for cell in nb.cells:
        gid = _gid(cell)
        if not gid:
            continue
        ref = reference[gid]
        mine = cell.metadata.nbgrader
        changed = any(mine.get(k) != ref.metadata.nbgrader.get(k) for k in SETTINGS) \
            or cell.cell_type != ref.cell_type
        if changed or mine != ref.metadata.nbgrader:
            refused = _not_accepted(mine, ref.metadata.nbgrader)
            cell.metadata.nbgrader = copy.deepcopy(ref.metadata.nbgrader)
            if cell.cell_type != ref.cell_type:
                _set_type(cell, ref.cell_type)
            if changed:
                notes.append(f"the nbgrader settings of {_kind(ref)} `{gid}` were changed; "
                             "the released ones were restored")
            elif refused:
                notes.append(f"the nbgrader settings of {_kind(ref)} `{gid}` held "
                             f"{', '.join(refused[:5])}, which nbgrader does not accept; the "
                             "released settings were used")

    present = {_gid(c): i for i, c in enumerate(nb.cells) if _gid(c)}
    for pos, gid in enumerate(order):
        if gid in present:
            continue
        before = [present[g] for g in order[:pos] if g in present]
        at = max(before) + 1 if before else 0
        nb.cells.insert(at, copy.deepcopy(reference[gid]))
        present = {_gid(c): i for i, c in enumerate(nb.cells) if _gid(c)}
        what = _kind(reference[gid])
        notes.append(f"{what} `{gid}` was missing; the released version was put back"
                     + (" (it holds none of your work)" if what == "answer cell" else ""))

    seen = set()
    for index, cell in enumerate(nb.cells):
        cid = cell.get("id")
        if not isinstance(cid, str) or not _CELL_ID.match(cid) or cid in seen:
            digest = hashlib.sha256(f"{index}:{cell.get('source', '')}".encode()).hexdigest()
            cell["id"] = f"r{index}-{digest[:8]}"
        seen.add(cell["id"])
    if nb.get("nbformat_minor", 0) < 5:
        nb.nbformat_minor = 5  # cell ids need nbformat 4.5
    _format_repair(nb, released, notes)
    if len(notes) > MAX_NOTES:
        notes[MAX_NOTES - 1:] = [f"and {len(notes) - MAX_NOTES + 1} more changes like these"]
    return notes
