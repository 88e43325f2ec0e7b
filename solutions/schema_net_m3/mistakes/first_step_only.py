# Known mistake: the plan is found, but only its first action is returned (as if the
# team re-planned every step, without doing so): the paddle moves once and stops.

# %% [plan_answer]
def plan(state, schemas, horizon):
    start = np.asarray(state, dtype=int)
    frontier = [(start, [])]
    seen = {start.tobytes()}
    for _ in range(horizon):
        nxt = []
        for s, actions in frontier:
            for action in range(len(ACTIONS)):
                s2, reward = model_step(schemas, s, action)
                if reward:
                    return (actions + [action])[:1]
                if s2.tobytes() not in seen:
                    seen.add(s2.tobytes())
                    nxt.append((s2, actions + [action]))
        frontier = nxt
    return []


PLAN = plan(EXAMPLE, SCHEMAS, HORIZON)
PLAN
