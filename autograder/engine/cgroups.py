"""A cgroup per sandbox, where the host lets the grader make one: its CPU share,
its memory (the files in its tmpfs included) and its number of tasks.

In its own cgroup a sandbox gets one share of the CPU whatever number of
processes it runs, so a fork bomb slows only itself; its memory limit counts
what it keeps in RAM and what it writes to its tmpfs home and /tmp together;
and every task in it can be found and killed. cgroup v2 (one hierarchy, the
sandboxes under `/sys/fs/cgroup/course-sandboxes`) and v1 (a folder in each
of the cpu, memory and pids hierarchies, under the grader's own) are both
handled. Making one needs root and a writable cgroup file system; where that
fails, `Cgroup.create` returns None and the sandbox runs with its rlimits
only (docs/engine.md, "CPU and memory").
"""
from __future__ import annotations

import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PARENT = "course-sandboxes"
CONTROLLERS = ("cpu", "memory", "pids")


def parent_weights() -> tuple[int, int]:
    """(cpu.shares on v1, cpu.weight on v2) of the folder that holds all the
    sandboxes: it competes with the host's other processes as one entity, so
    it weighs as much as one default process per core. That is what kernels
    had before they had cgroups: each started its own session, and Linux's
    autogroup scheduling gives every session the default weight."""
    cores = os.cpu_count() or 1
    return 1024 * cores, min(10000, 100 * cores)


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _v1_mounts() -> dict[str, Path]:
    """controller -> mount point of its v1 hierarchy."""
    found = {}
    for line in _lines("/proc/self/mounts"):
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "cgroup":
            for option in parts[3].split(","):
                if option in CONTROLLERS:
                    found.setdefault(option, Path(parts[1]))
    return found


def _own_v1_paths() -> dict[str, str]:
    """controller -> this process's cgroup in that v1 hierarchy."""
    own = {}
    for line in _lines("/proc/self/cgroup"):
        _, controllers, path = line.split(":", 2)
        for c in controllers.split(","):
            own[c] = path
    return own


@dataclass
class Cgroup:
    """One sandbox's cgroup: a folder per hierarchy (one on v2, three on v1)."""
    folders: dict[str, Path]  # controller -> folder (v2: the same folder for all)
    version: int

    @classmethod
    def create(cls, memory_bytes: int, tasks: int) -> "Cgroup | None":
        """A new cgroup with these limits, or None where the host allows none."""
        name = f"sandbox-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            if (ROOT / "cgroup.controllers").is_file():
                return cls._create_v2(name, memory_bytes, tasks)
            return cls._create_v1(name, memory_bytes, tasks)
        except OSError:
            return None

    @classmethod
    def _create_v2(cls, name: str, memory_bytes: int, tasks: int) -> "Cgroup | None":
        wanted = " ".join(f"+{c}" for c in CONTROLLERS)
        if not set(CONTROLLERS) <= set((ROOT / "cgroup.controllers").read_text().split()):
            return None
        parent = ROOT / PARENT
        parent.mkdir(exist_ok=True)
        for folder in (ROOT, parent):  # each level hands the controllers down
            enabled = set((folder / "cgroup.subtree_control").read_text().split())
            if not set(CONTROLLERS) <= enabled:
                _write(folder / "cgroup.subtree_control", wanted)
        _write(parent / "cpu.weight", str(parent_weights()[1]))
        group = cls({c: parent / name for c in CONTROLLERS}, 2)
        (parent / name).mkdir()
        try:
            _write(parent / name / "memory.max", str(memory_bytes))
            if (parent / name / "memory.swap.max").exists():
                _write(parent / name / "memory.swap.max", "0")
            _write(parent / name / "pids.max", str(tasks))
        except OSError:
            group.remove()
            raise
        return group

    @classmethod
    def _create_v1(cls, name: str, memory_bytes: int, tasks: int) -> "Cgroup | None":
        mounts, own = _v1_mounts(), _own_v1_paths()
        if not all(c in mounts and c in own for c in CONTROLLERS):
            return None
        folders = {c: mounts[c] / own[c].lstrip("/") / PARENT / name for c in CONTROLLERS}
        group = cls(folders, 1)
        try:
            for folder in folders.values():
                folder.mkdir(parents=True)
            _write(folders["cpu"].parent / "cpu.shares", str(parent_weights()[0]))
            _write(folders["memory"] / "memory.limit_in_bytes", str(memory_bytes))
            _write(folders["pids"] / "pids.max", str(tasks))
        except OSError:
            group.remove()
            raise
        return group

    def enter_prefix(self) -> list[str]:
        """A command prefix that moves the command into this cgroup before it
        runs, so nothing it starts is ever outside."""
        procs = sorted({str(f / "cgroup.procs") for f in self.folders.values()})
        script = 'while [ "$1" != -- ]; do echo $$ > "$1"; shift; done; shift; exec "$@"'
        return ["/bin/sh", "-c", script, "sh", *procs, "--"]

    def peak_tasks(self) -> int | None:
        """The most tasks the cgroup held at once (None where the kernel does not say)."""
        try:
            return int((self.folders["pids"] / "pids.peak").read_text())
        except (OSError, ValueError):
            return None

    def out_of_memory(self) -> bool:
        """Whether the kernel's OOM killer killed something in this cgroup."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            for line in (self.folders["memory"] / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
        except (OSError, ValueError):
            pass
        return False

    def tasks(self) -> int:
        """How many processes are in the cgroup now."""
        return len(self._pids())

    def _pids(self) -> set[int]:
        pids = set()
        for folder in set(self.folders.values()):
            try:
                pids |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return pids

    def kill(self) -> None:
        """SIGKILL every task in the cgroup (v2's cgroup.kill, else one by one)."""
        if self.version == 2 and (self.folders["pids"] / "cgroup.kill").exists():
            try:
                _write(self.folders["pids"] / "cgroup.kill", "1")
            except OSError:
                pass
        for _ in range(50):  # a task forking while we kill: go round again
            pids = self._pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        """Remove the cgroup's folders; never raises. A folder goes once its
        tasks have exited (a fork bomb's may take seconds to die)."""
        for folder in set(self.folders.values()):
            for attempt in range(200):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if attempt % 20 == 19:
                        self.kill()
                    time.sleep(0.05)


def sweep_abandoned() -> None:
    """Remove the (empty) cgroups of sandboxes whose grader process died
    without removing them: their name carries its pid."""
    parents = [ROOT / PARENT] if (ROOT / "cgroup.controllers").is_file() else [
        mount / own.lstrip("/") / PARENT for c, own in _own_v1_paths().items()
        if c in CONTROLLERS for mount in [_v1_mounts().get(c)] if mount is not None]
    for parent in parents:
        try:
            groups = list(parent.iterdir())
        except OSError:
            continue
        for group in groups:
            owner = group.name.split("-")[1] if group.name.startswith("sandbox-") else ""
            if group.is_dir() and owner.isdigit() and not Path(f"/proc/{owner}").exists():
                try:
                    group.rmdir()
                except OSError:
                    pass
