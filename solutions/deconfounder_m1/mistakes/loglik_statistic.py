# Known mistake: the held-out log-likelihood as the statistic (each replicate's z drawn from
# the guide, t = log p(held-out entries | z)). A model fitted by maximum likelihood matches it
# on average, so the score stays near 1/2 with one factor too few.

# %% [score_answer]
def predictive_score(df, n_factors, holdout, seed):
    casts = torch.tensor(casts_and_revenue(df)[0], dtype=torch.float32)
    held = torch.as_tensor(np.asarray(holdout), dtype=torch.bool)
    params, _ = fit_factor_model(casts, n_factors, seed, observed=~held)
    torch.manual_seed(seed)
    with torch.no_grad():
        z = params["z_loc"] + params["z_scale"] * torch.randn((NUM_REPLICATES, *params["z_loc"].shape))
        logits = z @ params["W"].T + params["b"]
        rep = torch.bernoulli(torch.sigmoid(logits))
        t_obs = (-torch.nn.functional.binary_cross_entropy_with_logits(
            logits, casts.expand_as(logits), reduction="none") * held).sum(2)
        t_rep = (-torch.nn.functional.binary_cross_entropy_with_logits(
            logits, rep, reduction="none") * held).sum(2)
        p_film = (t_rep < t_obs).double().mean(0) + 0.5 * (t_rep == t_obs).double().mean(0)
    return float(p_film[held.any(1)].mean())
