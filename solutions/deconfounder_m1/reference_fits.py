"""Reference fits of the deconfounder kit; writes the statistics every milestone's bands come
from, to assignments/deconfounder_m{1,2,3}/reference/fits.json.

    PYTHONPATH=. python solutions/deconfounder_m1/reference_fits.py --runs 60 --alt-runs 25 \
        --mistake-runs 30

Run r draws a fresh data set from the kit's generator (seed 100000 + r), as the grader does,
and calls the milestone-1 notebook's own functions on it (its setup cell and solution
sections run in this process; the alternative style swaps in
alternatives/bayesian_loadings.py): `predictive_score` with 2 and 1 factors on a grader-like
holdout, `substitute_confounder` with 2 factors on every entry. From those fits:

- milestone 1: both scores and the smaller canonical correlation of Z_hat with the true
  confounders; for the known wrong answers, the scores of the same fits with the held-out
  log-likelihood as the statistic and with ties counted as misses, and of the two-factor fit
  on every entry (the fit sees the held-out entries);
- milestone 2: the RMSE ratio of the deconfounded effects (least squares of the revenue on
  the casts and Z_hat, as the milestone-2 reference computes them) to the naive ones;
- in the first --mistake-runs runs only (two more fits each), the one-factor fit on every
  entry (its score, and the ratio of its effects) and the ratio with the revenue-reading
  substitute of mistakes/revenue_in_guide.py;
- milestone 3: the rank correlation of the deconfounded ranking with the true effects (and
  of the naive one), and the gap between the franchise actor's confounding (naive minus
  deconfounded effect) and the largest other actor's.

Results are written after every run; --extend keeps the runs already recorded; --summary
prints the recorded statistics and the bands they give at course.yml's budget (the tables of
docs/calibration.md) and runs nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "datasets" / "casts"
sys.path[:0] = [str(REPO), str(DATA)]

from autograder.authoring.source import answer_from_variant, build_source_notebook  # noqa: E402
from autograder.course.config import load_course  # noqa: E402
from autograder.nbcells import grade_id  # noqa: E402
from autograder.studies import deconfounder as study  # noqa: E402

SECTIONS = ("setup", "model_answer", "score_answer", "substitute_answer")
ALTERNATIVE = "alternatives/bayesian_loadings.py"
REVENUE_MISTAKE = "mistakes/revenue_in_guide.py"
OUT = {m: REPO / "assignments" / f"deconfounder_{m}" / "reference" / "fits.json"
       for m in ("m1", "m2", "m3")}


def notebook_namespace(variant: str | None) -> dict:
    """The milestone-1 notebook's setup and function definitions, executed here (the
    substitute section also fits the course data once; plots go to a non-interactive
    backend)."""
    import matplotlib
    matplotlib.use("Agg")
    a = load_course(REPO / "course.yml").assignment("deconfounder_m1")
    nb = answer_from_variant(build_source_notebook(a), a, variant)
    code = {grade_id(c): c.source for c in nb.cells if c.cell_type == "code"}
    ns: dict = {"n_factors": len(study.CONFOUNDERS)}
    cwd = os.getcwd()
    os.chdir(DATA)
    try:
        for name in SECTIONS:
            exec(compile(code[name], f"<deconfounder_m1 {name}>", "exec"), ns)  # noqa: S102
    finally:
        os.chdir(cwd)
    import matplotlib.pyplot as plt
    plt.close("all")
    return ns


def spy_on_fits(ns: dict) -> list:
    """Record the parameters of every fit the notebook's functions make."""
    fits = []
    fit = ns["fit_factor_model"]

    def recorded(*args, **kwargs):
        out = fit(*args, **kwargs)
        fits.append(out[0])
        return out
    ns["fit_factor_model"] = recorded
    return fits


