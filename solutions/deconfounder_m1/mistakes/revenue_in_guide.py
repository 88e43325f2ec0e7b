# Known mistake: the substitute confounder comes from a model of the casts AND the revenue
# (the whole data frame), so its guide's locations carry the outcome: adjusting for them
# later adjusts for the revenue itself.

# %% [substitute_answer]
def substitute_confounder(df, n_factors, seed):
    casts, revenue = (torch.tensor(v, dtype=torch.float32) for v in casts_and_revenue(df))

    def joint_model(casts, revenue):
        n, m = casts.shape
        W = pyro.param("W", lambda: 0.1 * torch.randn(m, n_factors))
        b = pyro.param("b", lambda: torch.full((m,), -1.0))
        g = pyro.param("g", lambda: torch.zeros(n_factors))
        c = pyro.param("c", lambda: revenue.mean())
        s = pyro.param("s", lambda: torch.tensor(1.0), constraint=constraints.positive)
        with pyro.plate("films", n):
            z = pyro.sample("z", dist.Normal(torch.zeros(n_factors), 1.0).to_event(1))
            pyro.sample("casts", dist.Bernoulli(logits=z @ W.T + b).to_event(1), obs=casts)
            pyro.sample("revenue", dist.Normal(c + z @ g, s), obs=revenue)

    def joint_guide(casts, revenue):
        n = casts.shape[0]
        loc = pyro.param("z_loc", lambda: 0.1 * torch.randn(n, n_factors))
        scale = pyro.param("z_scale", lambda: 0.5 * torch.ones(n, n_factors),
                           constraint=constraints.positive)
        with pyro.plate("films", n):
            pyro.sample("z", dist.Normal(loc, scale).to_event(1))

    pyro.clear_param_store()
    pyro.set_rng_seed(seed)
    svi = SVI(joint_model, joint_guide, Adam({"lr": 0.05}), TraceMeanField_ELBO())
    for _ in range(NUM_STEPS):
        svi.step(casts, revenue)
    return pyro.param("z_loc").detach().numpy()


z_hat = substitute_confounder(df, n_factors, seed=0)
plt.scatter(z_hat[:, 0], z_hat[:, -1], s=4, c=df["log_revenue"])
plt.show()
