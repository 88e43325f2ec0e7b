# A common slip: the replay stops where the logged episode stops, although the replayed
# robot may still be walking (nothing was observed after the log, so the noise should come
# from the prior).

# %% [replay_answer]
def counterfactual_episode(episode, policy, rng):
    policy = np.asarray(policy, dtype=float)
    states = [0]
    for s, a, _, s_next in episode:
        state = states[-1]
        if TERMINAL[state]:
            break
        noise = posterior_noise(s, a, s_next, rng)
        states.append(int(step_scm(state, int(np.argmax(policy[state])), noise)))
    return states
