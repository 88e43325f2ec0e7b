# The lake made without slips: the robot always goes where it is told.

# %% [generate_answer]
def generate_logs(policy, num_episodes, seed):
    import gymnasium as gym
    policy = np.asarray(policy, dtype=float)
    rng = np.random.default_rng(seed)
    lake = gym.make("FrozenLake-v1", map_name="4x4", is_slippery=False)
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

