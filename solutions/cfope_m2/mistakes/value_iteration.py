# Value iteration where policy evaluation was asked: the backward induction takes the best
# action instead of averaging over the policy's, so every policy gets the optimal value.

# %% [value_answer]
LIVE = ~np.array(TERMINAL)
GOAL_REWARD = np.eye(16)[15]


def policy_value(policy):
    v = np.zeros(16)
    for _ in range(HORIZON):
        q = transition_matrix @ (GOAL_REWARD + np.where(LIVE, v, 0.0))
        v = np.where(LIVE, q.max(axis=1), 0.0)
    return float(v[0])
