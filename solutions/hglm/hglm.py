# Reference solution for assignments/hglm/hglm.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [part_a_answer]
with pm.Model(coords={"edu": range(7)}) as model_a:
    a = pm.Normal("a", 0, 10)
    bm = pm.Normal("bm", 0, 1)
    sigma = pm.HalfCauchy("sigma", 2)
    alpha_ed = pm.Normal("alpha_ed", mu=a, sigma=sigma, dims="edu")
    pm.Binomial("over_50k", n=total, logit_p=alpha_ed[edu] + bm * sex, observed=over_50k)
    idata_a = pm.sample(draws=1000, tune=1000, chains=4, random_seed=seed, progressbar=False,
                        idata_kwargs={"log_likelihood": True})

posterior_a = {name: idata_a.posterior[name].values for name in ["a", "bm", "sigma", "alpha_ed"]}

# %% [diagnostics_a_answer]
summary_a = az.summary(idata_a, var_names=["a", "bm", "sigma", "alpha_ed"])
print(summary_a[["mean", "sd", "ess_bulk", "ess_tail", "r_hat"]])
print("divergences:", int(idata_a.sample_stats["diverging"].sum()))
az.plot_rank(idata_a, var_names=["a", "bm", "sigma"])
plt.tight_layout()
plt.show()

# %% [explain_diagnostics] markdown
# **Model answer.** Every R-hat in the summary is 1.00 (well under the 1.01 guideline), and
# the bulk and tail effective sample sizes are all in the thousands (the smallest, for `bm`,
# is roughly 1,000-1,600 of the 4,000 draws; the education intercepts and `a` are higher).
# There were no divergent transitions. The rank plots of `a`, `bm` and `sigma` are flat
# histograms that look the same for all four chains, i.e. every chain explores the same
# distribution; a chain stuck in one region would pile up at low or high ranks. So the
# chains have converged and 4,000 draws give Monte Carlo errors far below the posterior sds.
#
# **Rubric (2 points, TA only).** 1 point: reports at least two diagnostics with their values
# (R-hat, bulk/tail ESS, divergences) and states the thresholds they are judged against
# (R-hat ≤ 1.01; ESS of at least ~100 per chain). 1 point: reads a trace or rank plot
# correctly (chains overlap / ranks uniform, so chains agree). No credit for "it converged"
# without numbers.

# %% [shrinkage_answer]
observed = np.log(over_50k / (total - over_50k))
linpred = (idata_a.posterior["alpha_ed"].values[..., edu]
           + idata_a.posterior["bm"].values[..., None] * sex)
fitted_mean = linpred.mean(axis=(0, 1))
fitted_sd = linpred.std(axis=(0, 1))
fig, ax = plt.subplots(figsize=(5, 5))
for s, colour, label in [(0, "#c44e52", "women"), (1, "#4c72b0", "men")]:
    cells = sex == s
    ax.errorbar(observed[cells], fitted_mean[cells], yerr=2 * fitted_sd[cells], fmt="o",
                color=colour, label=label)
lims = [observed.min() - 0.3, observed.max() + 0.3]
ax.plot(lims, lims, "k--", lw=1, label="no shrinkage")
ax.set_xlabel("observed log-odds of earning >50K")
ax.set_ylabel("posterior mean ± 2 sd (varying intercepts)")
ax.legend()
plt.show()

# %% [explain_shrinkage] markdown
# **Model answer.** Almost every point sits on the diagonal: partial pooling barely moves
# the estimates. A cell's estimate is pulled toward the population mean in proportion to
# SE² / (SE² + σ²), where SE ≈ √(1/y + 1/(n−y)) is the standard error of the cell's observed
# log-odds and σ is the spread between education levels. Here σ ≈ 1.5, while the cells have
# hundreds or thousands of people, so their SEs are about 0.03-0.1 and the pull is well under
# 1 %. The doctorate cells are the smallest (86 women, 327 men; SE ≈ 0.22 for the women), so
# they are the only ones that move visibly; with a single sex effect shared by all levels,
# the women's doctorate estimate is also pulled toward the men's doctorate cell minus `bm`,
# which is much better measured.
#
# **Rubric (2 points, TA only).** 1 point: says shrinkage is small *because* the per-cell
# standard errors are small compared with the between-education sd σ (a formula or
# numbers are welcome but not required). 1 point: identifies the doctorate cells (smallest
# n, largest SE) as the ones that shrink visibly. No credit for "the prior is weak" alone.

# %% [part_b_answer]
coords = {"edu": range(7), "effect": ["alpha", "beta"]}
with pm.Model(coords=coords) as model_b_centred:
    a = pm.Normal("a", 0, 10)
    b = pm.Normal("b", 0, 1)
    chol, corr, stds = pm.LKJCholeskyCov("chol", n=2, eta=2, sd_dist=pm.HalfCauchy.dist(2))
    effects = pm.MvNormal("effects", mu=pm.math.stack([a, b]), chol=chol,
                          dims=("edu", "effect"))
    alpha_e = pm.Deterministic("alpha_e", effects[:, 0], dims="edu")
    beta_e = pm.Deterministic("beta_e", effects[:, 1], dims="edu")
    pm.Binomial("over_50k", n=total, logit_p=alpha_e[edu] + beta_e[edu] * sex,
                observed=over_50k)
    idata_b_centred = pm.sample(draws=1000, tune=1000, chains=4, target_accept=0.9,
                                nuts_sampler="nutpie", random_seed=seed + 1, progressbar=False)

