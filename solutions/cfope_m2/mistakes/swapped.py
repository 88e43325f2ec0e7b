# The policies swapped in the logs: the episodes are those of the evaluation policy.

# %% [logs_answer]
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


logs = generate_logs(evaluation_policy, NUM_EPISODES, seed=2027)
