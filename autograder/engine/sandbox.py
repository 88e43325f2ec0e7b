"""The sandbox a student's kernel runs in: bubblewrap plus resource limits.

Inside, the kernel sees the system's programs and libraries (read-only), the
Python environment (read-only), a private empty home folder that is its working
directory, the homework's data files (read-only) and the sockets it talks to
the grader over. Nothing else of the host is there: not the repository, the
hidden checks, the gradebook or other students' work. It has no network, its
own process and IPC namespaces, and runs as an unprivileged user with limits
on CPU time, memory, processes and file size.

The kernel is started as

    bwrap [mounts] -- setpriv [drop to uid] -- prlimit [limits] -- python -m ipykernel ...

bwrap runs as root without a user namespace so that the kernel's user is a real
unprivileged uid: the kernel ignores RLIMIT_NPROC for root (even root mapped in
a user namespace), so a fork bomb is only stopped this way. When the grader is
not root, bwrap makes a user namespace instead and the limits still apply.

Storage and share: as root, the sandbox's host folder is a tmpfs of `disk_mb`
mounted for it alone. The kernel's home, its /tmp and its sockets live there,
so what it writes is bounded in size, is counted in its cgroup's memory
(cgroups.py: one per sandbox, with its own CPU share), and is gone the moment
the tmpfs is unmounted, however many or deep the folders it made. The PyTensor
compile cache is an overlay on that tmpfs: the kernel reads the shared cache
and its own additions land in its tmpfs. Where mounting is not allowed (the
grader is not root), the home is a host folder (each file bounded by
`file_mb`), /tmp a bwrap tmpfs of `disk_mb`, and the folder is removed
without recursion. Cleanup never raises.
"""
from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from autograder.course.config import Limits
from autograder.engine import cgroups
from autograder.engine.cgroups import Cgroup
from autograder.errors import CourseError

HOME = "/home/student"  # the kernel's working directory inside the sandbox
LIB = "/opt/course-lib"  # this package, read-only, for `from autograder import visible`
FIRST_UID = 61000       # sandbox users are FIRST_UID + a random offset, one per sandbox
UID_RANGE = 30000
# figures become PNG outputs of their cell (kept in the graded notebook and its
# feedback, and counted in the output budget like any other output)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
PREFIX = "course-sandbox-"  # host folders are PREFIX<pid of the worker>-<random>
MNT_DETACH = 2  # linux/fs.h: unmount now, whatever is still open below
EXTRA_TASKS = 16  # bwrap, its init and the kernel's own threads, beyond `processes`


@lru_cache(maxsize=1)
def bwrap_path() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise CourseError("bubblewrap (bwrap) is not installed, so student code cannot be "
                          "sandboxed; install it with `apt-get install bubblewrap` (./run does)")
    return path


def _setpriv_prlimit() -> tuple[str, str]:
    tools = shutil.which("setpriv"), shutil.which("prlimit")
    if None in tools:
        raise CourseError("setpriv and prlimit (util-linux) are needed to limit student kernels")
    return tools  # type: ignore[return-value]


@lru_cache(maxsize=1)
def bwrap_sizes_tmpfs() -> bool:
    """bwrap 0.7+ can size a tmpfs (`--size`); older ones cannot."""
    try:
        text = subprocess.run([bwrap_path(), "--help"], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "--size" in text


@lru_cache(maxsize=1)
def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mount(source: str, target: Path, fstype: str, options: str) -> bool:
    try:
        return _libc().mount(source.encode(), str(target).encode(), fstype.encode(), 0,
                             options.encode()) == 0
    except (OSError, AttributeError):
        return False


def _unmount(target: Path) -> bool:
    try:
        return _libc().umount2(str(target).encode(), MNT_DETACH) == 0
    except (OSError, AttributeError):
        return False


def remove_tree(root: Path) -> bool:
    """Remove `root` and everything in it, without recursion and without long
    paths: each folder's entries are moved up into `root` before the folder is
    removed, so a tree thousands of levels deep costs one pass per level and
    two open files. Symlinks are removed, never followed. Never raises;
    returns whether `root` is gone."""
    try:
        top = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.unlink(root)
            return True
        except OSError:
            return False
    tag, moved = secrets.token_hex(4), 0
    try:
        while True:
            progress = False
            with os.scandir(top) as entries:
                for entry in entries:
                    try:
                        if not entry.is_dir(follow_symlinks=False):
                            os.unlink(entry.name, dir_fd=top)
                            progress = True
                            continue
                        try:
                            fd = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                         dir_fd=top)
                        except PermissionError:  # a folder the kernel made unreadable
                            os.chmod(entry.name, 0o700, dir_fd=top)
                            fd = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                         dir_fd=top)
                        try:
                            with os.scandir(fd) as inner:
                                for child in inner:
                                    moved += 1
                                    os.rename(child.name, f".rm-{tag}-{moved}", src_dir_fd=fd,
                                              dst_dir_fd=top)
                        finally:
                            os.close(fd)
                        os.rmdir(entry.name, dir_fd=top)
                        progress = True
                    except OSError:
                        continue
            if not progress:
                break
    finally:
        os.close(top)
    try:
        os.rmdir(root)
        return True
    except OSError:
        return False


