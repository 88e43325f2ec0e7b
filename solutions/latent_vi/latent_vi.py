# Reference solution for assignments/latent_vi/latent_vi.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [frontdoor_answer]
def frontdoor_ate(df):
    """Front-door formula within each guild stratum, averaged over P(G):
    sum_g P(g) sum_m [P(m | T=1, g) - P(m | T=0, g)] sum_t' E[Y | m, t', g] P(t' | g)."""
    ate = 0.0
    for g, part in df.groupby("G"):
        p_t1 = part["T"].mean()
        p_m1 = part.groupby("T")["M"].mean()                    # [t] = P(M=1 | t, g)
        mean_y = part.groupby(["M", "T"])["Y"].mean()           # [(m, t)] = E[Y | m, t, g]
        inner = [mean_y[(m, 0)] * (1 - p_t1) + mean_y[(m, 1)] * p_t1 for m in (0, 1)]
        # sum over m of the change in P(m) times inner[m]; P(M=0) changes by minus as much
        ate += len(part) / len(df) * (p_m1[1] - p_m1[0]) * (inner[1] - inner[0])
    return float(ate)


fd_estimate = frontdoor_ate(df)
fd_estimate

# %% [model_answer]
class MLP(nn.Module):
    def __init__(self, n_in, n_out, hidden=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.Tanh(),
                                 nn.Linear(hidden, hidden), nn.Tanh(),
                                 nn.Linear(hidden, n_out))

    def forward(self, *columns):
        return self.net(torch.stack(torch.broadcast_tensors(*columns), dim=-1))


t_net = MLP(2, 1)        # logit of P(T=1 | G, Z)
y_net = MLP(3, 1)        # mean of Y given M, G, Z
encoder = MLP(4, 2)      # q(Z | G, T, M, Y): location and log-scale
Y_CENTRE, Y_SCALE = float(df["Y"].mean()), float(df["Y"].std())


def model(G, T=None, M=None, Y=None):
    pyro.module("t_net", t_net)
    pyro.module("y_net", y_net)
    m_logits = pyro.param("m_logits", torch.zeros(2))             # [t] = logit P(M=1 | t)
    y_sd = pyro.param("y_sd", torch.tensor(1.0), constraint=constraints.positive)
    with pyro.plate("units", G.shape[0]):
        z = pyro.sample("Z", dist.Normal(0.0, 1.0))
        t = pyro.sample("T", dist.Bernoulli(logits=t_net(G, z).squeeze(-1)), obs=T)
        m = pyro.sample("M", dist.Bernoulli(logits=m_logits[t.long()]), obs=M)
        loc = Y_CENTRE + Y_SCALE * y_net(m, G, z).squeeze(-1)
        return pyro.sample("Y", dist.Normal(loc, y_sd), obs=Y)


def guide(G, T=None, M=None, Y=None):
    pyro.module("encoder", encoder)
    out = encoder(G, T, M, (Y - Y_CENTRE) / Y_SCALE)
    with pyro.plate("units", G.shape[0]):
        pyro.sample("Z", dist.Normal(out[:, 0], nn.functional.softplus(out[:, 1]) + 1e-3))

# %% [train_answer]
pyro.clear_param_store()
data = tensors(df)
svi = SVI(model, guide, Adam({"lr": 0.01}), loss=Trace_ELBO())
losses = []
for step in range(NUM_STEPS):
    losses.append(svi.step(**data) / len(df))                     # ELBO loss per player

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(losses)
ax.set_xlabel("SVI step")
ax.set_ylabel("−ELBO per player")
ax.set_title("training loss")
plt.show()

# %% [vi_answer]
def arm_outcomes(model, G, z, t):
    """Draws of Y under do(T=t) with the latent Z held at z (one entry per row of G)."""
    fixed = pyro.condition(pyro.do(model, data={"T": torch.full_like(G, float(t))}),
                           data={"Z": z})
    return fixed(G)


