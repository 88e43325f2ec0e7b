# Known mistake: the examples leave out the action, so no schema can ask for it. The
# paddle's moves then contradict each other (the same neighbourhood goes left, stays or
# goes right), and those positive examples are explained by no schema.

# %% [examples_answer]
def examples(states, actions, next_states):
    xs, ys = [], []
    for state, nxt in zip(states, next_states):
        state = np.asarray(state, dtype=int)
        h, w, n = state.shape
        padded = np.zeros((h + 2, w + 2, n), dtype=int)
        padded[..., WALL] = 1
        padded[1:-1, 1:-1] = state
        views = [padded[1 + dr:1 + dr + h, 1 + dc:1 + dc + w] for dr, dc in OFFSETS]
        xs.append(np.concatenate(views, axis=-1).reshape(h * w, -1))
        ys.append(np.asarray(nxt, dtype=int).reshape(h * w, -1))
    return np.vstack(xs), np.vstack(ys)
