# Ordinary importance sampling where the weighted estimator was asked: divided by the
# number of episodes instead of the sum of the weights.

# %% [wis_answer]
def wis_value(logs, behaviour_policy, target_policy):
    b = np.asarray(behaviour_policy, dtype=float)
    e = np.asarray(target_policy, dtype=float)
    weights = np.array([np.prod([e[s, a] / b[s, a] for s, a, _, _ in ep]) for ep in logs])
    returns = np.array([sum(step[2] for step in ep) for ep in logs])
    return float(np.mean(weights * returns))


wis_estimate = wis_value(logs, production_policy, evaluation_policy)