def replicate_score(params: dict, casts, held, seed: int, statistic: str = "size",
                    ties: float = 0.5, replicates: int = 100) -> float:
    """The predictive score of the fitted parameters (the reference's definition), or of the
    known wrong variants: the held-out log-likelihood as the statistic, ties as misses."""
    import torch
    gen = torch.Generator().manual_seed(seed)
    casts = torch.as_tensor(casts, dtype=torch.float32)
    held = torch.as_tensor(held, dtype=torch.bool)
    with torch.no_grad():
        loc, scale = params["z_loc"], params["z_scale"]
        z = loc + scale * torch.randn((replicates, *loc.shape), generator=gen)
        logits = z @ params["W"].T + params["b"]
        p = torch.sigmoid(logits)
        rep = torch.bernoulli(p, generator=gen)
        if statistic == "size":
            mu = (p.mean(0) * held).sum(1)
            t_obs = -((casts * held).sum(1) - mu).abs()
            t_rep = -((rep * held).sum(2) - mu).abs()
        else:
            bce = torch.nn.functional.binary_cross_entropy_with_logits
            t_obs = -(bce(logits, casts.expand_as(logits), reduction="none") * held).sum(2)
            t_rep = -(bce(logits, rep, reduction="none") * held).sum(2)
        pf = (t_rep < t_obs).double().mean(0) + ties * (t_rep == t_obs).double().mean(0)
    return float(pf[held.any(1)].mean())


def effect_stats(z_hat, data: study.Casts) -> dict:
    """Milestone-2 and -3 statistics of a substitute confounder on its data set."""
    dec = study.least_squares(data.casts, data.revenue, z_hat).effects
    naive = study.least_squares(data.casts, data.revenue).effects
    drop = naive - dec
    star = data.franchise_actor
    return {"ratio": study.error_ratio(dec, data),
            "rank_corr": study.rank_correlation(study.ranking(data.actors, dec), data),
            "rank_corr_naive": study.rank_correlation(study.ranking(data.actors, naive), data),
            "franchise_gap": float(drop[star] - np.delete(drop, star).max())}


def one_run(ns: dict, fits: list, seed: int, mistakes: bool, extra: bool,
            revenue_ns: dict | None) -> dict:
    import pandas as pd
    import torch
    data = study.draw_casts(seed)
    df = pd.DataFrame(data.columns())
    held = study.holdout_mask(seed + 1, data.casts.shape)
    start = time.process_time()
    row: dict = {"seed": seed}
    k = len(study.CONFOUNDERS)
    row["s_enough"] = float(ns["predictive_score"](df, k, held, seed))
    masked_enough = fits[-1]
    row["s_too_few"] = float(ns["predictive_score"](df, k - 1, held, seed + 2))
    masked_few = fits[-1]
    z_hat = np.asarray(ns["substitute_confounder"](df, k, seed + 3))
    all_enough = fits[-1]
    row["cc"] = float(study.canonical_correlations(data.confounders, z_hat).min())
    row.update(effect_stats(z_hat, data))
    casts = data.casts
    if mistakes:
        for tag, stat, ties in (("loglik", "loglik", 0.5), ("strict", "size", 0.0)):
            row[f"s_enough_{tag}"] = replicate_score(masked_enough, casts, held, seed, stat, ties)
            row[f"s_too_few_{tag}"] = replicate_score(masked_few, casts, held, seed, stat, ties)
        row["s_enough_unmasked"] = replicate_score(all_enough, casts, held, seed)
    if extra:
        all_few, _ = ns["fit_factor_model"](torch.tensor(casts, dtype=torch.float32), k - 1,
                                             seed + 4)
        row["s_too_few_unmasked"] = replicate_score(all_few, casts, held, seed)
        row["ratio_one_factor"] = effect_stats(all_few["z_loc"].numpy(), data)["ratio"]
        z_rev = np.asarray(revenue_ns["substitute_confounder"](df, k, seed + 5))
        row["ratio_revenue"] = effect_stats(z_rev, data)["ratio"]
    row["cpu_seconds"] = round(time.process_time() - start, 1)
    return row


