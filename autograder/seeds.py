"""Seeds for grading runs: reproducible per submission, different across students.

Bands are sized as if nothing were seeded, so any seed passes a correct answer;
the seed only makes a regrade give the same score.
"""
from __future__ import annotations

import hashlib


def derive_seed(*parts: object) -> int:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "little") % (2**31 - 1)


def submission_seed(assignment, student_id: str) -> int:
    if assignment.seed_policy == "fixed":
        return assignment.seed_base
    return derive_seed(assignment.seed_base, assignment.id, student_id)
