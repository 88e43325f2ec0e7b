# Another correct style: the loadings and intercepts are latent too (priors, and a mean-field
# Normal guide for them), so the replicates of the predictive check draw W and b from the guide
# as well as z. The substitute confounder is the same (the guide's locations of z).

# %% [model_answer]
def factor_model(casts, n_factors, observed=None):
    n, m = casts.shape
    with pyro.plate("actors", m):
        W = pyro.sample("W", dist.Normal(torch.zeros(n_factors), 1.0).to_event(1))
        b = pyro.sample("b", dist.Normal(-1.0, 2.0))
    with pyro.plate("films", n):
        z = pyro.sample("z", dist.Normal(torch.zeros(n_factors), 1.0).to_event(1))
        likelihood = dist.Bernoulli(logits=z @ W.T + b)
        if observed is not None:
            likelihood = likelihood.mask(observed)
        pyro.sample("casts", likelihood.to_event(1), obs=casts)


def factor_guide(casts, n_factors, observed=None):
    n, m = casts.shape
    positive = constraints.positive
    w_loc = pyro.param("W_loc", lambda: 0.1 * torch.randn(m, n_factors))
    w_scale = pyro.param("W_scale", lambda: 0.1 * torch.ones(m, n_factors), constraint=positive)
    b_loc = pyro.param("b_loc", lambda: torch.full((m,), -1.0))
    b_scale = pyro.param("b_scale", lambda: 0.1 * torch.ones(m), constraint=positive)
    z_loc = pyro.param("z_loc", lambda: 0.1 * torch.randn(n, n_factors))
    z_scale = pyro.param("z_scale", lambda: 0.5 * torch.ones(n, n_factors), constraint=positive)
    with pyro.plate("actors", m):
        pyro.sample("W", dist.Normal(w_loc, w_scale).to_event(1))
        pyro.sample("b", dist.Normal(b_loc, b_scale))
    with pyro.plate("films", n):
        pyro.sample("z", dist.Normal(z_loc, z_scale).to_event(1))


def fit_factor_model(casts, n_factors, seed, observed=None):
    pyro.clear_param_store()
    pyro.set_rng_seed(seed)
    svi = SVI(factor_model, factor_guide, Adam({"lr": 0.05}), TraceMeanField_ELBO())
    losses = []
    for _ in range(NUM_STEPS):
        losses.append(svi.step(casts, n_factors, observed) / len(casts))
    names = {"W": "W_loc", "W_scale": "W_scale", "b": "b_loc", "b_scale": "b_scale",
             "z_loc": "z_loc", "z_scale": "z_scale"}
    return {k: pyro.param(v).detach().clone() for k, v in names.items()}, losses

# %% [score_answer]
def predictive_score(df, n_factors, holdout, seed):
    casts = torch.tensor(casts_and_revenue(df)[0], dtype=torch.float32)
    held = torch.as_tensor(np.asarray(holdout) == 1)
    q, _ = fit_factor_model(casts, n_factors, seed, observed=~held)
    torch.manual_seed(seed)
    with torch.no_grad():
        draw = lambda loc, scale: loc + scale * torch.randn((NUM_REPLICATES, *loc.shape))
        W, b, z = draw(q["W"], q["W_scale"]), draw(q["b"], q["b_scale"]), draw(q["z_loc"], q["z_scale"])
        probs = torch.sigmoid(torch.einsum("rnk,rmk->rnm", z, W) + b[:, None, :])
        mu = torch.where(held, probs.mean(0), 0.0).sum(1)
        size_obs = torch.where(held, casts, 0.0).sum(1)
        size_rep = torch.where(held, torch.bernoulli(probs), 0.0).sum(2)
        dist_obs, dist_rep = (size_obs - mu).abs(), (size_rep - mu).abs()
        below = (dist_rep > dist_obs).double().mean(0)      # t_rep < t_obs
        ties = (dist_rep == dist_obs).double().mean(0)
        p = below + ties / 2
    return p[held.any(1)].mean().item()
