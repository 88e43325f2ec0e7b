"""The one exception type the CLI turns into a clean, one-line error, and any
other exception as one line for a submission's report."""


class CourseError(Exception):
    """Bad input or state that a user can fix; `str()` is the whole message."""


def one_line(exc: BaseException) -> str:
    """`Type: message` on one line, cut to a length a report or a summary can show."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:300]}"
