# Reference solution for assignments/cfope_m3/cfope_m3.ipynb (project kit cfope, milestone 3).
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [previous_answer]
# ---- milestone 1: the table and the Gumbel-max SCM
transition_matrix = np.zeros((16, 4, 16))
for s, moves in env.unwrapped.P.items():
    for a, outcomes in moves.items():
        for prob, next_state, _reward, _terminated in outcomes:
            transition_matrix[s, a, next_state] += prob

LOG_T = torch.log(torch.as_tensor(transition_matrix))
ZEROS = torch.zeros(16, dtype=torch.float64)


def transition_model(state, action):
    noise = pyro.sample("noise", dist.Gumbel(ZEROS, 1.0).to_event(1))
    return int(torch.argmax(LOG_T[state, action] + noise))


def step_scm(state, action, noise=None):
    if noise is None:
        return transition_model(state, action)
    given = {"noise": torch.as_tensor(noise, dtype=torch.float64)}
    return pyro.condition(transition_model, data=given)(state, action)


def posterior_noise(state, action, next_state, rng):
    rng = np.random.default_rng(rng)
    log_p = LOG_T[state, action].numpy()
    possible = np.flatnonzero(np.isfinite(log_p))
    noise = rng.gumbel(size=16)
    top = np.logaddexp.reduce(log_p[possible]) + rng.gumbel()
    for j in possible:
        if j == next_state:
            noise[j] = top - log_p[j]
        else:
            noise[j] = -np.logaddexp(-top, -(log_p[j] + rng.gumbel())) - log_p[j]
    return noise


# ---- milestone 2: values, policies, logs
LIVE = ~np.array(TERMINAL)
GOAL_REWARD = np.eye(16)[GOAL]


def policy_value(policy):
    policy = np.asarray(policy, dtype=float)
    v = np.zeros(16)
    for _ in range(HORIZON):
        q = transition_matrix @ (GOAL_REWARD + np.where(LIVE, v, 0.0))
        v = np.where(LIVE, (policy * q).sum(axis=1), 0.0)
    return float(v[0])


def optimal_actions(sweeps=2000):
    v = np.zeros(16)
    for _ in range(sweeps):
        q = transition_matrix @ (GOAL_REWARD + np.where(LIVE, v, 0.0))
        v = np.where(LIVE, q.max(axis=1), 0.0)
    return q.argmax(axis=1)


evaluation_policy = np.eye(4)[optimal_actions()]
production_policy = 0.7 * evaluation_policy + 0.3 / 4


def generate_logs(policy, num_episodes, seed):
    policy = np.asarray(policy, dtype=float)
    rng = np.random.default_rng(seed)
    lake = cfope_helpers.make_env()
    logs = []
    for _ in range(num_episodes):
        state, _ = lake.reset(seed=int(rng.integers(2**31)))
        episode, done = [], False
        while not done:
            action = int(rng.choice(4, p=policy[state]))
            next_state, reward, terminated, truncated, _ = lake.step(action)
            episode.append((int(state), action, float(reward), int(next_state)))
            state, done = next_state, terminated or truncated
        logs.append(episode)
    return logs

# %% [replay_answer]
def counterfactual_episode(episode, policy, rng):
    policy = np.asarray(policy, dtype=float)
    noises = [posterior_noise(s, a, s_next, rng) for s, a, _, s_next in episode]   # abduction
    states = [0]
    for t in range(HORIZON):
        state = states[-1]
        if TERMINAL[state]:
            break
        action = int(np.argmax(policy[state]))                                     # action
        noise = noises[t] if t < len(noises) else rng.gumbel(size=16)              # prior after the log
        states.append(int(step_scm(state, action, noise)))                        # prediction
    return states

# %% [cf_value_answer]
replays = counterfactual_trajectories(logs, evaluation_policy, seed=7)
cf_value = float(np.mean([path[-1] == GOAL for path in replays]))
print(f"counterfactual value {cf_value:.3f} (exact {true_value:.3f})")

# %% [wis_answer]
def wis_value(logs, behaviour_policy, target_policy):
    b = np.asarray(behaviour_policy, dtype=float)
    e = np.asarray(target_policy, dtype=float)
    weights = np.array([np.prod([e[s, a] / b[s, a] for s, a, _, _ in ep]) for ep in logs])
    returns = np.array([sum(step[2] for step in ep) for ep in logs])
    if weights.sum() == 0:
        return float("nan")
    return float(weights @ returns / weights.sum())


wis_estimate = wis_value(logs, production_policy, evaluation_policy)
print(f"WIS {wis_estimate:.3f}")

# %% [explain_comparison] markdown
# **Model answer.** (a) WIS learns only from logged episodes whose every action the
# (deterministic) evaluation policy would also have taken: all other episodes get weight 0.
# With production exploring 30% of the time, an episode of L steps agrees with probability
# about 0.78^L, so of 300 episodes only a handful carry weight (a Kish ESS of a few), and the
# estimate is close to the success rate of those few short episodes: unbiased in the limit but
# extremely noisy, and it can be undefined. The counterfactual replay uses every episode: each
# contributes a replayed return, so its standard error is about sqrt(v(1 - v) / 300) = 0.025.
# (b) The replay assumes a structural model of the slips, here that the next state is the
# Gumbel-max of the log-probabilities with noise shared across actions (and across states
# at the same time step). Many SCMs have the same transition probabilities but different
# counterfactuals; the logs only show the interventional distributions, so no amount of
# logged data can confirm or refute the Gumbel-max choice (counterfactual stability is a
# modelling assumption, not a testable fact). WIS needs only the known logging
# probabilities (and overlap). The replay's average is still unbiased whatever the SCM,
# because averaged over logs the posterior noise is the prior, but the per-episode stories
# depend on the assumption.
# (c) The replay gives an individual counterfactual trajectory per logged episode: in the
# plotted episode the robot fell into a hole; replayed with the same slips, the evaluation
# policy (hugging the wall) avoids it / reaches the goal, so one can point at the step where
# the new policy's action turned a slip into a harmless bump. Such episode-level
# explanations (and checks by a domain expert) are what Oberst and Sontag propose; WIS only
# gives one reweighted number.
#
# **Rubric (3 points, TA only).** 1 point for (a): WIS uses only episodes consistent with the
# deterministic target (weights 0 otherwise), few such episodes -> high variance / low ESS
# (or undefined); the replay uses all episodes. 1 point for (b): the replay relies on the
# Gumbel-max SCM (a counterfactual assumption: noise shared across actions) that is not
# identified from the logs (observational/interventional data cannot test it); WIS relies
# only on known behaviour probabilities and overlap. Half a point if the answer says "the
# model could be wrong" without saying that data cannot tell. 1 point for (c): an
# episode-level counterfactual trajectory, discussed on their own plot.
