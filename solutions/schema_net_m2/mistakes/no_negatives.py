# Known mistake: literals are dropped as long as the schema covers more positives, without
# checking the negatives, so the schemas fire where the attribute turns (or stays) off.

# %% [learn_answer]
N_CONTEXT = len(OFFSETS) * len(ATTRIBUTES)


def learn_schemas(states, actions, next_states):
    x, y = examples(states, actions, next_states)
    out = {}
    for k, name in enumerate(ATTRIBUTES):
        pos = x[y[:, k] == 1]
        covered, schemas = np.zeros(len(pos), dtype=bool), []
        while not covered.all():
            seed = pos[np.flatnonzero(~covered)[0]]
            cols = [j for j in range(x.shape[1]) if j < N_CONTEXT or seed[j] == 1]
            while cols:
                off = pos[:, cols] != seed[cols]
                gain = off[off.sum(1) == 1].sum(0)
                if gain.max() == 0:
                    break
                cols.pop(int(np.argmax(gain)))
            action = next((j - N_CONTEXT for j in cols if j >= N_CONTEXT), None)
            literals = [(*OFFSETS[j // len(ATTRIBUTES)], j % len(ATTRIBUTES), int(seed[j]))
                        for j in cols if j < N_CONTEXT]
            schemas.append((action, literals))
            covered |= (pos[:, cols] == seed[cols]).all(1)
        out[name] = schemas
    return out


LEARNED = learn_schemas(*TRAIN)
{name: len(s) for name, s in LEARNED.items()}