def sweep_abandoned() -> None:
    """Unmount and remove the sandboxes of grader processes that died without
    cleaning up (a `kill -9` of the batch): their tmpfs would hold memory.
    A sandbox's mount is named PREFIX<pid>-<random>; only those whose process
    is gone are touched."""
    for line in _lines_of("/proc/self/mounts"):
        parts = line.split()
        if len(parts) < 3 or parts[2] != "tmpfs":
            continue
        path = Path(parts[1].replace("\\040", " "))
        owner = path.name[len(PREFIX):].split("-", 1)[0] if path.name.startswith(PREFIX) else ""
        if owner.isdigit() and int(owner) != os.getpid() and not Path(f"/proc/{owner}").exists():
            _unmount(path)
            remove_tree(path)
    cgroups.sweep_abandoned()


def _lines_of(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def compile_cache() -> Path | None:
    """The PyTensor cache folder the grader uses: `base_compiledir` from
    PYTENSOR_FLAGS (it holds the C modules and numba's cache for nutpie), or
    a plain `compiledir`."""
    flags = dict(f.strip().partition("=")[::2] for f in os.environ.get("PYTENSOR_FLAGS", "").split(","))
    value = flags.get("base_compiledir") or flags.get("compiledir")
    return Path(value.strip()) if value and value.strip() else None


def _ro_roots() -> list[str]:
    """Host folders the kernel needs to run Python: system files and this
    environment (the venv and the interpreter it was made from)."""
    roots = ["/usr", "/etc"]
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        p = os.path.realpath(p)
        if not any(p == r or p.startswith(r + "/") for r in roots):
            roots.append(p)
    return roots


def _parents(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[:i + 1]) for i in range(len(parts))]


