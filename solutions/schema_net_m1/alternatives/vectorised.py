# Another correct style: whole-grid tensors instead of a loop over entities. The state is
# padded with a ring of walls once; a literal (dr, dc, attribute, value) is then a
# shifted view of that padded tensor, and a schema the AND of its literals' views.

# %% [neighbourhood_answer]
def neighbourhood(state, row, col):
    padded = np.pad(np.asarray(state, dtype=int), ((1, 1), (1, 1), (0, 0)))
    padded[[0, -1], :, WALL] = 1
    padded[:, [0, -1], WALL] = 1
    order = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)]
    return np.stack([padded[row + 1 + dr, col + 1 + dc] for dr, dc in order])


# %% [transition_answer]
def padded_with_walls(state):
    state = torch.as_tensor(state, dtype=torch.float32)
    height, width, n = state.shape
    out = torch.zeros(height + 2, width + 2, n)
    out[..., WALL] = 1.0
    out[1:-1, 1:-1] = state
    return out


def fires(schema, padded, action):
    """[height, width] bool: where the schema's conjunction holds."""
    needed, literals = schema
    height, width = padded.shape[0] - 2, padded.shape[1] - 2
    out = torch.full((height, width), needed is None or needed == action)
    for dr, dc, attr, value in literals:
        out = out & (padded[1 + dr:1 + dr + height, 1 + dc:1 + dc + width, attr] == value)
    return out


def transition(state, action):
    padded = padded_with_walls(state)
    by_name = {"wall": WALL_SCHEMAS, "brick": BRICK_SCHEMAS, "paddle": PADDLE_SCHEMAS,
               "ball": BALL_SCHEMAS, "up": UP_SCHEMAS}
    for name in ATTRIBUTES:
        on = torch.stack([fires(s, padded, action) for s in by_name[name]]).any(dim=0)
        pyro.sample(name, dist.Bernoulli(on.float()).to_event(2))
    hit = torch.stack([fires(s, padded, action).any() for s in REWARD_SCHEMAS]).any()
    pyro.sample("reward", dist.Bernoulli(hit.float()))
