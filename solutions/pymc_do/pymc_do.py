# Reference solution for assignments/pymc_do/pymc_do.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [model_answer]
def causal_model(n):
    """H -> D, H -> C, D -> C for n units, with the priors of the question."""
    with pm.Model(coords={"unit": np.arange(n)}) as model:
        beta_d0 = pm.Normal("beta_d0", 0, 1)
        beta_hd = pm.Normal("beta_hd", 0, 1)
        beta_c0 = pm.Normal("beta_c0", 0, 1)
        beta_dc = pm.Normal("beta_dc", 0, 1)
        beta_hc = pm.Normal("beta_hc", 0, 1)
        sigma_c = pm.HalfNormal("sigma_c", 1)
        H = pm.Normal("H", 0, 1, dims="unit")
        D = pm.Bernoulli("D", logit_p=beta_d0 + beta_hd * H, dims="unit")
        pm.Normal("C", mu=beta_c0 + beta_dc * D + beta_hc * H, sigma=sigma_c, dims="unit")
    return model


def simulate(seed, n):
    """Fix the parameters at their true values with pm.do, then draw one data set."""
    truth = pm.do(causal_model(n), TRUE_VALUES)
    h, d, c = pm.draw([truth["H"], truth["D"], truth["C"]], random_seed=seed)
    return {"H": h, "D": d, "C": c}


data = simulate(seed, N_UNITS)
{key: value[:5] for key, value in data.items()}

# %% [estimate_answer]
def estimate_ate(data, seed):
    observed = {key: np.asarray(data[key]) for key in ("H", "D", "C")}
    n = len(observed["C"])
    fitted = pm.observe(causal_model(n), observed)
    with fitted:
        idata = pm.sample(draws=1000, tune=1000, chains=4, random_seed=seed, progressbar=False)
    mean_c = {}
    for d in (0, 1):
        # every unit gets D = d; humidity stays what it was, so only D differs between the worlds
        with pm.do(fitted, {"D": np.full(n, d), "H": observed["H"]}):
            pred = pm.sample_posterior_predictive(idata, var_names=["C"], predictions=True,
                                                  random_seed=seed + 1 + d, progressbar=False)
        mean_c[d] = pred.predictions["C"].mean("unit").values   # (chains, draws)
    return mean_c[1] - mean_c[0]

# %% [ate_answer]
ate_draws = estimate_ate(data, seed)
print("posterior mean of the ATE:", ate_draws.mean(), " 94% interval:",
      np.percentile(ate_draws, [3, 97]))

# %% [naive_answer]
diluted = data["D"] == 1
naive_difference = float(data["C"][diluted].mean() - data["C"][~diluted].mean())
naive_difference

# %% [explain_confounding] markdown
# **Model answer.** The naive difference (about −0.22) is roughly half the size of the causal
# effect (about −0.42 in the posterior, true value −0.421). Humidity confounds the comparison:
# humid days make dilution *less* likely (β_hd < 0) and also lower the coating rate directly
# (β_hc < 0). So the diluted units were, on average, produced on drier days (E[H | D=1] ≈ −0.14
# against ≈ +0.23 for undiluted units), and dry days raise the coating rate. Part of dilution's
# harm is masked by the better weather its units happened to get, which pulls the naive
# contrast toward zero. `pm.do(D=d)` sets D for every unit regardless of H, which cuts the
# arrow H → D: both interventional worlds have the same humidity distribution, so the
# difference of their predicted coating rates isolates D → C. Conditioning on D (comparing
# observed groups, or `pm.observe`-style conditioning in the generative model) keeps the
# H → D arrow and therefore the bias. In the fitted model the adjustment works because H is
# in the outcome equation; without measuring H, no amount of data would fix the naive estimate.
#
# **Rubric (3 points, TA only).** 1 point: states that the naive estimate is biased toward
# zero (less negative) and names humidity as the confounder. 1 point: explains the direction
# with the signs of β_hd and β_hc (diluted units had lower humidity, which raises C).
# 1 point: explains why `pm.do` gives the causal effect (it removes H → D, so H has the same
# distribution under both interventions) while conditioning does not. Half a point off for
# a correct explanation with the direction of the bias wrong.
