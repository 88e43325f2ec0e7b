# Another correct method for Part B: the mixture likelihood written by hand with logsumexp
# in a pm.Potential instead of pm.NormalMixture.

# %% [experts_answer]
em_coefficients, _ = hard_em(x_data, t_data, seed)
with pm.Model() as experts_model:
    x_in = x_data[:, None]
    w_mean = pm.Normal("w_mean", 0, 5, shape=(2, 3))
    w_log_sigma = pm.Normal("w_log_sigma", 0, 5, shape=(2, 3))
    w_gate = pm.Normal("w_gate", 0, 5, shape=(2, 3))
    means = w_mean[0] + w_mean[1] * x_in
    sigmas = pt.exp(w_log_sigma[0] + w_log_sigma[1] * x_in) + 0.01
    log_gates = pm.math.log_softmax(w_gate[0] + w_gate[1] * x_in, axis=1)
    log_normal = pm.logp(pm.Normal.dist(means, sigmas), t_data[:, None])
    pm.Potential("t", pm.math.logsumexp(log_gates + log_normal, axis=1).sum())
    experts_fit = pm.fit(ADVI_STEPS, method="advi", obj_optimizer=pm.adam(learning_rate=ADVI_LR),
                         start={"w_mean": em_coefficients.T.copy()},
                         start_sigma={name: 0.1 for name in ("w_mean", "w_log_sigma", "w_gate")},
                         random_seed=seed,
                         progressbar=False)
draws = experts_fit.sample(1000, random_seed=seed).posterior
post = {name: draws[name].values.reshape(-1, 2, 3).mean(axis=0)
        for name in ("w_mean", "w_log_sigma", "w_gate")}


def predict_experts(x):
    x_in = np.asarray(x, dtype=float).reshape(-1, 1)
    means = post["w_mean"][0] + post["w_mean"][1] * x_in
    sigmas = np.exp(post["w_log_sigma"][0] + post["w_log_sigma"][1] * x_in) + 0.01
    return softmax(post["w_gate"][0] + post["w_gate"][1] * x_in, axis=1), means, sigmas
