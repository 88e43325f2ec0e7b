"""Code that runs INSIDE the student's kernel. It is sent as source text, never imported.

It turns named answers, and results of calls to the student's functions with
arguments chosen by the grader, into tagged JSON and displays it under a
private MIME type. Nothing here decides a verdict: the grader decodes the JSON
and runs the checks in its own process, so anything the kernel sends is at most
"the student's answer".

When the cell's time limit interrupts one of the student's functions, the
KeyboardInterrupt is caught at that call: it and the calls not yet made are
reported as over the time limit (`__timeout__`), and the answers read before
it still go out. A KeyboardInterrupt the student's own code raises before the
limit is reported as what it is, an error of that call.
"""

from autograder.engine.wire import MAX_DEPTH, MIME

PROLOGUE = r'''
def __course_seed(seed):
    import os, random
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    try:
        import numpy
        numpy.random.seed(seed)
    except ImportError:
        numpy = None
    # torch and pyro are seeded when the student imports them (importing them
    # here would cost seconds in notebooks that never use them). Samplers that
    # draw fresh entropy when given no seed (PyMC, nutpie, numpy's default_rng)
    # get one from a per-submission sequence instead, so a regrade reproduces
    # the run.
    import functools, importlib.abc, importlib.util, itertools, sys
    counter = itertools.count(1)

    def next_seed():
        return (seed * 1000003 + next(counter)) % (2**31 - 1)

    def seeded(f, key):
        @functools.wraps(f)
        def call(*args, **kwargs):
            if kwargs.get(key) is None:
                kwargs[key] = next_seed()
            return f(*args, **kwargs)
        return call

    if numpy is not None:
        make_rng = numpy.random.default_rng

        def default_rng(seed=None):
            return make_rng(next_seed() if seed is None else seed)
        numpy.random.default_rng = default_rng
    patches = {"pymc": [("sample", "random_seed"), ("sample_prior_predictive", "random_seed"),
                        ("sample_posterior_predictive", "random_seed"), ("draw", "random_seed")],
               "nutpie": [("sample", "seed")], "torch": [], "pyro": []}
    on_import = {"torch": lambda m: m.manual_seed(seed), "pyro": lambda m: m.set_rng_seed(seed)}

    class SeedOnImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name not in patches:
                return None
            sys.meta_path.remove(self)
            try:
                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            if spec is None or spec.loader is None:
                return spec
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                if name in on_import:
                    on_import[name](module)
                for attr, key in patches[name]:
                    if callable(getattr(module, attr, None)):
                        setattr(module, attr, seeded(getattr(module, attr), key))
            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, SeedOnImport())
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")  # sandbox.INLINE_BACKEND: figures as PNG outputs
__course_seed({seed})
del __course_seed
'''