@dataclass
class Sandbox:
    """One kernel's sandbox. `host` holds the home folder, /tmp and the IPC
    sockets: a tmpfs of `disk_mb` where the grader may mount one, else a host
    folder. It is created empty and removed by `cleanup`."""
    limits: Limits
    notebook_timeout: int
    seed: int
    data_files: dict[str, bytes] = field(default_factory=dict)
    # a PyTensor compile cache to start from: bound read-write for trusted
    # (reference) runs; for students an overlay on it in their tmpfs, or a copy,
    # owned by the kernel's user (PyTensor rewrites files in place: its compile
    # lock, cutils_ext/__init__.py, numba's index files), so a student changes
    # their own copy but never what the next kernel loads
    compile_cache: Path | None = None
    trusted: bool = False

    def __post_init__(self):
        self.host = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        root = os.geteuid() == 0
        self.in_tmpfs = root and _mount("tmpfs", self.host, "tmpfs",
                                        f"size={self.limits.disk_mb}m,mode=0700")
        self.home = self.host / "home"
        self.ipc = self.host / "ipc"
        self.tmp = self.host / "tmp"
        self.home.mkdir()
        self.ipc.mkdir()
        if self.in_tmpfs:
            self.tmp.mkdir()
            os.chmod(self.tmp, 0o1777)
        # trusted (reference) runs keep the grader's user so the shared compile
        # cache stays writable; students get an unprivileged uid of their own
        self.drop_user = root and not self.trusted
        # a fresh uid per sandbox: what one kernel left behind (a fork bomb's
        # processes still being torn down) never counts against the next one
        self.uid = FIRST_UID + secrets.randbelow(UID_RANGE) if self.drop_user else os.geteuid()
        self.cgroup = Cgroup.create((self.limits.memory_mb + self.limits.disk_mb) * 2**20,
                                    self.limits.processes + EXTRA_TASKS)
        for name, content in self.data_files.items():
            (self.home / name).write_bytes(content)
            os.chmod(self.home / name, 0o444)
        self.cache_inside = None
        self.overlay: Path | None = None
        if self.compile_cache is not None:
            self.compile_cache.mkdir(parents=True, exist_ok=True)
            if self.trusted:
                self.cache_inside = str(self.compile_cache)
            elif self.in_tmpfs:
                self._overlay_cache()
            else:
                # a real copy, never hard links: a file shared with the cache would let
                # this kernel rewrite what the next one loads
                dest = str(self.home / ".pytensor")
                if subprocess.run(["cp", "-a", str(self.compile_cache), dest],
                                  capture_output=True).returncode != 0:
                    shutil.rmtree(dest, ignore_errors=True)
                else:
                    self.cache_inside = f"{HOME}/.pytensor"
        if self.drop_user:
            for path in (self.home, self.ipc, *self._tree(self.home / ".pytensor")):
                os.chown(path, self.uid, self.uid, follow_symlinks=False)

    def _overlay_cache(self) -> None:
        """The shared cache, read through an overlay whose writable layer is in
        this sandbox's tmpfs (and so within its size and memory)."""
        upper, work, merged = self.host / ".cache-upper", self.host / ".cache-work", \
            self.home / ".pytensor"
        for d in (upper, work, merged):
            d.mkdir()
        layers = f"lowerdir={self.compile_cache},upperdir={upper},workdir={work}"
        # metacopy: handing the files to the kernel's user copies their metadata up,
        # not their contents (where the host's overlayfs offers it)
        if (_mount("overlay", merged, "overlay", layers + ",metacopy=on")
                or _mount("overlay", merged, "overlay", layers)):
            self.overlay = merged
            self.cache_inside = f"{HOME}/.pytensor"

    @staticmethod
    def _tree(root: Path):
        """Every folder and file under `root` (itself included), links not followed."""
        if root.is_dir():
            yield root
            for dirpath, dirnames, filenames in os.walk(root):
                for name in dirnames + filenames:
                    yield Path(dirpath) / name

    @property
    def connection_file(self) -> str:
        return str(self.ipc / "kernel.json")

    @property
    def kernel_log(self) -> Path:
        return self.host / "kernel.log"

    @property
    def ipc_prefix(self) -> str:
        return str(self.ipc / "kernel")

    def env(self) -> dict[str, str]:
        n = str(self.limits.threads)
        env = {"HOME": HOME, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
               "LANG": "C.UTF-8", "MPLBACKEND": INLINE_BACKEND, "PYTHONHASHSEED": str(self.seed),
               "MPLCONFIGDIR": f"{HOME}/.matplotlib", "XDG_CACHE_HOME": f"{HOME}/.cache",
               "TMPDIR": "/tmp", "PYTHONPATH": LIB,
               "OMP_NUM_THREADS": n, "MKL_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n,
               "NUMBA_NUM_THREADS": n, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        if self.cache_inside:
            env["PYTENSOR_FLAGS"] = f"base_compiledir={self.cache_inside}"
        return env

    def launch_prefix(self) -> list[str]:
        """What goes before bwrap on the command line: entering the sandbox's
        cgroup, where it has one."""
        return self.cgroup.enter_prefix() if self.cgroup else []

    def command(self, kernel_argv: list[str]) -> list[str]:
        """Wrap the kernel's command line in the sandbox."""
        if self.drop_user:  # the kernel user can read the socket file
            os.chown(self.connection_file, self.uid, self.uid)
        lim = self.limits
        cpu = lim.cpu_seconds or 2 * self.notebook_timeout
        argv = [bwrap_path(), "--die-with-parent", "--unshare-pid", "--unshare-ipc",
                "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
        # /tmp first: the environment itself may live under /tmp (a CI checkout)
        argv += ["--dev", "/dev", "--proc", "/proc"]
        if self.in_tmpfs:  # in the sandbox's own tmpfs, with its home
            argv += ["--bind", str(self.tmp), "/tmp"]
        else:
            size = ["--size", str(lim.disk_mb * 2**20)] if bwrap_sizes_tmpfs() else []
            argv += ["--perms", "1777", *size, "--tmpfs", "/tmp"]
        binds = _ro_roots()
        made = {"/tmp"}
        for root in binds:  # parents as world-readable folders (bwrap makes them 0700)
            for parent in _parents(root):
                if parent not in made and parent not in binds:
                    argv += ["--perms", "0755", "--dir", parent]
                    made.add(parent)
            argv += ["--ro-bind", root, root]
        for link, target in (("/bin", "usr/bin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64"),
                             ("/sbin", "usr/sbin")):
            if os.path.islink(link):
                argv += ["--symlink", target, link]
            elif os.path.isdir(link):
                argv += ["--ro-bind", link, link]
        if self.cache_inside and self.trusted:
            argv += ["--bind", self.cache_inside, self.cache_inside]
        for parent in _parents(str(self.ipc) + "/x"):
            if parent != "/tmp":
                argv += ["--perms", "0755", "--dir", parent]
        package = str(Path(__file__).resolve().parents[1])  # the platform's code: no checks or answers
        argv += ["--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", LIB,
                 "--ro-bind", package, f"{LIB}/autograder",
                 # the scaffold's example checks and solution: course tooling, not for kernels
                 "--tmpfs", f"{LIB}/autograder/templates/new"]
        argv += ["--perms", "0755", "--dir", str(Path(HOME).parent)]
        argv += ["--bind", str(self.ipc), str(self.ipc), "--bind", str(self.home), HOME,
                 "--chdir", HOME, "--clearenv"]
        for k, v in self.env().items():
            argv += ["--setenv", k, v]
        if self.drop_user:
            setpriv, prlimit = _setpriv_prlimit()
            argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                     setpriv, f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all"]
        else:
            _, prlimit = _setpriv_prlimit()
            argv += (["--unshare-user"] if os.geteuid() != 0 else []) + ["--"]
        argv += [prlimit, f"--as={lim.memory_mb * 2**20}", f"--cpu={cpu}:{cpu + 5}",  # SIGXCPU first, SIGKILL 5 s later
                 f"--nproc={lim.processes}", f"--fsize={lim.file_mb * 2**20}", "--core=0", "--"]
        return argv + kernel_argv

    def leftover_processes(self) -> int:
        """Processes of this sandbox beyond a handful (the kernel and a few
        helpers) once a cell has finished: 0 unless something is forking
        without end. Checked after each cell, so a fork bomb stops the notebook
        instead of spinning on the grader's cores until the notebook limit."""
        if self.drop_user:
            n = len(user_processes(self.uid))
        elif self.cgroup is not None:
            n = self.cgroup.tasks()
        else:
            return 0
        return n if n > max(16, self.limits.processes // 8) else 0

    def out_of_memory(self) -> bool:
        """Whether the sandbox's cgroup hit its memory limit and the system
        killed a process for it (False where there is no cgroup)."""
        return self.cgroup is not None and self.cgroup.out_of_memory()

    def crowded(self) -> int | None:
        """The most processes the sandbox ran at once, when that looks like a
        fork bomb (more than the leftover check allows); else None."""
        peak = self.cgroup.peak_tasks() if self.cgroup is not None else None
        return peak if peak is not None and peak > max(16, self.limits.processes // 8) else None

    def kernel_log_tail(self, size: int = 3000) -> str:
        """The end of the kernel process's own output (a crash's traceback)."""
        try:
            with open(self.kernel_log, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - size))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def cleanup(self) -> bool:
        """Stop every process of the sandbox and remove its files. Never
        raises; returns whether nothing was left on the host."""
        try:
            if self.cgroup is not None:
                self.cgroup.kill()
            if self.drop_user:
                kill_user_processes(self.uid)
            if self.in_tmpfs:
                if self.overlay is not None:
                    _unmount(self.overlay)
                _unmount(self.host)
            gone = remove_tree(self.host)
        except Exception:  # noqa: BLE001 - cleanup must not turn a graded run into a failure
            gone = False
        if self.cgroup is not None:
            self.cgroup.remove()
        return gone


def user_processes(uid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def kill_user_processes(uid: int) -> int:
    """SIGKILL every process of a sandbox uid (normally none are left: the
    sandbox's pid namespace ends with its kernel)."""
    killed = 0
    for pid in user_processes(uid):
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except OSError:
            pass
    return killed
