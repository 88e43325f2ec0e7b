# Another correct planner: breadth-first search forwards over the model's states (states
# seen before are not expanded again), returning the shortest action sequence that earns a
# reward. It uses only the schemas, so it plans in any variant of the game.

# %% [plan_answer]
from collections import deque


def plan(state, schemas, horizon):
    start = np.asarray(state, dtype=int)
    queue = deque([(start, [])])
    seen = {start.tobytes()}
    while queue:
        s, actions = queue.popleft()
        if len(actions) == horizon:
            continue
        for action in (STAY, LEFT, RIGHT):
            s2, reward = model_step(schemas, s, action)
            if reward:
                return actions + [action]
            if s2.tobytes() not in seen:
                seen.add(s2.tobytes())
                queue.append((s2, actions + [action]))
    return []


PLAN = plan(EXAMPLE, SCHEMAS, HORIZON)
PLAN
