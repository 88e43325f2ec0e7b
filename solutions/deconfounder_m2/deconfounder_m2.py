# Reference solution for assignments/deconfounder_m2/deconfounder_m2.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [factors_answer]
N_FACTORS = 2          # what our predictive check chose in milestone 1

# %% [factor_answer]
def factor_model(casts, n_factors, observed=None):
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
    n = casts.shape[0]
    loc = pyro.param("z_loc", lambda: 0.1 * torch.randn(n, n_factors))
    scale = pyro.param("z_scale", lambda: 0.5 * torch.ones(n, n_factors),
                       constraint=constraints.positive)
    with pyro.plate("films", n):
        pyro.sample("z", dist.Normal(loc, scale).to_event(1))


def fit_factor_model(casts, n_factors, seed, observed=None):
    pyro.clear_param_store()
    pyro.set_rng_seed(seed)
    svi = SVI(factor_model, factor_guide, Adam({"lr": 0.05}), TraceMeanField_ELBO())
    losses = [svi.step(casts, n_factors, observed) / len(casts) for _ in range(NUM_STEPS)]
    params = {k: pyro.param(k).detach().clone() for k in ("W", "b", "z_loc", "z_scale")}
    return params, losses


def substitute_confounder(df, n_factors, seed):
    casts = torch.tensor(casts_and_revenue(df)[0], dtype=torch.float32)
    params, _ = fit_factor_model(casts, n_factors, seed)
    return params["z_loc"].numpy()


casts, revenue = casts_and_revenue(df)
fit, _ = fit_factor_model(torch.tensor(casts, dtype=torch.float32), N_FACTORS, seed=0)
z_hat = fit["z_loc"].numpy()

# %% [adjusted_answer]
def adjusted_effects(casts, revenue, z_hat):
    """Least squares of the revenue on [1, casts, z_hat]; the casts' coefficients."""
    casts, revenue, z_hat = (np.asarray(v, dtype=float) for v in (casts, revenue, z_hat))
    x = np.column_stack([np.ones(len(revenue)), casts, z_hat.reshape(len(revenue), -1)])
    coef, *_ = np.linalg.lstsq(x, revenue, rcond=None)
    return coef[1:casts.shape[1] + 1]


effects_adjusted = adjusted_effects(casts, revenue, z_hat)

# %% [do_answer]
def film_model(z, params):
    """One film per row of z: each actor cast from the factor model, then the log revenue
    from the outcome model (every parameter taken from `params`)."""
    W, b, beta, gamma = (torch.as_tensor(np.asarray(params[k]), dtype=torch.float32)
                         for k in ("W", "b", "beta", "gamma"))
    with pyro.plate("films", z.shape[0]):
        cast = [pyro.sample(f"actor_{j}", dist.Bernoulli(logits=z @ W[j] + b[j]))
                for j in range(len(b))]
        mean = float(params["alpha"]) + torch.stack(cast, -1) @ beta + z @ gamma
        return pyro.sample("log_revenue", dist.Normal(mean, float(params["sigma"])))


def do_effects(params, z_hat, num_samples, seed):
    """For each actor j: E[Y | do(A_j = 1)] - E[Y | do(A_j = 0)], averaged over the films'
    z_hat (each repeated num_samples times)."""
    pyro.set_rng_seed(seed)
    z = torch.as_tensor(np.asarray(z_hat), dtype=torch.float32).repeat(num_samples, 1)
    out = []
    with torch.no_grad():
        for j in range(len(params["b"])):
            arm = [pyro.do(film_model, data={f"actor_{j}": torch.full((len(z),), float(a))})(z, params)
                   for a in (0, 1)]
            out.append(float((arm[1] - arm[0]).mean()))
    return np.array(out)


x = np.column_stack([np.ones(len(revenue)), casts, z_hat])
coef, *_ = np.linalg.lstsq(x, revenue, rcond=None)
params = {"W": fit["W"].numpy(), "b": fit["b"].numpy(), "alpha": coef[0],
          "beta": coef[1:casts.shape[1] + 1], "gamma": coef[casts.shape[1] + 1:],
          "sigma": np.std(revenue - x @ coef)}
effects_do = do_effects(params, z_hat, NUM_DO_SAMPLES, seed=1)

fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.scatter(effects_adjusted, effects_do, s=12)
lims = [min(effects_adjusted.min(), effects_do.min()), max(effects_adjusted.max(), effects_do.max())]
ax.plot(lims, lims, color="grey", lw=1)
ax.set_xlabel("adjusting for z_hat (least squares)")
ax.set_ylabel("do() on the film model")
ax.set_title("per-actor effects on log revenue")
plt.show()

# %% [pipeline_answer]
def estimate_effects(df, seed):
    """The deconfounder from scratch on a data frame: Z_hat from the casts, then the
    revenue adjusted for it."""
    casts, revenue = casts_and_revenue(df)
    return adjusted_effects(casts, revenue, substitute_confounder(df, N_FACTORS, seed))


practice, truth = practice_casts(seed=7)
p_casts, p_revenue = casts_and_revenue(practice)
true_effects = np.array([truth["effects"][a] for a in actor_columns(practice)])
naive_x = np.column_stack([np.ones(len(practice)), p_casts])
estimates = {"naive (no z_hat)": np.linalg.lstsq(naive_x, p_revenue, rcond=None)[0][1:],
             "deconfounded": estimate_effects(practice, seed=0)}
fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharey=True)
for ax, (label, est) in zip(axes, estimates.items()):
    ax.scatter(true_effects, est, s=12)
    ax.plot([0, 0.5], [0, 0.5], color="grey", lw=1)
    rmse = np.sqrt(np.mean((est - true_effects) ** 2))
    ax.set_title(f"{label}: RMSE {rmse:.3f}")
    ax.set_xlabel("true effect")
axes[0].set_ylabel("estimate")
plt.show()

# %% [explain_agree] markdown
# **Model answer.** They agree (up to Monte Carlo noise of a few thousandths) because the film
# model is the adjustment formula written as a program: revenue is linear in the casts and
# z, so E[Y | do(A_j = a)] averaged over the films' z is α + β_j a + (terms that do not
# depend on a), and the contrast is exactly the least-squares coefficient β_j. `do` cuts
# the arrow z → A_j and keeps z where it was, which is what adjusting for z does. They would
# differ if the outcome model were not linear and additive (interactions between actors, a
# non-linear link, effects that vary with z): then the coefficient of A_j is not the
# average of the effect over the films, while `do` still averages the model's own contrast
# over the distribution of z. Both inherit the same assumptions: that z_hat captures every
# confounder, and that the outcome model is right; agreeing with each other does not make
# either causal.
#
# **Rubric (2 points, TA only).** 1 point: the agreement follows from the linear, additive
# outcome model (the interventional contrast equals the coefficient), with the `do` cutting
# z → A_j named. 1 point: one situation where they differ (non-linearity, interactions,
# effect heterogeneity over z) and the remark that agreement does not validate the causal
# assumptions. Half a point off for calling the agreement evidence that z_hat is the true
# confounder.
