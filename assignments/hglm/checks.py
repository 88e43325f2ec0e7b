"""Hidden checks for the hierarchical GLM homework (content brief, section 6).

Never released to students. The facts are the census counts in
datasets/hglm/census_income.csv and the two model specifications of the brief.
There is no closed form for these posteriors, so every truth is a *reference
posterior*: a long run of the same models by `build_reference` below, cached
with its Monte Carlo standard errors in assignments/hglm/reference/reference.json.
Regenerate the cache with

    .venv/bin/python assignments/hglm/checks.py            # a few minutes

and tests/test_hw_hglm.py shows that an independent run of this code agrees
with the cache within the combined Monte Carlo error.

Bands (docs/statistics.md, "Posterior draws against a reference posterior"): a posterior
mean passes when |m - m_ref| <= z * sqrt(MCSE^2 + MCSE_ref^2), MCSE from the
student's own draws (az.mcse), z from the assignment's share of the false-fail
budget. Convergence gate: hard fail at R-hat > 1.05 or bulk ESS < MIN_ESS;
1.01 < R-hat <= 1.05 passes with feedback (docs/calibration.md, "Convergence gates";
the ESS of correct runs is in docs/benchmarks.md).
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
from scipy import stats

from autograder.checks import (AnswerError, after_gate, as_array, as_float, close_to, convergence,
                               failed, matches_reference, mcse_mean, passed, thin_to_ess)
from autograder.homework import Homework

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "datasets" / "hglm" / "census_income.csv"
REFERENCE = HERE / "reference" / "reference.json"

N_EDU = 7
BACHELORS, VOCATIONAL, DOCTORATE = 4, 3, 6
NEW_SAMPLE = 86            # female doctorates in the new sample (the brief)
CHAINS, DRAWS, TUNE = 4, 1000, 1000   # what the questions ask for
MIN_ESS = 400              # 100 per chain (Vehtari et al. 2021); stated in the questions
MIN_PREDICTIVE_DRAWS = CHAINS * DRAWS  # one predictive draw per posterior draw

PART_A = ["a", "bm", "sigma"] + [f"alpha_ed[{e}]" for e in range(N_EDU)]
PART_B = ["b"] + [f"alpha_e[{e}]" for e in range(N_EDU)] + [f"beta_e[{e}]" for e in range(N_EDU)]

hw = Homework()


# ---------------------------------------------------------------- the facts
def load_census(path: Path = DATA) -> dict[str, np.ndarray]:
    """The 14 cells: edu, sex (1 = male), total and the number earning >50K."""
    cols = {"edu": [], "sex": [], "total": [], "over_50k": []}
    with path.open() as fh:
        for row in csv.DictReader(fh):
            for k in cols:
                cols[k].append(int(row[k]))
    return {k: np.asarray(v, dtype=np.int64) for k, v in cols.items()}


def observed_logodds(census: dict) -> np.ndarray:
    """[edu, sex] empirical log-odds of earning >50K."""
    out = np.zeros((N_EDU, 2))
    for e, s, n, y in zip(census["edu"], census["sex"], census["total"], census["over_50k"]):
        out[e, s] = math.log(y / (n - y))
    return out


def pooled_over_sex_logodds(census: dict) -> np.ndarray:
    """Log-odds per education level with the sexes lumped together (a mistake's target)."""
    y = np.bincount(census["edu"], weights=census["over_50k"], minlength=N_EDU)
    n = np.bincount(census["edu"], weights=census["total"], minlength=N_EDU)
    return np.log(y / (n - y))


# ------------------------------------------------ the reference posterior
def varying_intercepts_model(census: dict):
    """Part A: alpha_ed[e] ~ N(a, sigma), logit p = alpha_ed[edu] + bm * sex."""
    import pymc as pm
    with pm.Model(coords={"edu": range(N_EDU)}) as model:
        a = pm.Normal("a", 0.0, 10.0)
        bm = pm.Normal("bm", 0.0, 1.0)
        sigma = pm.HalfCauchy("sigma", 2.0)
        alpha_ed = pm.Normal("alpha_ed", a, sigma, dims="edu")
        pm.Binomial("over_50k", n=census["total"],
                    logit_p=alpha_ed[census["edu"]] + bm * census["sex"],
                    observed=census["over_50k"])
    return model


def cholesky_2x2(sigmas, rho):
    """Cholesky factor of diag(sigmas) [[1, rho], [rho, 1]] diag(sigmas)."""
    import pytensor.tensor as pt
    return pt.stack([pt.stack([sigmas[0], 0.0 * rho]),
                     pt.stack([sigmas[1] * rho, sigmas[1] * pt.sqrt(1.0 - rho ** 2)])])


def varying_slopes_model(census: dict, centred: bool = False):
    """Part B: (alpha_e, beta_e) ~ MvNormal([a, b], Sigma), Sigma = diag(s) R diag(s) with
    R ~ LKJ(eta=2) and s ~ HalfCauchy(2): the prior of pm.LKJCholeskyCov(n=2, eta=2,
    sd_dist=HalfCauchy(2)). For n = 2, R ~ LKJ(eta) is (rho + 1)/2 ~ Beta(eta, eta).

    The Cholesky factor is built from (s, rho) rather than through LKJCholeskyCov, which
    samples the packed entries of L: same prior, named hyperparameters in the summaries,
    and it sampled faster in docs/benchmarks.md. The LKJCholeskyCov form is an
    accepted alternative (solutions/hglm/alternatives/lkj_cholesky_cov.py)."""
    import pymc as pm
    with pm.Model(coords={"edu": range(N_EDU), "effect": ["alpha", "beta"]}) as model:
        a = pm.Normal("a", 0.0, 10.0)
        b = pm.Normal("b", 0.0, 1.0)
        sigmas = pm.HalfCauchy("sigmas", 2.0, dims="effect")
        rho = pm.Deterministic("rho", 2.0 * pm.Beta("rho_half", 2.0, 2.0) - 1.0)
        chol = cholesky_2x2(sigmas, rho)
        mu = pm.math.stack([a, b])
        if centred:
            effects = pm.MvNormal("effects", mu=mu, chol=chol, dims=("edu", "effect"))
        else:
            z = pm.Normal("z", 0.0, 1.0, dims=("edu", "effect"))
            effects = pm.Deterministic("effects", mu + z @ chol.T, dims=("edu", "effect"))
        alpha_e = pm.Deterministic("alpha_e", effects[:, 0], dims="edu")
        beta_e = pm.Deterministic("beta_e", effects[:, 1], dims="edu")
        pm.Binomial("over_50k", n=census["total"],
                    logit_p=alpha_e[census["edu"]] + beta_e[census["edu"]] * census["sex"],
                    observed=census["over_50k"])
    return model


def _draws(idata, name: str) -> np.ndarray:
    """(chains, draws) array of one scalar, e.g. 'alpha_ed[3]'."""
    base, _, index = name.partition("[")
    arr = np.asarray(idata.posterior[base].values, dtype=np.float64)
    return arr[..., int(index[:-1])] if index else arr


def _summary(draws: np.ndarray) -> dict:
    from autograder.checks import ess_bulk
    return {"mean": float(draws.mean()), "mcse": mcse_mean(draws), "sd": float(draws.std()),
            "ess_bulk": ess_bulk(draws)}


def male_logodds(alpha_e, beta_e, edu: int) -> np.ndarray:
    return np.asarray(alpha_e)[..., edu] + np.asarray(beta_e)[..., edu]


def predictive_pmf(p_draws: np.ndarray, n: int = NEW_SAMPLE) -> np.ndarray:
    """Posterior predictive pmf of Binomial(n, p) averaged over posterior draws of p
    (Rao-Blackwellised: exact given the draws, no binomial sampling noise)."""
    k = np.arange(n + 1)
    p = np.asarray(p_draws, dtype=np.float64).reshape(-1)
    pmf = np.zeros(n + 1)
    for chunk in np.array_split(p, max(1, p.size // 5000)):
        pmf += stats.binom.pmf(k[None, :], n, chunk[:, None]).sum(axis=0)
    return pmf / p.size


def sample(model, draws: int, tune: int, chains: int, seed: int, target_accept: float = 0.99):
    """NUTS via nutpie (the fast sampler the homework uses; see docs/benchmarks.md)."""
    import pymc as pm
    with model:
        return pm.sample(draws=draws, tune=tune, chains=chains, cores=min(2, chains),
                         target_accept=target_accept, nuts_sampler="nutpie", random_seed=seed,
                         progressbar=False)


def summarise_runs(idata_a, idata_b) -> dict:
    """The cached quantities: posterior means with MCSE, the probability and the pmf."""
    from autograder.checks import ess_bulk
    alpha_e, beta_e = idata_b.posterior["alpha_e"].values, idata_b.posterior["beta_e"].values
    beats = (male_logodds(alpha_e, beta_e, BACHELORS)
             > male_logodds(alpha_e, beta_e, VOCATIONAL)).astype(np.float64)
    p_female_doc = 1.0 / (1.0 + np.exp(-alpha_e[..., DOCTORATE]))
    pmf = predictive_pmf(p_female_doc)
    k = np.arange(NEW_SAMPLE + 1)
    mean = float(pmf @ k)
    return {
        "part_a": {name: _summary(_draws(idata_a, name)) for name in PART_A},
        "part_b": {name: _summary(_draws(idata_b, name)) for name in PART_B},
        "p_bach_beats_voc": {"mean": float(beats.mean()), "mcse": mcse_mean(beats),
                             "ess_bulk": ess_bulk(beats)},
        "female_doctorate": {"pmf": pmf.tolist(), "ess_bulk_p": ess_bulk(p_female_doc),
                             "mean": mean, "sd": float(math.sqrt(pmf @ (k - mean) ** 2))},
        "divergences": {"part_a": int(idata_a.sample_stats["diverging"].sum()),
                        "part_b": int(idata_b.sample_stats["diverging"].sum())},
    }


def build_reference(draws: int = 25_000, tune: int = 2_000, chains: int = 4, seed: int = 20270301,
                    target_accept: float = 0.99,
                    path: Path | None = REFERENCE) -> dict:
    """Run both models long and (if `path`) write the cache. ESS_ref is about 25 times
    a student's run, so the reference's MCSE adds ~2 % to the band. target_accept = 0.99
    (students use 0.95): at 0.9-0.95 the non-centred model still has a few divergent
    transitions per run, at 0.99 none, and this long run should have none."""
    import importlib.metadata as md
    census = load_census()
    idata_a = sample(varying_intercepts_model(census), draws, tune, chains, seed, target_accept)
    idata_b = sample(varying_slopes_model(census), draws, tune, chains, seed + 1, target_accept)
    ref = summarise_runs(idata_a, idata_b)
    ref["settings"] = {
        "generator": "assignments/hglm/checks.py:build_reference",
        "draws": draws, "tune": tune, "chains": chains, "seed": seed, "sampler": "nutpie",
        "target_accept": target_accept, "versions": {p: md.version(p) for p in ("pymc", "nutpie", "arviz")},
        "data": str(DATA.relative_to(HERE.parents[1])),
    }
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
    return ref


def load_reference(path: Path = REFERENCE) -> dict:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; run `python {Path(__file__).name}` to build it")
    return json.loads(path.read_text())


CENSUS = load_census()
_CACHE: dict = {}


def ref() -> dict:
    """The cached reference posterior (read once)."""
    if "ref" not in _CACHE:
        _CACHE["ref"] = load_reference()
    return _CACHE["ref"]


# ------------------------------------------------------------------ guards
def _posterior(value, name: str, keys: list[str]) -> dict[str, np.ndarray]:
    """{scalar name: (chains, draws)} from the student's dict of (chains, draws[, 7]) arrays."""
    if not isinstance(value, dict):
        raise AnswerError(f"`{name}` should be a dict of arrays such as "
                          f"`idata.posterior[\"{keys[0]}\"].values`, not a {type(value).__name__}.")
    out, shape = {}, None
    for key in keys:
        base, _, index = key.partition("[")
        if base not in value:
            raise AnswerError(f"`{name}` has no entry {base!r}.")
        vector = bool(index)
        arr = as_array(value[base], f"{name}[{base!r}]",
                       shape=(None, None, N_EDU) if vector else (None, None))
        if shape is None:
            shape = arr.shape[:2]
        elif arr.shape[:2] != shape:
            raise AnswerError(f"The entries of `{name}` should all have the same number of "
                              "chains and draws.")
        out[key] = arr[..., int(index[:-1])] if vector else arr
    return out


def _gate(draws: dict[str, np.ndarray], label: str):
    """One convergence result for all checked quantities of a posterior."""
    results = {k: convergence(v, f"{label}[{k!r}]", MIN_ESS) for k, v in draws.items()}
    bad = [r for r in results.values() if not r.passed]
    detail = {k: {d: r.detail.get(d) for d in ("rhat", "ess_bulk")} for k, r in results.items()}
    if bad:
        return failed(bad[0].message, gate="hard", quantities=detail)
    soft = [k for k, r in results.items() if r.detail.get("soft_warning")]
    if soft:
        return passed(f"`{label}` converged, but R-hat is above 1.01 for {', '.join(soft)}: "
                      "longer chains would make these estimates more reliable.",
                      soft_warning=True, quantities=detail)
    return passed(f"`{label}` shows no sign of convergence problems.", quantities=detail)


def _posterior_checks(values, ctx, label: str, keys: list[str], ref: dict, hint: str):
    draws = _posterior(values[label], label, keys)
    return after_gate(_gate(draws, label),
                      [matches_reference(draws[k], ref[k]["mean"], ref[k]["mcse"], ctx.alpha,
                                         name=f"{label}[{k!r}]", hint=hint) for k in keys])


# ------------------------------------------------------------------ checks
@hw.question("test_part_a", answers=["posterior_a"], n_checks=1 + len(PART_A))
def check_part_a(values, ctx):
    return _posterior_checks(values, ctx, "posterior_a", PART_A, ref()["part_a"],
                             "Compare your model with the specification: the priors, the "
                             "education index, and the sex term.")


@hw.question("test_part_b", answers=["posterior_b"], n_checks=1 + len(PART_B))
def check_part_b(values, ctx):
    return _posterior_checks(values, ctx, "posterior_b", PART_B, ref()["part_b"],
                             "Check the LKJ prior (eta and the standard-deviation prior), the "
                             "non-centred construction of the effects, and that every education "
                             "level has its own slope for sex.")


def _indicator_from(posterior_b) -> np.ndarray:
    draws = _posterior(posterior_b, "posterior_b", [f"alpha_e[{BACHELORS}]", f"beta_e[{BACHELORS}]",
                                                     f"alpha_e[{VOCATIONAL}]", f"beta_e[{VOCATIONAL}]"])
    bach = draws[f"alpha_e[{BACHELORS}]"] + draws[f"beta_e[{BACHELORS}]"]
    voc = draws[f"alpha_e[{VOCATIONAL}]"] + draws[f"beta_e[{VOCATIONAL}]"]
    return (bach > voc).astype(np.float64)


@hw.question("test_p_bach", answers=["p_bach_beats_voc", "posterior_b"], n_checks=1)
def check_p_bach(values, ctx):
    name = "p_bach_beats_voc"
    x = as_float(values[name], name)
    if not 0.0 <= x <= 1.0:
        return failed(f"`{name}` is a probability, so it must lie between 0 and 1. "
                      "Exponentiating a difference of log-odds gives an odds ratio, not the "
                      "probability that one rate is higher than the other.", value=x)
    beats = _indicator_from(values["posterior_b"])
    se_student = mcse_mean(beats) if np.ptp(beats) > 0 else 0.0
    r = ref()["p_bach_beats_voc"]
    se = math.sqrt(se_student ** 2 + r["mcse"] ** 2)
    return close_to(x, r["mean"], se, ctx.alpha, name=name,
                    hint="It is the share of posterior draws in which the men's log-odds (or "
                         "probability) for bachelors exceeds that for vocational/professional "
                         "school; use the varying-slopes model and the men's linear predictor.")


def chi2_against_pmf(counts: np.ndarray, pmf: np.ndarray, ess_ref: float,
                     min_expected: float = 5.0) -> tuple[float, int, float]:
    """Pearson chi-square of independent counts against a reference pmf.

    Adjacent values are merged until each cell expects >= min_expected. The
    reference pmf is itself a Monte Carlo average; its error adds at most
    n/ess_ref to the variance of each cell's count relative to multinomial
    noise, so the statistic is divided by (1 + n/ess_ref) (conservative).
    Returns (statistic, degrees of freedom, p-value).
    """
    n = counts.size
    observed = np.bincount(counts.astype(np.int64), minlength=pmf.size)[:pmf.size]
    expected = pmf * n
    cells_o, cells_e, acc_o, acc_e = [], [], 0.0, 0.0
    for o, e in zip(observed, expected):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= min_expected:
            cells_o.append(acc_o)
            cells_e.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0 or acc_o > 0:       # leftover upper tail joins the last cell
        cells_o[-1] += acc_o
        cells_e[-1] += acc_e
    o, e = np.asarray(cells_o), np.asarray(cells_e)
    statistic = float(((o - e) ** 2 / e).sum()) / (1.0 + n / ess_ref)
    df = o.size - 1
    return statistic, df, float(stats.chi2.sf(statistic, df))


@hw.question("test_predictive", answers=["female_doctorate_draws"], n_checks=1)
def check_predictive(values, ctx):
    name = "female_doctorate_draws"
    arr = as_array(values[name], name, min_size=MIN_PREDICTIVE_DRAWS)
    if arr.ndim not in (1, 2):
        raise AnswerError(f"`{name}` should have shape (chains, draws) or (draws,), "
                          f"not {tuple(arr.shape)}.")
    if np.any(arr != np.round(arr)):
        return failed(f"`{name}` should hold counts of women, which are whole numbers. Draw "
                      "the count from its binomial distribution for each posterior draw rather "
                      "than multiplying the sample size by the probability.")
    if arr.min() < 0 or arr.max() > NEW_SAMPLE:
        return failed(f"`{name}` should count women out of the {NEW_SAMPLE} in the new sample, "
                      "so every draw lies between 0 and that number.")
    r = ref()["female_doctorate"]
    chains = arr if arr.ndim == 2 else arr[None, :]
    thinned = thin_to_ess(chains) if np.ptp(chains) > 0 else chains.reshape(-1)
    stat, df, p = chi2_against_pmf(thinned, np.asarray(r["pmf"]), r["ess_bulk_p"])
    detail = dict(statistic=stat, df=df, pvalue=p, alpha=ctx.alpha, n_used=int(thinned.size))
    if p >= ctx.alpha:
        return passed(f"`{name}` matches the posterior predictive distribution.", **detail)
    return failed(f"`{name}` does not look like draws from the posterior predictive "
                  "distribution: check that each draw uses one posterior draw of the women's "
                  "doctorate rate *and* binomial sampling noise for a sample of "
                  f"{NEW_SAMPLE}, from the varying-slopes model.", **detail)


# ------------------------------------------- known wrong answers (brief, §6)
# Each takes {grade_id: values} from a real reference run and returns what a
# submission with that mistake would hand the checks, sampling noise included.
def _rng(ctx):
    return ctx.noise()


def _shifted(arr, target_mean):
    arr = np.asarray(arr, dtype=np.float64)
    return arr - arr.mean() + target_mean


@hw.wrong_answer("odds ratio exp(mean log-odds difference) as the probability",
                 says='when an odds ratio is reported as the probability asked for')
def wrong_odds_ratio(values, ctx):
    q = values["test_p_bach"]
    post = q["posterior_b"]
    diff = (male_logodds(post["alpha_e"], post["beta_e"], BACHELORS)
            - male_logodds(post["alpha_e"], post["beta_e"], VOCATIONAL))
    return {**values, "test_p_bach": {**q, "p_bach_beats_voc": float(np.exp(diff.mean()))}}


@hw.wrong_answer("comparison the wrong way round (P(voc > bach))",
                 says='when the comparison is made the other way round')
def wrong_direction(values, ctx):
    q = values["test_p_bach"]
    beats = _indicator_from(q["posterior_b"])
    return {**values, "test_p_bach": {**q, "p_bach_beats_voc": float(1.0 - beats.mean())}}


def _predictive_like(values, draw):
    shape = np.asarray(values["test_predictive"]["female_doctorate_draws"]).shape
    return {**values, "test_predictive": {"female_doctorate_draws": draw(shape)}}


@hw.wrong_answer("expected count 86 * p instead of binomial draws",
                 says='when the expected count is used instead of drawing binomial counts')
def wrong_expected_count(values, ctx):
    alpha = np.asarray(values["test_part_b"]["posterior_b"]["alpha_e"])[..., DOCTORATE]
    return _predictive_like(values, lambda shape: (NEW_SAMPLE / (1 + np.exp(-alpha))).reshape(shape))


@hw.wrong_answer("plug-in binomial at the observed rate 50/86 (no posterior uncertainty)",
                 says='when the observed rate is plugged in, ignoring the posterior uncertainty')
def wrong_plug_in(values, ctx):
    rng = _rng(ctx)
    cell = (CENSUS["edu"] == DOCTORATE) & (CENSUS["sex"] == 0)
    rate = CENSUS["over_50k"][cell][0] / CENSUS["total"][cell][0]
    return _predictive_like(values, lambda shape: rng.binomial(NEW_SAMPLE, rate, size=shape))


@hw.wrong_answer("men's doctorate rate used for the women",
                 says="when the men's rate is used for the women")
def wrong_sex(values, ctx):
    rng = _rng(ctx)
    post = values["test_part_b"]["posterior_b"]
    logit = male_logodds(post["alpha_e"], post["beta_e"], DOCTORATE)
    return _predictive_like(values, lambda shape: rng.binomial(
        NEW_SAMPLE, 1 / (1 + np.exp(-logit))).reshape(shape))


@hw.wrong_answer("Part A without the sex term",
                 says='from a model without the sex term')
def wrong_no_sex(values, ctx):
    """Without bm the intercepts fit the sexes lumped together, and bm is left at its
    prior N(0, 1) (or missing); the intercepts move to the pooled log-odds."""
    rng = _rng(ctx)
    post = dict(values["test_part_a"]["posterior_a"])
    alpha = np.asarray(post["alpha_ed"], dtype=np.float64)
    target = pooled_over_sex_logodds(CENSUS)
    post["alpha_ed"] = alpha - alpha.mean(axis=(0, 1)) + target
    post["bm"] = rng.standard_normal(np.asarray(post["bm"]).shape)
    return {**values, "test_part_a": {"posterior_a": post}}


@hw.wrong_answer("Part B with one shared sex slope (Part A model reused)",
                 says='when one sex slope is shared by every group instead of one per group')
def wrong_shared_slope(values, ctx):
    post_a = values["test_part_a"]["posterior_a"]
    bm = np.asarray(post_a["bm"], dtype=np.float64)
    post = {"b": bm, "alpha_e": np.asarray(post_a["alpha_ed"], dtype=np.float64),
            "beta_e": np.repeat(bm[..., None], N_EDU, axis=-1)}
    return {**values, "test_part_b": {"posterior_b": post}}


# The manifest: what each file of solutions/hglm/{mistakes,alternatives}/ scores
# (autograder/homework.py; tests/test_homeworks.py grades the entries with a seed). A
# notebook run samples two models, so files in different cells share one run.
hw.variant(("alternatives/lkj_cholesky_cov.py", "alternatives/probability_scale.py"), seed=12)
hw.variant(("mistakes/shared_slope.py", "mistakes/odds_ratio.py"), seed=13,
           loses=["test_p_bach", "test_part_b", "test_predictive"],
           told={"test_part_b": "every education level has its own slope",
                 "test_p_bach": "odds ratio", "test_predictive": "whole numbers"})


if __name__ == "__main__":
    import time
    start = time.time()
    built = build_reference()
    print(f"wrote {REFERENCE} in {time.time() - start:.0f} s; "
          f"P(bach > voc) = {built['p_bach_beats_voc']['mean']:.4f}")
