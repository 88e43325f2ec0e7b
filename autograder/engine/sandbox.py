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
"""
from __future__ import annotations

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
from autograder.errors import CourseError

HOME = "/home/student"  # the kernel's working directory inside the sandbox
LIB = "/opt/course-lib"  # this package, read-only, for `from autograder import visible`
FIRST_UID = 61000       # sandbox users are FIRST_UID + a random offset, one per sandbox
UID_RANGE = 30000
# figures become PNG outputs of their cell (kept in the graded notebook and its
# feedback, and counted in the output budget like any other output)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


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
    """One kernel's sandbox. `host` holds the home folder and the IPC sockets;
    it is created empty and removed afterwards."""
    limits: Limits
    notebook_timeout: int
    seed: int
    data_files: dict[str, bytes] = field(default_factory=dict)
    # a PyTensor compile cache to start from: bound read-write for trusted
    # (reference) runs, copied as hard links otherwise so a student can add to
    # their own copy but never change what the next kernel loads
    compile_cache: Path | None = None
    trusted: bool = False

    def __post_init__(self):
        self.host = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
        self.home = self.host / "home"
        self.ipc = self.host / "ipc"
        self.home.mkdir()
        self.ipc.mkdir()
        # trusted (reference) runs keep the grader's user so the shared compile
        # cache stays writable; students get an unprivileged uid of their own
        self.drop_user = os.geteuid() == 0 and not self.trusted
        # a fresh uid per sandbox: what one kernel left behind (a fork bomb's
        # processes still being torn down) never counts against the next one
        self.uid = FIRST_UID + secrets.randbelow(UID_RANGE) if self.drop_user else os.geteuid()
        for name, content in self.data_files.items():
            (self.home / name).write_bytes(content)
            os.chmod(self.home / name, 0o444)
        self.cache_inside = None
        if self.compile_cache is not None:
            self.compile_cache.mkdir(parents=True, exist_ok=True)
            if self.trusted:
                self.cache_inside = str(self.compile_cache)
            else:
                dest = str(self.home / ".pytensor")
                for how in ("-al", "-a"):  # hard links need one filesystem; else copy
                    if subprocess.run(["cp", how, str(self.compile_cache), dest],
                                      capture_output=True).returncode == 0:
                        break
                    shutil.rmtree(dest, ignore_errors=True)
                self.cache_inside = f"{HOME}/.pytensor"
        if self.drop_user:
            for d in (self.home, self.ipc, *self._dirs_under(self.home / ".pytensor")):
                os.chown(d, self.uid, self.uid)

    @staticmethod
    def _dirs_under(root: Path):
        if root.is_dir():
            yield root
            for dirpath, dirnames, _ in os.walk(root):
                for d in dirnames:
                    yield Path(dirpath) / d

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

    def command(self, kernel_argv: list[str]) -> list[str]:
        """Wrap the kernel's command line in the sandbox."""
        if self.drop_user:  # the kernel user can read the socket file
            os.chown(self.connection_file, self.uid, self.uid)
        lim = self.limits
        cpu = lim.cpu_seconds or 2 * self.notebook_timeout
        argv = [bwrap_path(), "--die-with-parent", "--unshare-pid", "--unshare-ipc",
                "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
        # /tmp first: the environment itself may live under /tmp (a CI checkout)
        argv += ["--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp"]
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
        """Processes of this sandbox's user beyond a handful (the kernel and a
        few helpers) once a cell has finished: 0 unless something is forking
        without end. Checked after each cell, so a fork bomb stops the notebook
        instead of spinning on the grader's cores until the notebook limit."""
        if not self.drop_user:
            return 0
        n = len(user_processes(self.uid))
        return n if n > max(16, self.limits.processes // 8) else 0

    def cleanup(self) -> None:
        if self.drop_user:
            kill_user_processes(self.uid)
        shutil.rmtree(self.host, ignore_errors=True)


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
