# The classic mistake of the brief: every replayed step draws its noise from the prior,
# which simulates the evaluation policy afresh instead of replaying the logged episode.

# %% [replay_answer]
def counterfactual_episode(episode, policy, rng):
    policy = np.asarray(policy, dtype=float)
    states = [0]
    for t in range(HORIZON):
        state = states[-1]
        if TERMINAL[state]:
            break
        action = int(np.argmax(policy[state]))
        states.append(int(step_scm(state, action, rng.gumbel(size=16))))
    return states
