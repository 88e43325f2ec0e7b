"""Exact checks of small symbolic answers: collections of variable sets, structured dicts.

These answers are deterministic, so there is no band: comparison is exact after
normalising harmless differences (order, case, whitespace).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from .evidence import Malformed
from .result import AnswerError, CheckResult, failed, passed

_SETLIKE = (set, frozenset, list, tuple)
_EXAMPLE = "[{'Z'}, {'Z', 'W'}, set()]"


def _variable(v, name: str) -> str:
    if not isinstance(v, str):
        raise AnswerError(f"`{name}` should contain variable names as strings (like 'Z'), "
                          f"but one of them is a {type(v).__name__}.")
    v = "".join(v.split()).upper()
    if not v:
        raise AnswerError(f"`{name}` contains an empty variable name.")
    return v


def normalise_sets(answer, name: str) -> frozenset:
    """A collection of variable sets as frozenset[frozenset[str]].

    Outer: set/frozenset/list/tuple. Inner: set/frozenset/list/tuple of str; the
    empty set may be set(), frozenset(), [] or (). Names are whitespace-stripped
    and upper-cased, so comparison ignores order and case. A bare string as an
    inner element is rejected rather than split into characters.
    """
    if isinstance(answer, (str, Mapping)) or not isinstance(answer, _SETLIKE):
        raise AnswerError(f"`{name}` should be a list of sets of variable names, e.g. {_EXAMPLE}, "
                          f"but it is a {type(answer).__name__}.")
    out = set()
    for inner in answer:
        if isinstance(inner, str):
            raise AnswerError(f"`{name}` contains the bare string {inner!r}; each element should be "
                              f"a set of variable names, e.g. {{{inner!r}}}, written like {_EXAMPLE}.")
        if not isinstance(inner, _SETLIKE):
            raise AnswerError(f"`{name}` should be a list of sets of variable names, e.g. {_EXAMPLE}, "
                              f"but one element is a {type(inner).__name__}.")
        out.add(frozenset(_variable(v, name) for v in inner))
    return frozenset(out)


def compare_sets(answer, truth, name: str, wrong_penalty: float = None,
                 valid=None) -> CheckResult:
    """Compare a collection of sets (e.g. all valid adjustment sets) with the truth.

    Score = max(0, found / |truth| - wrong_penalty * n_wrong); default penalty
    1 / |truth|, i.e. each invalid set cancels one valid one, so listing every
    possible set earns nothing. Full marks iff the collections are equal. The
    message gives counts only, never which sets. `valid`: when the truth is a
    selection from a wider family (the minimal valid sets among all valid ones),
    extra sets from that family are counted as valid but not minimal, not invalid.
    """
    truth_sets = normalise_sets(truth, "truth")
    try:
        ans = normalise_sets(answer, name)
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), error="malformed")
    found, wrong = len(ans & truth_sets), len(ans - truth_sets)
    missing = len(truth_sets) - found
    wider = len((ans - truth_sets) & normalise_sets(valid, "valid")) if valid is not None else 0
    detail = dict(found=found, missing=missing, wrong=wrong, n_truth=len(truth_sets),
                  not_minimal=wider)
    if ans == truth_sets:
        return passed(f"`{name}` is correct.", **detail)
    if truth_sets:
        penalty = 1.0 / len(truth_sets) if wrong_penalty is None else float(wrong_penalty)
        score = max(0.0, found / len(truth_sets) - penalty * wrong)
    else:
        score = 0.0
    parts = []
    if missing:
        parts.append(f"{missing} valid set{'s are' if missing > 1 else ' is'} missing")
    if wider:
        parts.append(f"{wider} of the sets you listed {'are' if wider > 1 else 'is'} valid but "
                     "not minimal (each contains a smaller valid set)")
    if wrong - wider:
        parts.append(f"{wrong - wider} of the sets you listed {'are' if wrong - wider > 1 else 'is'} "
                     "not valid")
    msg = (f"`{name}` is not right: " + " and ".join(parts)
           + ". Re-check each candidate set against the criterion.")
    return failed(msg, score=score, **detail)


def _canon(v, unordered: bool):
    """Canonical form: strings without whitespace, upper-cased; lists as (frozen)sets if unordered."""
    if isinstance(v, str):
        return "".join(v.split()).upper()
    if isinstance(v, Mapping):
        return tuple(sorted(((_canon(k, unordered), _canon(x, unordered)) for k, x in v.items()), key=repr))
    if isinstance(v, (set, frozenset)) or (unordered and isinstance(v, (list, tuple))):
        return frozenset(_canon(x, unordered) for x in v)
    if isinstance(v, Iterable):
        return tuple(_canon(x, unordered) for x in v)
    return v


def compare_structure(answer, truth: dict, name: str, unordered: bool = True) -> CheckResult:
    """Exact comparison of a small structured answer, key by key.

    Strings compare case- and whitespace-insensitively; lists/tuples compare as
    sets when `unordered`. Score = share of `truth` keys answered right (extra
    keys are ignored); full marks iff all are. The message names the keys to
    revisit, never their expected content.
    """
    if not isinstance(answer, Mapping):
        return failed(f"`{name}` should be a dict with keys {list(truth)}, "
                      f"but it is a {type(answer).__name__}.", evidence=Malformed(), error="malformed")
    wrong = []
    for key, expected in truth.items():
        try:
            ok = key in answer and _canon(answer[key], unordered) == _canon(expected, unordered)
        except TypeError:  # unhashable junk inside the answer
            ok = False
        if not ok:
            wrong.append(key)
    detail = dict(wrong_keys=wrong, n_keys=len(truth))
    if not wrong:
        return passed(f"`{name}` is correct.", **detail)
    absent = [k for k in wrong if k not in answer]
    msg = (f"`{name}`: {len(wrong)} of {len(truth)} parts are not right: "
           + ", ".join(repr(k) for k in wrong) + ".")
    if absent:
        msg += " Missing key(s): " + ", ".join(repr(k) for k in absent) + "."
    return failed(msg, score=1.0 - len(wrong) / len(truth), **detail)
