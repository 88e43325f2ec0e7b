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


def varying_slopes(centred):
    with pm.Model(coords=coords) as model:
        a = pm.Normal("a", 0, 10)
        b = pm.Normal("b", 0, 1)
        sigmas = pm.HalfCauchy("sigmas", 2, dims="effect")
        rho = pm.Deterministic("rho", 2 * pm.Beta("rho_half", 2, 2) - 1)
        chol = cholesky_2x2(sigmas, rho)
        mu = pm.math.stack([a, b])
        if centred:
            effects = pm.MvNormal("effects", mu=mu, chol=chol, dims=("edu", "effect"))
        else:
            z = pm.Normal("z", 0, 1, dims=("edu", "effect"))
            effects = pm.Deterministic("effects", mu + z @ chol.T, dims=("edu", "effect"))
        alpha_e = pm.Deterministic("alpha_e", effects[:, 0], dims="edu")
        beta_e = pm.Deterministic("beta_e", effects[:, 1], dims="edu")
        pm.Binomial("over_50k", n=total, logit_p=alpha_e[edu] + beta_e[edu] * sex,
                    observed=over_50k)
    return model


model_b_centred = varying_slopes(centred=True)
model_b = varying_slopes(centred=False)
settings = dict(draws=1000, tune=1000, chains=4, target_accept=0.95, nuts_sampler="nutpie",
                progressbar=False)
with model_b_centred:
    idata_b_centred = pm.sample(random_seed=seed + 1, **settings)
with model_b:
    idata_b = pm.sample(random_seed=seed + 2, **settings)

divergences = {"centred": int(idata_b_centred.sample_stats["diverging"].sum()),
               "non_centred": int(idata_b.sample_stats["diverging"].sum())}
print(divergences)
for label, idata in [("centred", idata_b_centred), ("non-centred", idata_b)]:
    print(label)
    print(az.summary(idata, var_names=["a", "b", "sigmas", "rho"])[
        ["mean", "sd", "ess_bulk", "ess_tail", "r_hat"]])
az.plot_trace(idata_b_centred, var_names=["sigmas"])
plt.tight_layout()
plt.show()

posterior_b = {name: idata_b.posterior[name].values for name in ["b", "alpha_e", "beta_e"]}

# %% [explain_parameterisation] markdown
# **Model answer.** At the same target_accept = 0.95 the centred run reports dozens of
# divergent transitions (46 of 4,000 in our run; between about 20 and 130 over other seeds),
# the non-centred run a handful at most (1 in ours). The clearest other symptom is the sd of the
# slopes, `sigmas[beta]`: in the centred run its bulk ESS is only about 230 with R-hat 1.02, and
# its trace shows chains that hang at small values for long stretches; non-centred, its ESS is
# about 1,000 with R-hat ≤ 1.01. The cause is a funnel. The seven sex gaps are nearly equal, so
# the posterior of their sd reaches down toward zero, and where it is small the centred slopes
# are forced into a narrow band around `b`. The curvature of the posterior then changes by
# orders of magnitude between the neck and the mouth of the funnel; a single NUTS step size
# that suits the wide part overshoots in the neck, which is what a divergence reports, and the
# chains avoid the neck, which biases the sd upward. Writing the effects as [a, b] + z·Lᵀ with
# z ~ N(0, 1) makes z and the sds independent a priori, so the sampler sees a nearly round
# posterior. The price is paid by the intercepts, which the data pin down well: in the
# non-centred form `a` and `sigmas[alpha]` trade off against z and their ESS drops to about
# 500. That is the usual rule: non-centre the effects the data identify weakly.
#
# **Rubric (2 points, TA only).** 1 point: compares divergences *and* at least one other
# diagnostic (ESS or R-hat, ideally of `sigmas`) between the two versions, with numbers from
# their own runs. 1 point: explains the funnel (a group sd near zero forces the effects
# together, so one step size cannot fit the whole posterior) and how the non-centred form
# decouples the effects from their sd. Accept an answer that reports mixed results (e.g. the
# lower ESS of `a` when non-centred) if it explains them.

# %% [compare_answer]
pm.compute_log_likelihood(idata_b, model=model_b, progressbar=False)
comparison = az.compare({"varying intercepts": idata_a, "varying slopes": idata_b}, ic="loo")
print(comparison)
az.plot_compare(comparison)
plt.show()

# %% [explain_comparison] markdown
# **Model answer.** Neither model predicts better. The two elpd_loo values differ by well
# under one point (−63.4 for varying slopes against −63.7 for varying intercepts in our run;
# which one comes first changes with the seed), while the standard error of that difference
# is about one point, so the data cannot tell them apart. The varying-slopes model spends about
# half a parameter more (p_loo ≈ 8.7 against ≈ 8.1) and gains nothing: its slopes have a
# posterior sd of only about 0.1 on the log-odds scale, so the gap between men and women is
# nearly the same at every education level and one shared `bm` describes it almost as well.
# Limitation: an "observation" here is a whole cell of up to 7,000 people, so leaving one out
# removes a large share of the information about its education level; ArviZ flags several
# Pareto k values above 0.7, the PSIS approximation is unreliable for those cells, and exact
# refits (or K-fold cross-validation over cells) would be the trustworthy comparison.
#
# **Rubric (2 points, TA only).** 1 point: reads the table correctly: the elpd difference is
# small against its standard error, so neither model is clearly better (declaring a winner
# from elpd alone earns nothing here). 1 point: links this to the small slope sd / nearly
# constant sex gap, or explains the high Pareto k / aggregated-cells limitation.

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