def unit_contrasts(model, df, z, num_samples, seed):
    """Per player: mean over num_samples draws of Y under do(T=1) minus Y under do(T=0),
    both arms with the SAME given latent value z[i]."""
    pyro.set_rng_seed(seed)
    with torch.no_grad():
        G = tensors(df)["G"].repeat(num_samples)
        z = torch.as_tensor(np.asarray(z), dtype=torch.float32).repeat(num_samples)
        diff = arm_outcomes(model, G, z, 1) - arm_outcomes(model, G, z, 0)
        return diff.reshape(num_samples, len(df)).mean(0).numpy()


def vi_ate(model, guide, df, num_samples, seed):
    """Z drawn once per player (and per repetition) from the amortised guide, then both
    interventions applied with that same Z; the contrasts averaged over players."""
    pyro.set_rng_seed(seed)
    data = tensors(df)
    with torch.no_grad():
        reps = {k: v.repeat(num_samples) for k, v in data.items()}
        z = pyro.poutine.trace(guide).get_trace(**reps).nodes["Z"]["value"]
        diff = arm_outcomes(model, reps["G"], z, 1) - arm_outcomes(model, reps["G"], z, 0)
    return float(diff.mean())


vi_estimate = vi_ate(model, guide, df, num_samples=NUM_Z_SAMPLES, seed=0)
vi_estimate

# %% [explain_same_z] markdown
# **Model answer.** A player's two potential outcomes differ only by the intervention: the player,
# and so their commitment Z, is the same in both worlds. Drawing Z once and using it in both arms
# makes the contrast Y(1) − Y(0) compare the same player; with independent draws each contrast also
# carries the difference between two random players' Z, whose effect on Y is large. The estimated
# ATE stays (nearly) the same, because the mean of a difference is the difference of the means, but
# the per-player contrasts become far too spread out: with the same z my contrasts have a small
# spread, with independent draws of Z their standard deviation grows several-fold. Anything beyond
# the mean (the spread of individual effects, the share of players who gain, a confidence statement
# per player) is then wrong.
#
# **Rubric (2 points, TA only).** 1 point: both arms describe the same unit, so Z (a property of the
# unit, not of the treatment) must be shared; intervening on T does not change Z. 1 point: the
# ATE is unbiased either way but the individual contrasts (their variance) are not, supported by
# numbers or a plot from their own `unit_contrasts`. Half a point off for claiming the ATE itself is
# biased by independent draws.

# %% [compare_answer]
naive = df.loc[df["T"] == 1, "Y"].mean() - df.loc[df["T"] == 0, "Y"].mean()
labels = ["naive", "front-door (a)", "latent VI (c)", "truth"]
values = [naive, fd_estimate, vi_estimate, TRUE_ATE]
fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(labels, values, color=["#c44e52", "#4c72b0", "#55a868", "#8c8c8c"])
ax.axvline(TRUE_ATE, color="k", ls="--", lw=1)
ax.set_xlabel("ATE of side quests on purchases")
plt.show()

# %% [explain_compare] markdown
# **Model answer.** Both estimates land close to the truth of 1.0 (about 0.98 each here), while the
# naive difference (about 3.3) is more than three times too large: engaged players are more committed
# and more often in guilds, and both raise purchases. Neither estimate is exact, because 2,000
# players carry sampling error (the front-door estimate's standard error is about 0.07), and the VI
# estimate adds optimisation and Monte Carlo noise. The front door rests on M being a full mediator
# with no unobserved confounding of T → M or of M → Y beyond what T blocks; the latent model rests on
# its structure (Z the only hidden common cause, Y independent of T given M, G, Z) and on the
# variational fit (a Normal prior and an amortised Normal q). In return the latent model is a full
# generative model: it gives individual contrasts, effects for subgroups, and any other intervention
# or counterfactual query, where the formula gives one number.
#
# **Rubric (2 points, TA only).** 1 point: a correct comparison (both near the truth, the naive
# contrast far off) with a plot and a reason for the remaining gaps (sampling error; VI noise). 1
# point: one assumption of each method named correctly and one advantage of the latent model (per
# unit or other queries). Half a point off for calling the latent Z identified by the data alone.