with pm.Model(coords=coords) as model_b:
    a = pm.Normal("a", 0, 10)
    b = pm.Normal("b", 0, 1)
    chol, corr, stds = pm.LKJCholeskyCov("chol", n=2, eta=2, sd_dist=pm.HalfCauchy.dist(2))
    z = pm.Normal("z", 0, 1, dims=("edu", "effect"))
    effects = pm.Deterministic("effects", pm.math.stack([a, b]) + z @ chol.T,
                               dims=("edu", "effect"))
    alpha_e = pm.Deterministic("alpha_e", effects[:, 0], dims="edu")
    beta_e = pm.Deterministic("beta_e", effects[:, 1], dims="edu")
    pm.Binomial("over_50k", n=total, logit_p=alpha_e[edu] + beta_e[edu] * sex,
                observed=over_50k)
    idata_b = pm.sample(draws=1000, tune=1000, chains=4, target_accept=0.9,
                        nuts_sampler="nutpie", random_seed=seed + 2, progressbar=False)

divergences = {"centred": int(idata_b_centred.sample_stats["diverging"].sum()),
               "non_centred": int(idata_b.sample_stats["diverging"].sum())}
print(divergences)
hyper = ["a", "b", "chol_stds", "chol_corr"]
print(az.summary(idata_b_centred, var_names=hyper)[["mean", "ess_bulk", "r_hat"]])
print(az.summary(idata_b, var_names=hyper)[["mean", "ess_bulk", "r_hat"]])

posterior_b = {name: idata_b.posterior[name].values for name in ["b", "alpha_e", "beta_e"]}

# %% [explain_parameterisation] markdown
# **Model answer.** The centred model reports dozens of divergent transitions (about 60 of
# 4,000 in our run) even at target_accept = 0.9, and the sd of the slopes (`chol_stds[1]`)
# has a bulk ESS of only a few hundred. The non-centred model has at most a handful of
# divergences and a higher ESS for that sd (roughly 800); the R-hats of both are close to
# 1.00. The reason is the funnel: the seven sex slopes are very similar (their sd is about
# 0.1), so the posterior of their sd reaches down toward zero, and when that sd is small the
# centred slopes must all squeeze together; NUTS cannot find one step size for the wide and
# the narrow part of the funnel and diverges in the neck. Writing the effects as
# [a, b] + z·Lᵀ with z ~ N(0, 1) makes z and the sds nearly independent a priori, which
# removes the funnel. (The intercepts are very well identified and spread out, so the
# non-centred version pays a little for them: the ESS of `a` is lower; that is the usual
# trade-off, and the reason some analysts non-centre only the slopes.)
#
# **Rubric (2 points, TA only).** 1 point: compares divergences *and* at least one other
# diagnostic (ESS or R-hat) between the two versions, with numbers from their own runs.
# 1 point: explains the funnel (the group sd near zero forces the effects together) and how
# the non-centred form decouples them. Accept an honest answer that notes mixed results
# (e.g. lower ESS for `a`) if it explains why.

# %% [compare_answer]
pm.compute_log_likelihood(idata_b, model=model_b, progressbar=False)
comparison = az.compare({"varying intercepts": idata_a, "varying slopes": idata_b}, ic="loo")
print(comparison)
az.plot_compare(comparison)
plt.show()

# %% [explain_comparison] markdown
# **Model answer.** LOO ranks the varying-slopes model first: its expected log predictive
# density is higher by roughly 20-25 points, several times the standard error of the
# difference, so the difference is real. Allowing the sex gap to differ across education
# levels fits cells that the shared `bm` misfits (for example the doctorate and the
# lowest-education cells). The penalty (p_loo) of the bigger model is larger, but the fit
# improves by more. Caveats: with only 14 aggregated cells, each "observation" is a whole
# cell of up to 7,000 people, so leaving one out removes a lot of information and some Pareto
# k values are high (ArviZ warns about them); the comparison is indicative, and WAIC or
# K-fold CV would be sensible checks.
#
# **Rubric (2 points, TA only).** 1 point: names the preferred model and justifies it with
# the elpd difference relative to its standard error (not elpd alone). 1 point: interprets it
# substantively (the sex gap varies by education) or discusses a limitation (high Pareto k,
# 14 aggregated cells).

# %% [p_bach_answer]
men_bach = idata_b.posterior["alpha_e"].values[..., 4] + idata_b.posterior["beta_e"].values[..., 4]
men_voc = idata_b.posterior["alpha_e"].values[..., 3] + idata_b.posterior["beta_e"].values[..., 3]
p_bach_beats_voc = float(np.mean(men_bach > men_voc))
p_bach_beats_voc

# %% [predictive_answer]
rng = np.random.default_rng(seed + 3)
p_women_doctorate = expit(idata_b.posterior["alpha_e"].values[..., 6])
female_doctorate_draws = rng.binomial(86, p_women_doctorate)
fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(female_doctorate_draws.ravel(), bins=np.arange(20.5, 70.5, 1), color="#c44e52")
ax.axvline(50, color="k", ls="--", label="observed 50 of 86")
ax.set_xlabel("women earning >50K among 86 new doctorates")
ax.legend()
plt.show()