MILESTONE_STATS = {
    "m1": ("seed", "s_enough", "s_too_few", "cc", "s_enough_loglik", "s_too_few_loglik",
           "s_enough_strict", "s_too_few_strict", "s_enough_unmasked", "s_too_few_unmasked",
           "cpu_seconds"),
    "m2": ("seed", "ratio", "ratio_one_factor", "ratio_revenue"),
    "m3": ("seed", "rank_corr", "rank_corr_naive", "franchise_gap"),
}


def write(runs: dict, command: str) -> None:
    for milestone, keys in MILESTONE_STATS.items():
        out = {"command": command,
               "generator": "autograder/studies/deconfounder.py:draw_casts(100000 + r); "
                            "alternative: 200000 + r",
               "runs": {style: [{k: r[k] for k in keys if k in r} for r in rows]
                        for style, rows in runs.items()}}
        OUT[milestone].parent.mkdir(parents=True, exist_ok=True)
        part = OUT[milestone].with_suffix(".part")      # a reader never sees half a file
        part.write_text(json.dumps(out, indent=1) + "\n")
        part.replace(OUT[milestone])


def summary() -> str:
    """Markdown tables of the recorded statistics and of the bands at the course's budget."""
    from autograder.homework import load_homework
    course = load_course(REPO / "course.yml")
    lines = []
    for milestone, keys in MILESTONE_STATS.items():
        runs = json.loads(OUT[milestone].read_text())["runs"]
        lines += ["", f"deconfounder_{milestone}", "",
                  "| statistic | style | runs | mean | SD | min | max |", "|---|---|---|---|---|---|---|"]
        for key in keys[1:]:
            for style, rows in runs.items():
                v = np.array([r[key] for r in rows if key in r])
                if v.size:
                    lines.append(f"| {key} | {style} | {v.size} | {v.mean():.4f} | "
                                 f"{v.std(ddof=1):.4f} | {v.min():.4f} | {v.max():.4f} |")
        a = course.assignment(f"deconfounder_{milestone}")
        alpha = a.false_fail_budget / load_homework(a.checks).total_checks
        lines.append(f"\nper-check level alpha = {alpha:.3g}")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--alt-runs", type=int, default=25)
    ap.add_argument("--mistake-runs", type=int, default=30,
                    help="reference runs that also fit the one-factor and revenue mistakes")
    ap.add_argument("--extend", action="store_true", help="keep the runs already recorded")
    ap.add_argument("--summary", action="store_true", help="print the recorded statistics")
    args = ap.parse_args(argv)
    if args.summary:
        print(summary())
        return
    command = ("PYTHONPATH=. python solutions/deconfounder_m1/reference_fits.py "
               f"--runs {args.runs} --alt-runs {args.alt_runs} "
               f"--mistake-runs {args.mistake_runs}")
    runs = {"reference": [], "alternative": []}
    if args.extend and all(p.exists() for p in OUT.values()):
        old = {m: json.loads(p.read_text())["runs"] for m, p in OUT.items()}
        for style in runs:
            rows = [dict() for _ in old["m1"].get(style, [])]
            for m in OUT:
                for row, rec in zip(rows, old[m].get(style, [])):
                    row.update(rec)
            runs[style] = rows
    plan = (("reference", None, args.runs, 100_000), ("alternative", ALTERNATIVE, args.alt_runs,
                                                       200_000))
    revenue_ns = None
    for style, variant, n, base in plan:
        if len(runs[style]) >= n:
            continue
        ns = notebook_namespace(variant)
        fits = spy_on_fits(ns)
        if style == "reference":
            revenue_ns = notebook_namespace(REVENUE_MISTAKE)
        for r in range(len(runs[style]), n):
            ref = style == "reference"
            row = one_run(ns, fits, base + r, ref, ref and r < args.mistake_runs, revenue_ns)
            runs[style].append(row)
            write(runs, command)
            print(style, json.dumps({k: round(v, 4) if isinstance(v, float) else v
                                     for k, v in row.items()}), flush=True)


if __name__ == "__main__":
    main()