EXTRACT = r'''
def __course_extract(names, calls, mime, nonce, limit, quiet):
    import builtins, fractions, json, math, time, traceback
    from IPython.display import display
    started = time.monotonic()
    # the student's variables live in these globals; a `list = [...]` of theirs
    # must not change how their answers are read
    bool, callable, dict, float, frozenset, int, isinstance, list, repr, set, str, tuple, type = (
        builtins.bool, builtins.callable, builtins.dict, builtins.float, builtins.frozenset,
        builtins.int, builtins.isinstance, builtins.list, builtins.repr, builtins.set,
        builtins.str, builtins.tuple, builtins.type)
    Exception, TypeError, hasattr, globals = (builtins.Exception, builtins.TypeError,
                                             builtins.hasattr, builtins.globals)
    len, LookupError, max = builtins.len, builtins.LookupError, builtins.max
    KeyboardInterrupt, SystemExit = builtins.KeyboardInterrupt, builtins.SystemExit
    import sys
    odd = []  # set when a value read holds a non-finite number

    def plain(x, depth=0):
        if depth > {max_depth}:
            raise TypeError("the value is nested too deeply")
        if x is None or type(x) in (bool, str):
            return x
        if type(x) is int:
            return x
        if type(x) is float:
            if math.isfinite(x):
                return x
            odd.append(x)
            return {"__float__": repr(x)}
        mod = type(x).__module__.split(".")[0]
        if mod in ("torch", "numpy") and hasattr(x, "tolist"):
            if mod == "torch":
                x = x.detach().cpu().numpy()
            import numpy as np
            arr = np.asarray(x)
            if arr.dtype.kind not in "biuf":
                raise TypeError(f"arrays of dtype {arr.dtype} are not supported")
            kind = {"b": "bool", "i": "int", "u": "int", "f": "float"}[arr.dtype.kind]
            flat = [v if not isinstance(v, float) or math.isfinite(v) else repr(v)
                    for v in arr.astype(float if kind == "float" else arr.dtype).ravel().tolist()]
            if kind == "float" and any(type(v) is str for v in flat):
                odd.append(x)
            return {"__array__": flat, "shape": list(arr.shape), "dtype": kind}
        if type(x) is fractions.Fraction:
            return {"__fraction__": [x.numerator, x.denominator]}
        if isinstance(x, (set, frozenset)):
            return {"__set__": [plain(v, depth + 1) for v in x]}
        if isinstance(x, (list, tuple)):
            return [plain(v, depth + 1) for v in x]
        if isinstance(x, dict):
            return {"__dict__": [[plain(k, depth + 1), plain(v, depth + 1)] for k, v in x.items()]}
        return {"__unsupported__": type(x).__name__}

    out = {}
    g = globals()
    # the grader interrupts the cell when its time limit is up; an interrupt
    # near the limit is that, not the student's own KeyboardInterrupt
    def out_of_time():
        return time.monotonic() - started >= max(limit - 2, limit / 2)
    late = []  # set when the limit struck: nothing more is called

    def stopped(key, what, exc):
        if isinstance(exc, KeyboardInterrupt) and out_of_time():
            late.append(key)
            return {"__timeout__": limit, "what": what}
        return {"__error__": f"{type(exc).__name__}: {exc}", "what": what}

    for name in names:
        if late:
            out[name] = {"__timeout__": limit, "what": name}
            continue
        if name not in g:
            out[name] = {"__missing__": name}
            continue
        try:
            out[name] = {"value": plain(g[name])}
        except (Exception, KeyboardInterrupt) as exc:
            out[name] = stopped(name, name, exc)
    def argument(v):
        # two tagged literals the grader may pass: one of the student's own globals
        # (a fitted model), and a table rebuilt as a fresh pandas DataFrame per call
        if type(v) is dict and len(v) == 1 and "__global__" in v:
            if v["__global__"] not in g:
                raise LookupError(v["__global__"])
            return g[v["__global__"]]
        if type(v) is dict and len(v) == 1 and "__dataframe__" in v:
            import pandas
            return pandas.DataFrame(v["__dataframe__"])
        return v

    # With `quiet` (the later stages of a staged question: the first ran with the
    # student's settings and did not reject), the grader's calls run with torch's and
    # Pyro's argument checks off where the student imported them: the checks only
    # check (same draws, same numbers) and cost about 40 % of a small Pyro model's
    # run. A call that raises or returns a non-finite number is run again with the
    # checks as the student had them, so the feedback quotes the student's own error.
    checks = [("pyro.distributions.util", "pyro"), ("pyro.infer.util", "pyro"),
              ("pyro.poutine.util", "pyro"), ("torch.distributions.distribution", "torch")]

    def set_checks(state):
        """Turn the loaded modules' checks off (state None) or back to `state` (only the
        modules it names: one the call imported keeps its own default); return the
        settings before."""
        before = {}
        try:
            loaded = [(name, kind, sys.modules[name]) for name, kind in checks
                      if name in sys.modules and (state is None or name in state)]
            for name, kind, m in loaded:   # all read first: Pyro's setting sets torch's
                before[name] = (m.is_validation_enabled() if kind == "pyro"
                                else m.Distribution._validate_args)
            for name, kind, m in loaded:   # torch's last, for the same reason
                on = bool(state and state[name])
                if kind == "pyro":
                    m.enable_validation(on)
                else:
                    m.Distribution.set_default_validate_args(on)
        except Exception:
            pass  # a student's patched module: the calls run as they are
        return before

    def call(func, kwargs):
        del odd[:]
        return {"value": plain(g[func](**kwargs))}

    def failed(key, func, exc):
        entry = stopped(key, f"{func}(...)", exc)
        if "__error__" in entry:
            tb = traceback.extract_tb(exc.__traceback__)
            # keep only frames from the student's own cells
            where = [f"line {f.lineno} in {f.name}" for f in tb
                     if f.filename.startswith("<ipython-input") or "/ipykernel_" in f.filename]
            entry["__error__"] += f" ({where[-1]})" if where else ""
        return entry

    for key, (func, kwargs) in calls.items():
        if late:
            out[key] = {"__timeout__": limit, "what": f"{func}(...)"}
            continue
        if func not in g or not callable(g[func]):
            out[key] = {"__missing__": func}
            continue
        try:
            args = {k: argument(v) for k, v in kwargs.items()}
        except LookupError as exc:
            out[key] = {"__missing__": str(exc.args[0])}
            continue
        first = time.monotonic()
        student = set_checks(None) if quiet else {}
        try:
            out[key] = call(func, args)
            again = bool(odd)
        except (Exception, KeyboardInterrupt, SystemExit) as exc:
            out[key] = failed(key, func, exc)
            again = "__error__" in out[key]
        finally:
            set_checks(student)
        took = time.monotonic() - first
        if again and any(student.values()) and limit - (time.monotonic() - started) > 2 * took + 4:
            try:  # fresh arguments: the first call may have changed a table in place
                out[key] = call(func, {k: argument(v) for k, v in kwargs.items()})
            except (Exception, KeyboardInterrupt, SystemExit) as exc:
                out[key] = failed(key, func, exc)
    display({mime: json.dumps({"nonce": nonce, "answers": out})}, raw=True)

__course_extract({names!r}, {calls!r}, {mime!r}, "__COURSE_NONCE__", __COURSE_LIMIT__, {quiet})
del __course_extract
'''


