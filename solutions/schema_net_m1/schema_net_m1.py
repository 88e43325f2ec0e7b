# Reference solution of the schema-network project, milestone 1 (assignments/schema_net_m1).
# One section per answer cell; the schemas are data (lists of conjunctions), and one
# generic evaluator turns any list of them into the Pyro program of the transition.

# %% [neighbourhood_answer]
OFFSETS = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)]   # the entity, above, below, left, right
OUTSIDE = np.array([1, 0, 0, 0, 0])                     # off the grid: reads as a wall


def neighbourhood(state, row, col):
    """The attributes of the entity at (row, col) and of its four neighbours, [5, 5]."""
    state = np.asarray(state)
    height, width, _ = state.shape
    rows = []
    for dr, dc in OFFSETS:
        r, c = row + dr, col + dc
        inside = 0 <= r < height and 0 <= c < width
        rows.append(state[r, c] if inside else OUTSIDE)
    return np.array(rows, dtype=int)


# %% [paddle_answer]
PADDLE_SCHEMAS = [
    (STAY, [(0, 0, PADDLE, 1)]),                        # stays put
    (RIGHT, [(0, -1, PADDLE, 1), (0, 0, WALL, 0)]),     # arrives from the left
    (LEFT, [(0, 1, PADDLE, 1), (0, 0, WALL, 0)]),       # arrives from the right
    (RIGHT, [(0, 0, PADDLE, 1), (0, 1, WALL, 1)]),      # pushes against the right wall
    (LEFT, [(0, 0, PADDLE, 1), (0, -1, WALL, 1)]),      # pushes against the left wall
]

# %% [ball_answer]
BALL_SCHEMAS = [
    (None, [(1, 0, BALL, 1), (1, 0, UP, 1), (0, 0, WALL, 0), (0, 0, BRICK, 0)]),   # rises in
    (None, [(-1, 0, BALL, 1), (-1, 0, UP, 0), (0, 0, WALL, 0), (0, 0, BRICK, 0),
            (0, 0, PADDLE, 0)]),                                                   # falls in
    (None, [(0, 0, BALL, 1), (0, 0, UP, 1), (-1, 0, WALL, 1)]),    # bounces off the top wall
    (None, [(0, 0, BALL, 1), (0, 0, UP, 1), (-1, 0, BRICK, 1)]),   # bounces off a brick above
    (None, [(0, 0, BALL, 1), (0, 0, UP, 0), (1, 0, PADDLE, 1)]),   # bounces off the paddle
    (None, [(0, 0, BALL, 1), (0, 0, UP, 0), (1, 0, BRICK, 1)]),    # bounces off a brick below
]
# The ball moves up after t+1 where it rose into the cell or bounced upwards.
UP_SCHEMAS = [BALL_SCHEMAS[0], BALL_SCHEMAS[4], BALL_SCHEMAS[5]]

# %% [brick_answer]
# A brick survives unless the ball hits it: from below (the ball under it moves up) or
# from above (the ball over it moves down). Both conditions, as conjunctions:
BRICK_SCHEMAS = [
    (None, [(0, 0, BRICK, 1), (1, 0, UP, 0), (-1, 0, BALL, 0)]),
    (None, [(0, 0, BRICK, 1), (1, 0, UP, 0), (-1, 0, UP, 1)]),
]
REWARD_SCHEMAS = [
    (None, [(0, 0, BRICK, 1), (1, 0, UP, 1)]),                      # hit from below
    (None, [(0, 0, BRICK, 1), (-1, 0, BALL, 1), (-1, 0, UP, 0)]),   # hit from above
]

# %% [transition_answer]
SCHEMAS = {"wall": WALL_SCHEMAS, "brick": BRICK_SCHEMAS, "paddle": PADDLE_SCHEMAS,
           "ball": BALL_SCHEMAS, "up": UP_SCHEMAS}
ROW_OF = {offset: k for k, offset in enumerate(OFFSETS)}


def schema_holds(schema, context, action):
    """A schema is a conjunction: its action (if any) and every literal must hold."""
    needed, literals = schema
    return (needed is None or needed == action) and all(
        context[ROW_OF[(dr, dc)], attr] == value for dr, dc, attr, value in literals)


def transition(state, action):
    """Every attribute at t+1 is an OR of its schemas over the state at t."""
    state = np.asarray(state).astype(int)
    height, width, _ = state.shape
    contexts = [[neighbourhood(state, r, c) for c in range(width)] for r in range(height)]
    for name in ATTRIBUTES:
        probs = [[float(any(schema_holds(s, contexts[r][c], action) for s in SCHEMAS[name]))
                  for c in range(width)] for r in range(height)]
        pyro.sample(name, dist.Bernoulli(probs=torch.tensor(probs)).to_event(2))
    hit = any(schema_holds(s, contexts[r][c], action) for s in REWARD_SCHEMAS
              for r in range(height) for c in range(width))
    pyro.sample("reward", dist.Bernoulli(probs=torch.tensor(float(hit))))


# %% [explain_abstractions] markdown
# **Model answer.** Each schema names only relative positions (the entity and its
# neighbours) and attributes, never a cell's coordinates, so the same dozen conjunctions
# describe the game on any grid, with any number of bricks anywhere: a wider grid or a
# new brick layout needs no new parameter. A per-pixel model learns one function per
# cell position; a cell where a brick never sat during training has never seen a brick
# break, so it cannot predict one there. The abstraction that carries over is "an entity
# with these attributes next to an entity with those", which is what a schema is. The
# price: every effect must be local (a neighbour at distance one), the update must be
# synchronous, and a rule that depends on something far away (a ball that moves two
# cells a step) needs bigger neighbourhoods or new attributes.
#
# **Rubric (3 points, TA only).**
# - 1 point: says schemas are stated in relative positions and attributes, so they apply
#   unchanged to every entity, on any grid size and layout.
# - 1 point: says why a per-pixel (per-position) model fails on a new layout: its
#   parameters are tied to positions it saw, and a brick at an unseen position is new to it.
# - 1 point: names a limitation (locality of the neighbourhood, synchronous update, an
#   attribute the schemas cannot see), or a concrete rule of this game as an example.
# Code quality of this milestone (read, not scored here; it is scored in milestone 3): the
# schemas are data, evaluated by one function, not a chain of ifs per case.
