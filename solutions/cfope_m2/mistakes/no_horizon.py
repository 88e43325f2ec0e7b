# The 100-step limit forgotten: the backward induction runs until the values stop changing,
# which gives the probability of *ever* reaching the goal.

# %% [value_answer]
LIVE = ~np.array(TERMINAL)
GOAL_REWARD = np.eye(16)[15]


def policy_value(policy):
    policy = np.asarray(policy, dtype=float)
    v = np.zeros(16)
    while True:
        q = transition_matrix @ (GOAL_REWARD + np.where(LIVE, v, 0.0))
        new = np.where(LIVE, (policy * q).sum(axis=1), 0.0)
        if np.max(np.abs(new - v)) < 1e-12:
            return float(new[0])
        v = new
