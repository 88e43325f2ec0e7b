"""How fast do the PyMC homeworks (hglm, pymc_do) sample, and what makes them faster?

Every case runs in a fresh Python process, as a grading kernel would, and reports the
wall time of the first `pm.sample` call (graph compilation included), the number of
divergent transitions, and the smallest bulk ESS of the quantities the hidden checks
use. Ratios are against the plain `pm.sample` baseline (PyMC's own NUTS, C backend)
measured in the same run.

    .venv/bin/python benchmarks/pymc_speed.py                  # models, warm caches
    .venv/bin/python benchmarks/pymc_speed.py --notebooks --cold   # + solution notebooks, warm and cold
    .venv/bin/python benchmarks/pymc_speed.py --quick          # 300 tune + 300 draws

Samplers: "pymc" (baseline), "nutpie" (Rust NUTS on a numba-compiled model), "numpyro"
(JAX) when installed. "Warm" means PyTensor's compile cache (its `base_compiledir`, by
default ~/.pytensor, which also holds the numba cache) already holds the model's code,
as it does after the first run on a machine; "cold" points PYTENSOR_FLAGS at an empty
folder, as on a fresh CI runner. Results: docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable

# One case = one model, sampled once in a fresh process. The models are the ones the
# solutions use; the checked quantities are those of the hidden checks.
CASE = textwrap.dedent(r'''
import json, sys, time, warnings, logging
t0 = time.perf_counter()
warnings.filterwarnings("ignore")
import numpy as np, pymc as pm, arviz as az, importlib.util
logging.getLogger("pymc").setLevel(logging.ERROR)
t_import = time.perf_counter() - t0
repo, model_name, sampler, draws, tune, seed = sys.argv[1:7]
draws, tune, seed = int(draws), int(tune), int(seed)

def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod); return mod

if model_name.startswith("hglm"):
    sys.path.insert(0, repo)
    c = load(f"{repo}/solutions/hglm/reference_posterior.py", "hglm_reference")
    census = c.checks.CENSUS
    if model_name == "hglm_a":
        model, keys, ta = c.varying_intercepts_model(census), c.PART_A, 0.8
    elif model_name == "hglm_b_noncentred":
        model, keys, ta = c.varying_slopes_model(census), c.PART_B, 0.95
    elif model_name == "hglm_b_centred":
        model, keys, ta = c.varying_slopes_model(census, centred=True), c.PART_B, 0.95
    else:  # hglm_b_lkjcov: the same prior through pm.LKJCholeskyCov, non-centred
        with pm.Model(coords={"edu": range(7), "effect": ["alpha", "beta"]}) as model:
            a = pm.Normal("a", 0, 10); b = pm.Normal("b", 0, 1)
            chol, _, _ = pm.LKJCholeskyCov("chol", n=2, eta=2, sd_dist=pm.HalfCauchy.dist(2))
            z = pm.Normal("z", 0, 1, dims=("edu", "effect"))
            eff = pm.math.stack([a, b]) + z @ chol.T
            pm.Deterministic("alpha_e", eff[:, 0], dims="edu")
            pm.Deterministic("beta_e", eff[:, 1], dims="edu")
            pm.Binomial("over_50k", n=census["total"],
                        logit_p=eff[census["edu"], 0] + eff[census["edu"], 1] * census["sex"],
                        observed=census["over_50k"])
        keys, ta = c.PART_B, 0.95
    def draws_of(idata, k):
        return c.draws_of(idata, k)
else:
    d = load(f"{repo}/assignments/pymc_do/checks.py", "pymc_do_checks")
    data = d.simulate_numpy(d.N_UNITS, 1)
    n = d.N_UNITS
    with pm.Model(coords={"unit": np.arange(n)}) as gen:
        bs = {k: pm.Normal(k, 0, 1) for k in ["beta_d0", "beta_hd", "beta_c0", "beta_dc", "beta_hc"]}
        s = pm.HalfNormal("sigma_c", 1)
        H = pm.Normal("H", 0, 1, dims="unit")
        D = pm.Bernoulli("D", logit_p=bs["beta_d0"] + bs["beta_hd"] * H, dims="unit")
        pm.Normal("C", bs["beta_c0"] + bs["beta_dc"] * D + bs["beta_hc"] * H, s, dims="unit")
    model = pm.observe(gen, data)
    keys, ta = ["beta_dc"], 0.8
    def draws_of(idata, k):
        return idata.posterior[k].values

kwargs = {}
if sampler == "numpyro":
    kwargs["nuts_sampler_kwargs"] = {"chain_method": "vectorized"}
t1 = time.perf_counter()
with model:
    idata = pm.sample(draws=draws, tune=tune, chains=4, cores=2, target_accept=ta,
                      nuts_sampler=sampler, random_seed=seed, progressbar=False,
                      compute_convergence_checks=False, **kwargs)
t_sample = time.perf_counter() - t1
ess = {k: float(az.ess(draws_of(idata, k), method="bulk")) for k in keys}
worst = min(ess, key=ess.get)
print(json.dumps({"import_s": t_import, "sample_s": t_sample,
                  "divergences": int(idata.sample_stats["diverging"].sum()),
                  "min_ess": ess[worst], "min_ess_of": worst}))
''')

MODELS = ["hglm_a", "hglm_b_centred", "hglm_b_noncentred", "hglm_b_lkjcov", "pymc_do"]


def available_samplers() -> list[str]:
    out = ["pymc"]
    for name in ("nutpie", "numpyro"):
        try:
            __import__(name)
            out.append(name)
        except ImportError:
            pass
    return out


def run_case(model: str, sampler: str, draws: int, tune: int, seed: int, env: dict,
             timeout: int) -> dict:
    start = time.perf_counter()
    try:
        proc = subprocess.run([PY, "-c", CASE, str(REPO), model, sampler, str(draws), str(tune),
                               str(seed)], capture_output=True, text=True, env=env,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"model": model, "sampler": sampler, "error": f"timeout after {timeout} s"}
    wall = time.perf_counter() - start
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        return {"model": model, "sampler": sampler, "error": proc.stderr.strip()[-400:]}
    return {"model": model, "sampler": sampler, "process_s": wall, **json.loads(lines[-1])}


def env_for(cache: str, cold_dir: Path | None) -> dict:
    env = dict(os.environ)
    if cache == "cold":
        env["PYTENSOR_FLAGS"] = f"base_compiledir={cold_dir}"
    return env


def bench_models(samplers, caches, draws, tune, timeout) -> list[dict]:
    rows = []
    for cache in caches:
        for model in MODELS:
            for sampler in samplers:
                cold_dir = Path(tempfile.mkdtemp(prefix="pytensor-cold-")) if cache == "cold" else None
                if cache == "warm":   # fill the cache first, then measure
                    run_case(model, sampler, 10, 10, 0, env_for("warm", None), timeout)
                row = run_case(model, sampler, draws, tune, 1, env_for(cache, cold_dir), timeout)
                row["cache"] = cache
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


# Notebook variants: the solution as written, and the same notebook with every pm.sample
# switched to the other NUTS backend (the plain pm.sample baseline for hglm, whose Part B
# uses nutpie; nutpie for pymc_do, whose solution keeps PyMC's own sampler).
NOTEBOOK_VARIANTS = {"hglm": ["solution", "pymc"], "pymc_do": ["solution", "nutpie"]}


def bench_notebooks(caches, timeout, homeworks=None, variants=None) -> list[dict]:
    """Time the solution notebooks through the real grading path (sandboxed kernel, hidden
    checks and the grader's own calls included), seed 11."""
    code = textwrap.dedent(r'''
    import json, re, sys, time, tempfile
    from autograder.course.config import load_course
    from autograder.authoring.source import build_source_notebook
    from autograder.homework import load_homework
    from autograder.grading.submission import grade_notebook
    course = load_course(sys.argv[1] + "/course.yml", course_dir=tempfile.mkdtemp())
    a = course.assignment(sys.argv[2])
    nb = build_source_notebook(a)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if sys.argv[3] == "pymc":      # PyMC's own NUTS everywhere
            cell.source = re.sub(r',?\s*nuts_sampler="nutpie"', "", cell.source)
        elif sys.argv[3] == "nutpie":  # nutpie everywhere
            cell.source = re.sub(r'pm\.sample\((?![^)]*nuts_sampler)', 'pm.sample(nuts_sampler="nutpie", ',
                                 cell.source)
    t = time.perf_counter()
    outcome, results = grade_notebook(a, load_homework(a.checks), nb, 11)
    print(json.dumps({"seconds": time.perf_counter() - t, "stopped": outcome.stopped,
                      "points": sum(r.points for r in results),
                      "max_points": sum(r.max_points for r in results)}))
    ''')
    rows = []
    for cache in caches:
        for hw, hw_variants in NOTEBOOK_VARIANTS.items():
            if homeworks and hw not in homeworks:
                continue
            for variant in (hw_variants if cache == "warm" else ["solution"]):
                if variants and variant not in variants:
                    continue
                cold_dir = Path(tempfile.mkdtemp(prefix="pytensor-cold-")) if cache == "cold" else None
                env = env_for(cache, cold_dir)
                if cache == "cold":   # the grader reads base_compiledir= from PYTENSOR_FLAGS
                    env["PYTENSOR_FLAGS"] = f"base_compiledir={cold_dir}"
                try:
                    proc = subprocess.run([PY, "-c", code, str(REPO), hw, variant],
                                          capture_output=True, text=True, env=env, timeout=timeout)
                    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
                    res = json.loads(lines[-1]) if lines else {"error": proc.stderr[-400:]}
                except subprocess.TimeoutExpired:
                    res = {"error": f"timeout after {timeout} s"}
                row = {"notebook": hw, "variant": variant, "cache": cache, **res}
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


def table(rows: list[dict]) -> str:
    base = {(r["model"], r["cache"]): r for r in rows if r["sampler"] == "pymc" and "error" not in r}
    out = ["| model | cache | sampler | first pm.sample (s) | × faster than pm.sample | "
           "divergences | min bulk ESS | min ESS / s |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['model']} | {r['cache']} | {r['sampler']} | {r['error'][:60]} | | | | |")
            continue
        b = base.get((r["model"], r["cache"]))
        ratio = f"{b['sample_s'] / r['sample_s']:.1f}" if b else "n/a"
        out.append(f"| {r['model']} | {r['cache']} | {r['sampler']} | {r['sample_s']:.1f} | {ratio} | "
                   f"{r['divergences']} | {r['min_ess']:.0f} ({r['min_ess_of']}) | "
                   f"{r['min_ess'] / r['sample_s']:.0f} |")
    return "\n".join(out)


def notebook_table(rows: list[dict]) -> str:
    out = ["| notebook | variant | compile cache | graded end to end (s) | points |", "|---|---|---|---|---|"]
    for r in rows:
        if "seconds" in r:
            out.append(f"| {r['notebook']} | {r['variant']} | {r['cache']} | {r['seconds']:.0f} | "
                       f"{r['points']:g}/{r['max_points']:g} |")
        else:
            out.append(f"| {r['notebook']} | {r['variant']} | {r['cache']} | {r.get('error', '')[:80]} | |")
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cold", action="store_true",
                   help="also time the notebooks with an empty compile cache")
    p.add_argument("--cold-models", action="store_true",
                   help="with --cold, also the per-model table (slow: PyMC's own sampler on "
                        "the centred model takes minutes)")
    p.add_argument("--notebooks", action="store_true", help="also time the solution notebooks")
    p.add_argument("--quick", action="store_true", help="300 tuning steps and 300 draws")
    p.add_argument("--samplers", nargs="*", default=None, help="subset of pymc nutpie numpyro")
    p.add_argument("--timeout", type=int, default=900, help="seconds per case")
    p.add_argument("--only-notebooks", action="store_true", help="skip the per-model table")
    p.add_argument("--homeworks", nargs="*", help="notebooks of these homeworks only")
    p.add_argument("--variants", nargs="*", help="notebook variants: solution pymc nutpie")
    p.add_argument("--json", type=Path, help="also write the raw rows here")
    args = p.parse_args(argv)
    samplers = args.samplers or available_samplers()
    if "pymc" not in samplers:
        samplers = ["pymc", *samplers]
    caches = ["warm", "cold"] if args.cold else ["warm"]
    n = 300 if args.quick else 1000
    print(f"samplers: {samplers}; caches: {caches}; {n} tune + {n} draws x 4 chains; "
          f"{os.cpu_count()} CPUs", flush=True)
    rows = [] if args.only_notebooks else bench_models(
        samplers, caches if args.cold_models else ["warm"], n, n, args.timeout)
    nb_rows = (bench_notebooks(caches, args.timeout, args.homeworks, args.variants)
               if args.notebooks else [])
    if rows:
        print()
        print(table(rows))
    if nb_rows:
        print()
        print(notebook_table(nb_rows))
    if args.json:
        args.json.write_text(json.dumps({"models": rows, "notebooks": nb_rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
