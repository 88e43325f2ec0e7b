# Another correct style: the value by pushing the state distribution forward (the chance of
# entering the goal at step t, summed over the 100 steps) instead of backward induction,
# and logs simulated with a numpy Gumbel-max step on transition_matrix (the SCM of
# milestone 1) instead of gymnasium's environment.

# %% [value_answer]
LIVE = ~np.array(TERMINAL)
GOAL_REWARD = np.eye(16)[15]


def policy_value(policy):
    policy = np.asarray(policy, dtype=float)
    chain = np.einsum("sa,sat->st", policy, transition_matrix)   # P_pi(s -> t)
    alive = np.eye(16)[0]                                        # still walking, by state
    reached = 0.0
    for _ in range(HORIZON):
        step = alive @ chain
        reached += step[15]
        alive = np.where(LIVE, step, 0.0)                        # holes and goal end it
    return float(reached)

# %% [generate_answer]
with np.errstate(divide="ignore"):
    LOG_T = np.log(transition_matrix)


def generate_logs(policy, num_episodes, seed):
    policy = np.asarray(policy, dtype=float)
    rng = np.random.default_rng(seed)
    logs = []
    for _ in range(num_episodes):
        state, episode = 0, []
        for _ in range(HORIZON):
            action = int(rng.choice(4, p=policy[state]))
            nxt = int(np.argmax(LOG_T[state, action] + rng.gumbel(size=16)))
            episode.append((state, action, float(nxt == 15), nxt))
            state = nxt
            if TERMINAL[state]:
                break
        logs.append(episode)
    return logs

