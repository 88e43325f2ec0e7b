# Known mistake: the planner plans with the notebook's global SCHEMAS (this game's)
# instead of the `schemas` it is handed, so in a variant of the game it plans in the wrong
# model.

# %% [plan_answer]
def plan(state, schemas, horizon):
    start = np.asarray(state, dtype=int)
    layers = [{start.tobytes(): start}]
    moves = {}
    for t in range(horizon):
        reached = {}
        for key, s in layers[t].items():
            for action in range(len(ACTIONS)):
                s2, reward = model_step(SCHEMAS, s, action)
                moves[(t, key, action)] = (s2.tobytes(), reward)
                reached[s2.tobytes()] = s2
        layers.append(reached)
    good, best = [set() for _ in range(horizon + 1)], {}
    for t in reversed(range(horizon)):
        for key in layers[t]:
            for action in range(len(ACTIONS)):
                key2, reward = moves[(t, key, action)]
                if reward or key2 in good[t + 1]:
                    good[t].add(key)
                    best[(t, key)] = (action, reward)
                    break
    actions, key = [], start.tobytes()
    for t in range(horizon):
        if (t, key) not in best:
            break
        action, reward = best[(t, key)]
        actions.append(action)
        if reward:
            break
        key = moves[(t, key, action)][0]
    return actions


PLAN = plan(EXAMPLE, SCHEMAS, HORIZON)
PLAN
