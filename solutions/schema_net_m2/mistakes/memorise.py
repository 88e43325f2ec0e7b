# Known mistake: every distinct positive neighbourhood becomes a schema as it is. No false
# positive and every logged value explained, but nothing is generalised: a neighbourhood
# the log never showed is predicted 0.

# %% [learn_answer]
N_CONTEXT = len(OFFSETS) * len(ATTRIBUTES)


def learn_schemas(states, actions, next_states):
    x, y = examples(states, actions, next_states)
    out = {}
    for k, name in enumerate(ATTRIBUTES):
        schemas = []
        for row in np.unique(x[y[:, k] == 1], axis=0):
            action = next((j - N_CONTEXT for j in range(N_CONTEXT, x.shape[1]) if row[j]), None)
            literals = [(*OFFSETS[j // len(ATTRIBUTES)], j % len(ATTRIBUTES), int(row[j]))
                        for j in range(N_CONTEXT)]
            schemas.append((action, literals))
        out[name] = schemas
    return out


LEARNED = learn_schemas(*TRAIN)
{name: len(s) for name, s in LEARNED.items()}
