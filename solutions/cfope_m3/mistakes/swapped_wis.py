# The policies swapped in the importance weights: behaviour over target.

# %% [wis_answer]
def wis_value(logs, behaviour_policy, target_policy):
    b = np.asarray(behaviour_policy, dtype=float)
    e = np.asarray(target_policy, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.array([np.prod([b[s, a] / e[s, a] for s, a, _, _ in ep]) for ep in logs])
    returns = np.array([sum(step[2] for step in ep) for ep in logs])
    return float(weights @ returns / weights.sum())


wis_estimate = wis_value(logs, production_policy, evaluation_policy)
