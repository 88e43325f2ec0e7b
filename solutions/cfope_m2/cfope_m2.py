# Reference solution for assignments/cfope_m2/cfope_m2.ipynb (project kit cfope, milestone 2).
# One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [milestone1_answer]
transition_matrix = np.zeros((16, 4, 16))
for s, moves in env.unwrapped.P.items():
    for a, outcomes in moves.items():
        for prob, next_state, _reward, _terminated in outcomes:
            transition_matrix[s, a, next_state] += prob

# %% [value_answer]
LIVE = ~np.array(TERMINAL)                  # states an episode can be in
GOAL_REWARD = np.eye(16)[15]                # reward on entering each state


def state_values(policy, horizon=HORIZON):
    """V[s]: probability of entering the goal within `horizon` steps from s."""
    policy = np.asarray(policy, dtype=float)
    v = np.zeros(16)
    for _ in range(horizon):
        q = transition_matrix @ (GOAL_REWARD + np.where(LIVE, v, 0.0))   # (16, 4)
        v = np.where(LIVE, (policy * q).sum(axis=1), 0.0)
    return v


def policy_value(policy):
    return float(state_values(policy)[0])

# %% [policies_answer]
def optimal_actions(sweeps=2000):
    """Value iteration: the backward induction with a max over actions, to convergence."""
    v = np.zeros(16)
    for _ in range(sweeps):
        q = transition_matrix @ (GOAL_REWARD + np.where(LIVE, v, 0.0))
        v = np.where(LIVE, q.max(axis=1), 0.0)
    return q.argmax(axis=1)


best = optimal_actions()
evaluation_policy = np.eye(4)[best]
# production: the same moves, but 30% of the time a uniformly random action (an older,
# exploring version of the policy); every action has probability at least 0.075
production_policy = 0.7 * evaluation_policy + 0.3 / 4
production_value = policy_value(production_policy)
evaluation_value = policy_value(evaluation_policy)
print(f"production {production_value:.4f}, evaluation {evaluation_value:.4f}")

# %% [generate_answer]
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


# %% [own_logs_answer]
logs = generate_logs(production_policy, NUM_EPISODES, seed=2027)

# %% [explain_policies] markdown
# **Model answer.** The evaluation policy is the optimal policy of the lake, found by value
# iteration (it hugs the walls so that slips bump into them rather than into holes: LEFT at
# the start, UP along the top row); it reaches the goal within 100 steps with probability
# about 0.74. The production policy is an older, exploring version: the same moves 70% of
# the time and a uniformly random action otherwise, worth about 0.15.
# Importance sampling reweights each logged episode by the product over its steps of
# pi_e(a | s) / pi_b(a | s). If production never took an action that the evaluation policy
# takes (pi_b = 0 where pi_e > 0), episodes that follow the evaluation policy there never
# appear in the logs and no weighting can recover them: the estimate is biased (or undefined).
# Exploration gives every action positive probability, so the ratio is always defined and the
# estimator is unbiased (for ordinary IS; consistent for weighted IS). The counterfactual
# replay does not reweight actions: it replays each logged episode through the SCM with the
# evaluation policy's own actions and the inferred noise, so it needs no overlap of actions;
# it needs instead the assumption that the SCM (Gumbel-max, with noise shared across actions)
# is right, which the data cannot check.
#
# **Rubric (2 points, TA only).** 0.5: a clear description of how the two policies were
# chosen and that they satisfy the rules. 1: importance sampling needs pi_b(a|s) > 0 wherever
# pi_e(a|s) > 0 (overlap/support), otherwise the weights are undefined or episodes of the
# target are missing, with a word on why (the ratio, or unseen trajectories). 0.5: the
# counterfactual replay does not need action overlap (it simulates the evaluation policy's
# actions through the SCM with posterior noise), but relies on the SCM assumption instead.
