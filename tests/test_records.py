"""The answers' wire format, whose limits both ends share: the kernel's encoder
(the real source text sent to kernels, run in this process) and the grader's
decoder. No kernel runs here."""
from __future__ import annotations

import ast
import contextlib
import io
import json

import pytest

from autograder.engine import kernel_side, wire
from autograder.grading.answers import Unavailable, decode_payload


# ---------------------------------------------------------------- the wire format

def nested(depth: int):
    """A value whose innermost number sits `depth` levels down."""
    value = 1.0
    for _ in range(depth):
        value = [value]
    return value


def kernel_answer(value) -> dict:
    """What the kernel's own extraction code reports for `answer = value`: the
    source sent to kernels, run here (its display prints outside IPython)."""
    namespace = {"answer": value}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(kernel_side.with_nonce(kernel_side.extract(["answer"], {}), "n0"), namespace)
    message = ast.literal_eval(out.getvalue())
    return json.loads(message[wire.MIME])["answers"]


def test_both_ends_of_the_wire_share_one_nesting_limit():
    deepest = kernel_answer(nested(wire.MAX_DEPTH))
    assert decode_payload(json.dumps(deepest))["answer"] == nested(wire.MAX_DEPTH)
    refused = kernel_answer(nested(wire.MAX_DEPTH + 1))["answer"]
    assert "nested too deeply" in refused["__error__"]
    # a kernel that encodes deeper anyway is refused by the grader, that answer only
    forged = {"answer": {"value": nested(wire.MAX_DEPTH + 1)}, "other": {"value": 2}}
    decoded = decode_payload(json.dumps(forged))
    assert isinstance(decoded["answer"], Unavailable) and "nested too deeply" in decoded["answer"].reason
    assert decoded["other"] == 2


def test_a_payload_over_the_wire_limit_is_refused_whole():
    with pytest.raises(ValueError, match="too large"):
        decode_payload(" " * (wire.MAX_PAYLOAD + 1))
