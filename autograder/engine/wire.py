"""The answers' wire format between a student's kernel and the grader: its MIME
type and its limits, stated once for both ends.

kernel_side.py encodes answers inside the kernel (these limits are written into
the code it sends), execution.py receives them, grading/answers.py decodes them.

- MAX_DEPTH = 20: how deeply values may nest; each list, tuple, set and dict
  entry is one level, an array one value, counted the same way on both ends, so
  whatever the kernel encodes decodes. Answers nest a few levels at most (a
  dict of nested lists of probabilities); 20 leaves room for any honest
  structure and keeps the decoder's recursion (and the JSON under it, at most
  three times as deep) far from Python's recursion limit. A kernel that sends
  deeper anyway is refused for that question only.
- MAX_PAYLOAD = 64 MiB: the largest answers message of one test cell. Far above
  any answer asked for (a million float64 values are about 20 MB as JSON), and
  small enough that a kernel cannot exhaust the grader's memory. The receiving
  end measures the whole message, which is never smaller than the answers' text
  the decoder measures.
"""

MIME = "application/vnd.course.answers+json"
MAX_DEPTH = 20
MAX_PAYLOAD = 64 * 2**20  # bytes
