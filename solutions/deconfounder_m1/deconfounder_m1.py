# Reference solution for assignments/deconfounder_m1/deconfounder_m1.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [model_answer]
def factor_model(casts, n_factors, observed=None):
    """Logistic probabilistic PCA: z_i ~ N(0, I), P(A_ij = 1) = sigmoid(b_j + w_j . z_i).
    `observed` (films x actors, bool) masks out held-out entries of the likelihood."""
    n, m = casts.shape
    W = pyro.param("W", lambda: 0.1 * torch.randn(m, n_factors))
    b = pyro.param("b", lambda: torch.full((m,), -1.0))
    with pyro.plate("films", n):
        z = pyro.sample("z", dist.Normal(torch.zeros(n_factors), 1.0).to_event(1))
        cast = dist.Bernoulli(logits=z @ W.T + b)
        if observed is not None:
            cast = cast.mask(observed)
        pyro.sample("casts", cast.to_event(1), obs=casts)


def factor_guide(casts, n_factors, observed=None):
    """Mean-field Normal q(z_i): one location and scale per film, fitted to the casts."""
    n = casts.shape[0]
    loc = pyro.param("z_loc", lambda: 0.1 * torch.randn(n, n_factors))
    scale = pyro.param("z_scale", lambda: 0.5 * torch.ones(n, n_factors),
                       constraint=constraints.positive)
    with pyro.plate("films", n):
        pyro.sample("z", dist.Normal(loc, scale).to_event(1))


def fit_factor_model(casts, n_factors, seed, observed=None):
    """SVI fit; returns the fitted parameters (W, b, z_loc, z_scale) and the losses."""
    pyro.clear_param_store()
    pyro.set_rng_seed(seed)
    svi = SVI(factor_model, factor_guide, Adam({"lr": 0.05}), TraceMeanField_ELBO())
    losses = [svi.step(casts, n_factors, observed) / len(casts) for _ in range(NUM_STEPS)]
    params = {k: pyro.param(k).detach().clone() for k in ("W", "b", "z_loc", "z_scale")}
    return params, losses


# %% [score_answer]
def predictive_score(df, n_factors, holdout, seed):
    """Fit on the entries that are not held out; replicate the held-out entries from the
    posterior predictive; per film, the mid-p of the held-out cast size; their mean."""
    casts = torch.tensor(casts_and_revenue(df)[0], dtype=torch.float32)
    held = torch.as_tensor(np.asarray(holdout), dtype=torch.bool)
    params, _ = fit_factor_model(casts, n_factors, seed, observed=~held)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        noise = torch.randn((NUM_REPLICATES, *params["z_loc"].shape), generator=gen)
        z = params["z_loc"] + params["z_scale"] * noise                   # R x films x K
        p = torch.sigmoid(z @ params["W"].T + params["b"])                # R x films x actors
        expected = (p.mean(0) * held).sum(1)                              # per film
        observed_size = (casts * held).sum(1)
        replicated_size = (torch.bernoulli(p, generator=gen) * held).sum(2)
        t_obs = -(observed_size - expected).abs()
        t_rep = -(replicated_size - expected).abs()
        p_film = (t_rep < t_obs).double().mean(0) + 0.5 * (t_rep == t_obs).double().mean(0)
    return float(p_film[held.any(1)].mean())

# %% [choose_answer]
holdout = np.random.default_rng(1).random(df[ACTORS].shape) < HOLDOUT_SHARE
scores = {k: predictive_score(df, k, holdout, seed=k) for k in (1, 2, 3)}
se = 0.29 / np.sqrt(holdout.any(1).sum())          # a uniform p-value per film has sd 0.29
best = max(scores.values())
n_factors = min(k for k, s in scores.items() if s >= best - 3 * np.sqrt(2) * se)

fig, ax = plt.subplots(figsize=(5, 3))
ax.errorbar(list(scores), list(scores.values()), yerr=3 * se, fmt="o")
ax.axhline(0.5, color="grey", ls="--", lw=1)
ax.set_xticks([1, 2, 3])
ax.set_xlabel("factors")
ax.set_ylabel("predictive score")
plt.show()
scores, n_factors

# %% [substitute_answer]
def substitute_confounder(df, n_factors, seed):
    """E_q[z | A]: the fitted guide's locations, from a fit on every cast entry (the
    revenue column is never read)."""
    casts = torch.tensor(casts_and_revenue(df)[0], dtype=torch.float32)
    params, _ = fit_factor_model(casts, n_factors, seed)
    return params["z_loc"].numpy()


fit, losses = fit_factor_model(torch.tensor(casts_and_revenue(df)[0], dtype=torch.float32),
                               n_factors, seed=0)
z_hat = fit["z_loc"].numpy()                       # what substitute_confounder(df, n_factors, 0) returns
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
axes[0].plot(losses)
axes[0].set_xlabel("SVI step")
axes[0].set_ylabel("−ELBO per film")
axes[1].scatter(z_hat[:, 0], z_hat[:, -1], s=4, c=df["log_revenue"], cmap="viridis")
axes[1].set_xlabel("z_hat, first column")
axes[1].set_ylabel("z_hat, last column")
axes[1].set_title("coloured by log revenue")
plt.show()

# %% [explain_check] markdown
# **Model answer.** The score is about 0.41 with one factor and about 0.49 with two or three: one
# factor leaves the held-out cast sizes of many films further from what the model predicts than
# its own replicates are, so a second kind of film (big productions that cast more regulars)
# is missing from the model; adding a third factor does not improve the score, so two is the
# smallest model that passes. The held-out log-likelihood would not have shown this: a model
# fitted by maximum likelihood is calibrated on average, so its held-out log-likelihood sits
# where its replicates put it even when a factor is missing (both give scores near 0.5 here).
# What the check cannot tell: it tests the factor model of the casts only. It says nothing
# about whether the substitute confounder captures *every* confounder of revenue (a confounder
# that moves one actor only is invisible to a model of the casts), nor about the outcome
# model, and passing it does not make the effects causal.
#
# **Rubric (2 points, TA only).** 1 point: reads the scores correctly (one factor fails, two
# pass, three add nothing) and explains why the statistic is the held-out cast size (the
# log-likelihood is calibrated by the fit and blind to a missing factor). 1 point: one limit
# of the check, e.g. it checks the model of A only, not that all confounders are captured or
# that there is no single-cause confounder. Half a point off for treating a passing check as
# proof that the causal effects are identified.