NONCE_SLOT = '"__COURSE_NONCE__"'
LIMIT_SLOT = "__COURSE_LIMIT__"


def for_cell(code: str, nonce: str, seconds: int) -> str:
    """The extraction code for one run of one test cell: this run's secret,
    made by the grader just before the cell runs (nothing in the kernel knows
    it earlier; only output carrying it is read as answers), and the cell's
    time limit in seconds."""
    return code.replace(NONCE_SLOT, repr(nonce)).replace(LIMIT_SLOT, str(int(seconds)))


def prologue(seed: int) -> str:
    return PROLOGUE.replace("{seed}", str(int(seed)))


def extract(names: list[str], calls: dict[str, tuple[str, dict]], quiet: bool = False) -> str:
    """Source that reports `names` and the results of `calls` = {key: (func, kwargs)}.

    kwargs must be plain literals (numbers, strings, lists, dicts); they are
    embedded with repr, so the grader decides exactly what the kernel sees.
    Two tagged literals stand for what a literal cannot hold: {"__global__": name}
    is the kernel's global `name` (e.g. the student's fitted model, so the grader
    calls it without retraining), {"__dataframe__": {column: list}} a new pandas
    DataFrame built from those columns for that call. With `quiet`, the calls run with
    torch's and Pyro's argument checks off (the code's comment says when and why).
    """
    return (EXTRACT.replace("{quiet}", repr(bool(quiet))).replace("{names!r}", repr(list(names)))
            .replace("{calls!r}", repr({k: (f, dict(kw)) for k, (f, kw) in calls.items()}))
            .replace("{mime!r}", repr(MIME)).replace("{max_depth}", str(MAX_DEPTH)))
