"""What the commands print: one console, and the tables (a gradebook, a summary)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

console = Console()
if not console.is_terminal:  # logs and CI: keep the gradebook table on one line per student,
    console = Console(width=200, soft_wrap=True)  # and each message on one line, however long


def table(title, header, rows) -> Table:
    t = Table(title=title)
    for h in header:
        t.add_column(h, overflow="fold")
    for r in rows:
        t.add_row(*[str(v) for v in r])
    return t


def print_gradebook(course, assignment_id) -> None:
    from autograder.pipeline.export import rows
    header, data = rows(course, assignment_id)
    console.print(table(f"Gradebook: {assignment_id}", header,
                         [[r.get(h, "") for h in header] for r in data]))
