# The policies swapped in the replay: the logged (production) actions are replayed with
# the posterior noise, which gives back the logs themselves; the evaluation policy only
# acts after the log ends.

# %% [replay_answer]
def counterfactual_episode(episode, policy, rng):
    policy = np.asarray(policy, dtype=float)
    noises = [posterior_noise(s, a, s_next, rng) for s, a, _, s_next in episode]
    states = [0]
    for t in range(HORIZON):
        state = states[-1]
        if TERMINAL[state]:
            break
        if t < len(episode):
            action, noise = int(episode[t][1]), noises[t]
        else:
            action, noise = int(np.argmax(policy[state])), rng.gumbel(size=16)
        states.append(int(step_scm(state, action, noise)))
    return states
