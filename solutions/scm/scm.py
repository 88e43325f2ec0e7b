# Reference solution for assignments/scm/scm.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [scm_a_answer]
def scm_a_model(num_samples=1):
    # Y gets its site the "narrow Normal" way: N_Y is explicit, Y sits 0.01 around X**2 + N_Y.
    with pyro.plate("units", num_samples):
        x = pyro.sample("X", dist.Normal(0.0, 1.0))            # X := N_X
        n_y = pyro.sample("N_Y", dist.Normal(0.0, 1.0))
        return pyro.sample("Y", dist.Normal(x ** 2 + n_y, 0.01))


def sample_scm_a(num_samples, seed):
    pyro.set_rng_seed(seed)
    trace = poutine.trace(scm_a_model).get_trace(num_samples)
    return trace.nodes["X"]["value"].numpy(), trace.nodes["Y"]["value"].numpy()


_x, _y = sample_scm_a(2000, seed=0)
plt.figure(figsize=(4, 3))
plt.scatter(_x, _y, s=2, alpha=0.4)
plt.xlabel("X")
plt.ylabel("Y")
plt.show()

# %% [p_y_answer]
# Y = 4 N_X + N_Y: mean 0, variance 16 * 1 + 1.
p_y = (0, 17)

# %% [do_x_answer]
# do(X=2): Y = 8 + N_Y.
p_y_do_x2 = (8, 1)

# %% [given_x_answer]
# X = 2 observed: N_Y is independent of X, so again Y = 8 + N_Y.
p_y_given_x2 = (8, 1)

# %% [explain_observe_do] markdown
# **Model answer.** X has no parents other than its own noise N_X, and N_X is independent of
# N_Y. Observing X = 2 therefore tells us nothing about N_Y: Y given X = 2 is 8 + N_Y, exactly
# what we get after replacing X's assignment by X := 2. In graph terms, there is no back-door
# path from X to Y (no common cause), so P(Y | X=2) = P(Y | do(X=2)) = N(8, 1).
# For X and Y = 2 this fails. Observing Y = 2 is evidence about its cause: Bayes' rule (or
# bivariate-normal conditioning) gives X | Y=2 ~ N(8/17, 1/17). Setting Y := 2 cuts the arrow
# into Y and leaves X's assignment untouched, so X ~ N(0, 1) as before. Information flows
# backwards along X → Y under observation, but an intervention on an effect never changes its
# causes.
#
# **Rubric (2 points, TA only).** 1 point: observing = intervening for X because X has no
# confounder / no back-door path (N_X independent of N_Y), so conditioning on X carries no
# information about N_Y. 1 point: for Y the two differ (N(8/17, 1/17) vs N(0, 1)) because
# conditioning on an effect updates beliefs about its cause while do(Y=2) removes the
# dependence of Y on X. Half a point off if the answer only states the numbers without a
# reason.

# %% [do_samples_answer]
def sample_y_do_x2(num_samples, seed):
    pyro.set_rng_seed(seed)
    intervened = pyro.do(scm_b_affine, data={"X": torch.tensor(2.0)})
    return intervened(num_samples).detach().numpy()

# %% [given_y_answer]
# Prior X ~ N(0, 1), likelihood Y | X ~ N(4X, 1) at Y = 2:
# precision 1 + 16 = 17, mean (4 * 2) / 17.
p_x_given_y2 = (Fraction(8, 17), Fraction(1, 17))

# %% [do_y_answer]
# do(Y=2) replaces Y's assignment only; X := N_X is unchanged.
p_x_do_y2 = (0, 1)

# %% [posterior_answer]
def sample_x_given_y2(num_samples, seed):
    # Importance sampling with the prior as proposal, vectorised over the pool, then
    # resampling. With the prior as proposal the ESS is about 30% of the pool, so a pool
    # of 400 x num_samples gives an ESS of about 120 x num_samples.
    pyro.set_rng_seed(seed)
    conditioned = pyro.condition(scm_b_affine, data={"Y": torch.tensor(2.0)})
    proposal = poutine.block(conditioned, hide=["Y"])   # samples X from its prior
    log_w, model_trace, _ = vectorized_importance_weights(
        conditioned, proposal, num_samples=400 * num_samples, max_plate_nesting=1)
    w = torch.softmax(log_w, dim=0)
    ess = 1.0 / (w ** 2).sum()
    assert ess >= 100 * num_samples, f"pool too small: ESS {ess:.0f}"
    pool = model_trace.nodes["X"]["value"].reshape(-1)
    return pool[torch.multinomial(w, num_samples, replacement=True)].numpy()


_xs = sample_x_given_y2(1000, seed=0)
print(f"mean {_xs.mean():.3f}, variance {_xs.var():.4f}")
