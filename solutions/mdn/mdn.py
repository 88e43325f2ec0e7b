# Reference solution for assignments/mdn/mdn.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [hard_em_answer]
def hard_em(x, t, seed, max_iter=200):
    """Hard-EM of three lines t = a_k + b_k x, started from initial_clusters(x, seed)."""
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    design_x = np.column_stack([np.ones_like(x), x])
    z = initial_clusters(x, seed)
    coefficients = np.zeros((3, 2))
    for _ in range(max_iter):
        for k in range(3):
            if np.sum(z == k) >= 2:      # an emptied cluster keeps its last line
                coefficients[k] = np.linalg.lstsq(design_x[z == k], t[z == k], rcond=None)[0]
        nearest = np.argmin((t[:, None] - design_x @ coefficients.T) ** 2, axis=1)
        if np.array_equal(nearest, z):   # converged: no point changes cluster
            break
        z = nearest
    return coefficients, z


coefficients, assignments = hard_em(x_data, t_data, seed)
coefficients

# %% [experts_answer]
em_coefficients, _ = hard_em(x_data, t_data, seed)
with pm.Model() as experts_model:
    x_in = x_data[:, None]
    w_mean = pm.Normal("w_mean", 0, 5, shape=(2, 3))
    w_log_sigma = pm.Normal("w_log_sigma", 0, 5, shape=(2, 3))
    w_gate = pm.Normal("w_gate", 0, 5, shape=(2, 3))
    means = w_mean[0] + w_mean[1] * x_in
    sigmas = pt.exp(w_log_sigma[0] + w_log_sigma[1] * x_in) + 0.01
    weights = pm.math.softmax(w_gate[0] + w_gate[1] * x_in, axis=1)
    pm.NormalMixture("t", w=weights, mu=means, sigma=sigmas, observed=t_data)
    # start the means at the hard-EM lines, with a small initial spread of the approximation:
    # the three experts begin on different branches and stay there
    experts_fit = pm.fit(ADVI_STEPS, method="advi", obj_optimizer=pm.adam(learning_rate=ADVI_LR),
                         start={"w_mean": em_coefficients.T.copy()},
                         start_sigma={name: 0.1 for name in ("w_mean", "w_log_sigma", "w_gate")},
                         random_seed=seed,
                         progressbar=False)
experts_draws = experts_fit.sample(1000, random_seed=seed).posterior
experts_params = {name: experts_draws[name].values.reshape(-1, 2, 3).mean(axis=0)
                  for name in ("w_mean", "w_log_sigma", "w_gate")}


def predict_experts(x):
    """The mixture at the posterior mean of the weights: (weights, means, sigmas), each (n, 3)."""
    x_in = np.asarray(x, dtype=float).reshape(-1, 1)
    p = experts_params
    means = p["w_mean"][0] + p["w_mean"][1] * x_in
    sigmas = np.exp(p["w_log_sigma"][0] + p["w_log_sigma"][1] * x_in) + 0.01
    weights = softmax(p["w_gate"][0] + p["w_gate"][1] * x_in, axis=1)
    return weights, means, sigmas

# %% [explain_naive] markdown
# **Model answer.** The naive predictive summarises p(t | x) by one mean and one standard
# deviation per x. For x between about 0.3 and 0.7 the data lie on up to three separate
# branches, so the mean falls *between* branches, in a region where there are almost no
# data points, and the sd is large because it has to cover all branches at once. The band
# mean ± 2 sd is therefore a wide smear centred on empty space: a unimodal summary of a
# multimodal distribution. The mixture is right, the summary is wrong. A correct predictive
# draws a component first (with probability equal to its gate weight), then t from that
# component's Gaussian, which keeps the draws on the branches.
#
# **Rubric (2 points, TA only).** 1 point: says that p(t | x) is multimodal (several branches
# per x) and that a mean ± sd summary is unimodal. 1 point: explains that the mean lies between
# the branches where there are no data (and/or the sd is inflated by the spread between
# branches), and that sampling a component first fixes it. Half a point off for blaming
# ADVI or the priors instead of the summary.

# %% [gumbel_answer]
def sample_component(logits, seed):
    """One component index per row of logits (n, K), drawn with the Gumbel-max trick."""
    logits = np.asarray(logits, dtype=float)
    rng = np.random.default_rng(seed)
    gumbel = -np.log(-np.log(rng.uniform(size=logits.shape)))
    return np.argmax(logits + gumbel, axis=1)


def sample_mixture(predict, x, seed):
    """Draw t for every x: a component with Gumbel-max, then its Gaussian."""
    weights, means, sigmas = predict(x)
    k = sample_component(np.log(weights), seed)
    rows = np.arange(len(k))
    rng = np.random.default_rng(seed + 1)
    return means[rows, k] + sigmas[rows, k] * rng.standard_normal(len(k)), k

