# Known mistake: the comparison is reversed, P(t_rep > t_obs), so a model that misses a factor
# scores higher than one that fits.

# %% [score_answer]
def predictive_score(df, n_factors, holdout, seed):
    casts = torch.tensor(casts_and_revenue(df)[0], dtype=torch.float32)
    held = torch.as_tensor(np.asarray(holdout), dtype=torch.bool)
    params, _ = fit_factor_model(casts, n_factors, seed, observed=~held)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        noise = torch.randn((NUM_REPLICATES, *params["z_loc"].shape), generator=gen)
        z = params["z_loc"] + params["z_scale"] * noise
        p = torch.sigmoid(z @ params["W"].T + params["b"])
        expected = (p.mean(0) * held).sum(1)
        observed_size = (casts * held).sum(1)
        replicated_size = (torch.bernoulli(p, generator=gen) * held).sum(2)
        t_obs = -(observed_size - expected).abs()
        t_rep = -(replicated_size - expected).abs()
        p_film = (t_rep > t_obs).double().mean(0) + 0.5 * (t_rep == t_obs).double().mean(0)
    return float(p_film[held.any(1)].mean())
