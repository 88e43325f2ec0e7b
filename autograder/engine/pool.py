"""Where execution jobs run: a local process pool by default, or an existing
Dask cluster. Both are used through the concurrent.futures Executor interface,
so the engine does not care which one it has."""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from autograder.errors import CourseError

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def local_workers(requested: int | None = None) -> int:
    if requested is not None:
        return max(1, requested)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def die_with_parent(parent: int) -> None:
    """Pool worker start-up: end with the grader. A `kill -9` of `course
    autograde` would otherwise leave workers blocked on a pipe for ever (and
    their sandboxes, which bwrap ends with their parent)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent check below still helps
        pass
    if os.getppid() != parent:  # the grader died before prctl took effect
        os._exit(1)


@contextmanager
def executor(workers: int | None = None, dask_scheduler: str | None = None):
    """Yield (executor, description, how many submissions it runs at once)."""
    if dask_scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise CourseError("grading on Dask needs the `distributed` package") from None
        try:
            client = Client(dask_scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise CourseError(f"cannot reach the Dask scheduler at {dask_scheduler}: {exc}") from None
        try:
            workers = client.scheduler_info(n_workers=-1).get("workers", {})
            n = len(workers)
            if n == 0:
                raise CourseError(f"the Dask cluster at {dask_scheduler} has no workers")
            slots = sum(int(w.get("nthreads", 1) or 1) for w in workers.values())
            with client.get_executor(pure=False) as ex:
                yield ex, f"Dask cluster {dask_scheduler} ({n} workers)", slots
        finally:
            client.close()
    else:
        n = local_workers(workers)
        # spawn: the grader holds threads (progress bar) and database handles
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=die_with_parent,
                                 initargs=(os.getpid(),)) as ex:
            yield ex, f"{n} local worker{'s' if n != 1 else ''}", n