# %% [mdn_answer]
class MDN(nn.Module):
    """1 -> 20 -> tanh, then three heads of 3: mixing weights, sigmas and means."""

    def __init__(self, hidden=20, components=3):
        super().__init__()
        self.hidden = nn.Linear(1, hidden)
        self.logits = nn.Linear(hidden, components)
        self.log_sigma = nn.Linear(hidden, components)
        self.mean = nn.Linear(hidden, components)

    def forward(self, x):
        h = torch.tanh(self.hidden(x))
        return (torch.softmax(self.logits(h), dim=-1), torch.exp(self.log_sigma(h)) + 0.01,
                self.mean(h))


def mixture_nll_torch(weights, sigmas, means, t):
    log_components = torch.distributions.Normal(means, sigmas).log_prob(t)
    return -torch.logsumexp(torch.log(weights) + log_components, dim=-1).mean()


torch.manual_seed(seed)
mdn = MDN()
optimiser = torch.optim.Adam(mdn.parameters(), lr=MDN_LR)
x_torch = torch.tensor(x_data, dtype=torch.float32)[:, None]
t_torch = torch.tensor(t_data, dtype=torch.float32)[:, None]
mdn_losses = []
for epoch in range(MDN_EPOCHS):
    loss = mixture_nll_torch(*mdn(x_torch), t_torch)
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    mdn_losses.append(loss.item())


def predict_mdn(x):
    with torch.no_grad():
        weights, sigmas, means = mdn(torch.tensor(np.asarray(x, dtype=np.float32)).reshape(-1, 1))
    return weights.numpy(), means.numpy(), sigmas.numpy()

# %% [bayes_answer]
trained = {name: value.detach().numpy().astype(float) for name, value in mdn.state_dict().items()}
with pm.Model() as bayes_model:
    w_hidden = pm.Normal("w_hidden", 0, 5, shape=(1, 20))
    b_hidden = pm.Normal("b_hidden", 0, 5, shape=20)
    heads = {name: (pm.Normal(f"w_{name}", 0, 5, shape=(20, 3)), pm.Normal(f"b_{name}", 0, 5, shape=3))
             for name in ("logits", "log_sigma", "mean")}
    h = pt.tanh(x_data[:, None] @ w_hidden + b_hidden)
    out = {name: h @ w + b for name, (w, b) in heads.items()}
    pm.NormalMixture("t", w=pm.math.softmax(out["logits"], axis=1), mu=out["mean"],
                     sigma=pt.exp(out["log_sigma"]) + 0.01, observed=t_data)
    # start ADVI at the network trained in Part C (torch stores weights as (out, in))
    start = {"w_hidden": trained["hidden.weight"].T, "b_hidden": trained["hidden.bias"]}
    for name in heads:
        start[f"w_{name}"] = trained[f"{name}.weight"].T
        start[f"b_{name}"] = trained[f"{name}.bias"]
    bayes_fit = pm.fit(BAYES_STEPS, method="advi", obj_optimizer=pm.adam(learning_rate=BAYES_LR),
                       start=start, start_sigma={name: BAYES_START_SD for name in start},
                       random_seed=seed, progressbar=False)
bayes_draws = bayes_fit.sample(1000, random_seed=seed).posterior
bayes_params = {name: bayes_draws[name].values.reshape((-1,) + bayes_draws[name].shape[2:]).mean(axis=0)
                for name in bayes_draws.data_vars}


def predict_bayes(x):
    """The network at the posterior mean of its weights: (weights, means, sigmas), each (n, 3)."""
    p = bayes_params
    h = np.tanh(np.asarray(x, dtype=float).reshape(-1, 1) @ p["w_hidden"] + p["b_hidden"])
    logits, log_sigma, means = (h @ p[f"w_{n}"] + p[f"b_{n}"] for n in ("logits", "log_sigma", "mean"))
    return softmax(logits, axis=1), means, np.exp(log_sigma) + 0.01

# %% [explain_comparison] markdown
# **Model answer.** Where the data are dense the mean curves of the Bayesian network follow
# those of Part C closely: ADVI started at the trained network, and with 1000 points the
# likelihood dominates the N(0, 5) priors, so the posterior mean of the weights stays near the
# maximum-likelihood solution. They differ where a component has little weight (its mean
# curve is poorly determined, so the two fits may put it in different places) and towards
# the ends of the x range. Swapping two components changes nothing in the likelihood, so
# any difference in labels (colours) between the two fits is not a real difference. The
# Bayesian fit also gives uncertainty: its posterior draws of the curves spread most where
# the data are sparse or a component's weight is small.
#
# **Rubric (2 points, TA only).** 1 point: a correct description of where the curves agree
# and where they differ, tied to the amount of data / the weight of a component.
# 1 point: a reason (likelihood dominating the prior, ADVI's start at the Part C network,
# label switching, posterior uncertainty where data are sparse). Half a point off for
# claiming the Bayesian means must be identical or must differ everywhere.
