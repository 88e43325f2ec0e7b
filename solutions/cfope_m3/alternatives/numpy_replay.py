# Another correct style: the replay in plain numpy (the Gumbel-max argmax written out, the
# posterior noise by rejection from the prior, prior noise after the log from step_scm's
# own Pyro prior), and WIS with log-weights.

# %% [replay_answer]
with np.errstate(divide="ignore"):
    LOG_P = np.log(transition_matrix)


def noise_given(state, action, next_state, rng):
    while True:                                   # rejection: the prior, kept if consistent
        g = rng.gumbel(size=16)
        if np.argmax(LOG_P[state, action] + g) == next_state:
            return g


def counterfactual_episode(episode, policy, rng):
    act = np.argmax(np.asarray(policy, dtype=float), axis=1)
    noises = [noise_given(int(s), int(a), int(s2), rng) for s, a, _, s2 in episode]
    path = [0]
    while len(path) <= HORIZON and not TERMINAL[path[-1]]:
        t, s = len(path) - 1, path[-1]
        if t < len(noises):
            path.append(int(np.argmax(LOG_P[s, act[s]] + noises[t])))
        else:
            path.append(int(step_scm(s, int(act[s]))))
    return path

# %% [wis_answer]
def wis_value(logs, behaviour_policy, target_policy):
    with np.errstate(divide="ignore"):
        log_ratio = np.log(np.asarray(target_policy, float)) - np.log(np.asarray(behaviour_policy, float))
    log_w = np.array([sum(log_ratio[int(s), int(a)] for s, a, _, _ in ep) for ep in logs])
    if not np.isfinite(log_w).any():
        return float("nan")
    w = np.exp(log_w - log_w[np.isfinite(log_w)].max())
    g = np.array([sum(r for _, _, r, _ in ep) for ep in logs])
    return float(np.sum(w * g) / np.sum(w))


wis_estimate = wis_value(logs, production_policy, evaluation_policy)
