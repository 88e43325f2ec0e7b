# Reference solution for assignments/cfope_m1/cfope_m1.ipynb (project kit cfope, milestone 1).
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [table_answer]
transition_matrix = np.zeros((16, 4, 16))
for s, moves in env.unwrapped.P.items():
    for a, outcomes in moves.items():
        for prob, next_state, _reward, _terminated in outcomes:
            # two slip directions can both bump into a wall: add, do not overwrite
            transition_matrix[s, a, next_state] += prob

# %% [step_answer]
LOG_T = torch.log(torch.as_tensor(transition_matrix))      # -inf where a move cannot go
ZEROS = torch.zeros(16, dtype=torch.float64)


def transition_model(state, action):
    """One step: exogenous Gumbel noise per next state, then Gumbel-max."""
    noise = pyro.sample("noise", dist.Gumbel(ZEROS, 1.0).to_event(1))
    return int(torch.argmax(LOG_T[state, action] + noise))


def step_scm(state, action, noise=None):
    if noise is None:
        return transition_model(state, action)
    given = {"noise": torch.as_tensor(noise, dtype=torch.float64)}
    return pyro.condition(transition_model, data=given)(state, action)

# %% [posterior_answer]
def posterior_noise(state, action, next_state, rng):
    rng = np.random.default_rng(rng)
    log_p = LOG_T[state, action].numpy()
    possible = np.flatnonzero(np.isfinite(log_p))
    noise = rng.gumbel(size=16)                  # unreachable states keep the prior
    top = np.logaddexp.reduce(log_p[possible]) + rng.gumbel()   # the largest perturbed value
    for j in possible:
        if j == next_state:
            noise[j] = top - log_p[j]
        else:                                    # Gumbel(log p_j) truncated below top
            value = -np.logaddexp(-top, -(log_p[j] + rng.gumbel()))
            noise[j] = value - log_p[j]
    return noise

# %% [counterfactual_answer]
def counterfactual_step(state, action, next_state, cf_action, rng):
    noise = posterior_noise(state, action, next_state, rng)    # abduction
    return step_scm(state, cf_action, noise)                    # action and prediction

# %% [explain_stability] markdown
# **Model answer.** (a) Having seen LEFT take the robot from 6 to 10, the posterior noise
# makes 10's perturbed value log(1/3) + g_10 the largest among the states LEFT can reach
# (2, 5 and 10). RIGHT reaches 2, 7 and 10, each with probability 1/3: states 2 and 10 keep
# the same log-probability as under LEFT, so their perturbed values are unchanged and 2 still
# loses to 10. Only 7, which LEFT could not reach, has noise the observation said nothing
# about; it beats 10 with probability 1/4 (a prior Gumbel against the posterior maximum), so
# 10 has probability 3/4 instead of 1/3. In ratio terms: p'(2)/p(2) = p'(10)/p(10) = 1, so 2
# can never overtake 10, whereas 7 has an infinite ratio and sometimes does.
# (b) Noise from the prior gives the interventional law p' in every episode, and the average
# of the true counterfactual law over observations drawn from p is also p' (the posterior,
# averaged over observations, is the prior). So any statistic of the pooled outcomes (an
# average return over many episodes, for example) agrees; the mistake only shows episode by
# episode: with the same action the "counterfactual" often differs from what was observed,
# and at stable situations it moves away from the observed state. Checking stability per
# observation (or replaying a logged episode under the logging policy and comparing) reveals it.
#
# **Rubric (2 points, TA only).** 1 point for (a): the posterior pins the observed state as
# the maximum of the perturbed values; unchanged log-probabilities keep their order (2 cannot
# win), only a state the observed action could not reach (7) can overtake, so 10 is more
# likely than 1/3. Half a point if only the stability ratio condition is quoted without
# linking it to the noise. 1 point for (b): prior noise gives p', the average of the
# counterfactual law over observations is also p', so averages cannot tell them apart; the
# difference shows per observation/episode (stability, replay under the same policy).
