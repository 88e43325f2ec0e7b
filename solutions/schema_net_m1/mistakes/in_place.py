# Known mistake: an update in place. The paddle is moved first and written into the
# state, and the other attributes are then computed from that half-updated state, so the
# ball bounces off where the paddle is going to be, not where it is.

# %% [transition_answer]
SCHEMAS = {"wall": WALL_SCHEMAS, "brick": BRICK_SCHEMAS, "paddle": PADDLE_SCHEMAS,
           "ball": BALL_SCHEMAS, "up": UP_SCHEMAS}
ROW_OF = {offset: k for k, offset in enumerate(OFFSETS)}


def schema_holds(schema, context, action):
    needed, literals = schema
    return (needed is None or needed == action) and all(
        context[ROW_OF[(dr, dc)], attr] == value for dr, dc, attr, value in literals)


def next_layer(state, schemas, action):
    height, width, _ = state.shape
    return np.array([[int(any(schema_holds(s, neighbourhood(state, r, c), action) for s in schemas))
                      for c in range(width)] for r in range(height)])


def transition(state, action):
    state = np.asarray(state).astype(int).copy()
    state[..., PADDLE] = next_layer(state, PADDLE_SCHEMAS, action)     # moved first
    pyro.sample("paddle", dist.Bernoulli(probs=torch.tensor(state[..., PADDLE]).float()).to_event(2))
    for name in ("wall", "brick", "ball", "up"):
        layer = next_layer(state, SCHEMAS[name], action)
        pyro.sample(name, dist.Bernoulli(probs=torch.tensor(layer).float()).to_event(2))
    hit = next_layer(state, REWARD_SCHEMAS, action).any()
    pyro.sample("reward", dist.Bernoulli(probs=torch.tensor(float(hit))))
