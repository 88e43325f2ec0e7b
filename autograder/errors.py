"""The one exception type the CLI turns into a clean, one-line error."""


class CourseError(Exception):
    """Bad input or state that a user can fix; `str()` is the whole message."""
