# Another correct learner: first fit. Each schema starts as a positive example's whole
# neighbourhood (and action), and each literal in turn is dropped if no negative example
# then satisfies the schema. Simpler than best first, a little less general from small
# logs, and still consistent with every logged transition.

# %% [learn_answer]
N_CONTEXT = len(OFFSETS) * len(ATTRIBUTES)


def to_schema(kept, row):
    action = None
    literals = []
    for j in kept:
        if j >= N_CONTEXT:
            action = j - N_CONTEXT
        else:
            dr, dc = OFFSETS[j // len(ATTRIBUTES)]
            literals.append((dr, dc, j % len(ATTRIBUTES), int(row[j])))
    return (action, literals)


def learn_schemas(states, actions, next_states):
    x, y = examples(states, actions, next_states)
    learned = {}
    for k, name in enumerate(ATTRIBUTES):
        positives, negatives = x[y[:, k] == 1], x[y[:, k] == 0]
        todo = np.ones(len(positives), dtype=bool)
        learned[name] = []
        while todo.any():
            row = positives[todo.argmax()]
            kept = [j for j in range(x.shape[1]) if j < N_CONTEXT or row[j] == 1]
            if (negatives[:, kept] == row[kept]).all(axis=1).any():
                todo &= ~(positives[:, kept] == row[kept]).all(axis=1)
                continue
            for j in list(kept):
                trial = [i for i in kept if i != j]
                if not (negatives[:, trial] == row[trial]).all(axis=1).any():
                    kept = trial
            learned[name].append(to_schema(kept, row))
            todo &= ~(positives[:, kept] == row[kept]).all(axis=1)
    return learned


LEARNED = learn_schemas(*TRAIN)
{name: len(s) for name, s in LEARNED.items()}
