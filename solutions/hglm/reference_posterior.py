"""The reference posterior of the hierarchical GLM homework: both models of the brief
(content brief, section 6) run long, summarised into assignments/hglm/reference/
reference.json, which the hidden checks compare a student's posterior with.

    .venv/bin/python solutions/hglm/reference_posterior.py            # a few minutes

tests/test_hw_hglm.py shows that an independent, shorter run of this code agrees with
the cache within the combined Monte Carlo error.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy import stats

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from autograder.checks import ess_bulk, mcse_mean  # noqa: E402
from autograder.homework import load_checks  # noqa: E402

checks = load_checks(REPO / "assignments" / "hglm" / "checks.py")
N_EDU, NEW_SAMPLE, PART_A, PART_B = checks.N_EDU, checks.NEW_SAMPLE, checks.PART_A, checks.PART_B
BACHELORS, VOCATIONAL, DOCTORATE = checks.BACHELORS, checks.VOCATIONAL, checks.DOCTORATE
DATA, REFERENCE = checks.DATA, checks.REFERENCE


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


def draws_of(idata, name: str) -> np.ndarray:
    """(chains, draws) array of one scalar, e.g. 'alpha_ed[3]'."""
    base, _, index = name.partition("[")
    arr = np.asarray(idata.posterior[base].values, dtype=np.float64)
    return arr[..., int(index[:-1])] if index else arr


def _summary(draws: np.ndarray) -> dict:
    return {"mean": float(draws.mean()), "mcse": mcse_mean(draws), "sd": float(draws.std()),
            "ess_bulk": ess_bulk(draws)}


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
    alpha_e, beta_e = idata_b.posterior["alpha_e"].values, idata_b.posterior["beta_e"].values
    beats = (checks.male_logodds(alpha_e, beta_e, BACHELORS)
             > checks.male_logodds(alpha_e, beta_e, VOCATIONAL)).astype(np.float64)
    p_female_doc = 1.0 / (1.0 + np.exp(-alpha_e[..., DOCTORATE]))
    pmf = predictive_pmf(p_female_doc)
    k = np.arange(NEW_SAMPLE + 1)
    mean = float(pmf @ k)
    return {
        "part_a": {name: _summary(draws_of(idata_a, name)) for name in PART_A},
        "part_b": {name: _summary(draws_of(idata_b, name)) for name in PART_B},
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
    census = checks.load_census()
    idata_a = sample(varying_intercepts_model(census), draws, tune, chains, seed, target_accept)
    idata_b = sample(varying_slopes_model(census), draws, tune, chains, seed + 1, target_accept)
    ref = summarise_runs(idata_a, idata_b)
    ref["settings"] = {
        "generator": "solutions/hglm/reference_posterior.py:build_reference",
        "draws": draws, "tune": tune, "chains": chains, "seed": seed, "sampler": "nutpie",
        "target_accept": target_accept, "versions": {p: md.version(p) for p in ("pymc", "nutpie", "arviz")},
        "data": str(DATA.relative_to(REPO)),
    }
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
    return ref


if __name__ == "__main__":
    import time
    start = time.time()
    built = build_reference()
    print(f"wrote {REFERENCE} in {time.time() - start:.0f} s; "
          f"P(bach > voc) = {built['p_bach_beats_voc']['mean']:.4f}")
