"""Facts of the schema-network project kit (course projects, schema networks): a toy
object-oriented game, its hand-written true schemas, an independent step-by-step
simulator of the same rules, the known wrong transition functions, and the grader's
families of probe states. Pure functions of plain data (numpy arrays and tuples).

The world is a grid of entities (cells), each with five binary attributes:
`wall` (the border), `brick`, `paddle` (one cell of the last inside row), `ball`
(at most one) and `up` (the ball's direction, 1 only where the ball is). Actions move
the paddle: LEFT, STAY, RIGHT. The ball moves one row per step, straight up or down;
it bounces off the top wall, off bricks (which break, reward 1) and off the paddle;
moving down where there is no paddle it reaches the paddle row and is then lost.
Every attribute at t+1 is a function of the state at t (a synchronous update).

A schema is a conjunction of literals, each `(dr, dc, attribute, value)`: the attribute
of the neighbour at offset (dr, dc) (a cell outside the grid reads as a wall), and
optionally the action. An attribute is 1 at t+1 exactly where one of its schemas holds
(an OR of conjunctions); the reward is 1 when a reward schema holds at some cell.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ATTRIBUTES = ("wall", "brick", "paddle", "ball", "up")
WALL, BRICK, PADDLE, BALL, UP = range(len(ATTRIBUTES))
ACTIONS = ("left", "stay", "right")
LEFT, STAY, RIGHT = range(len(ACTIONS))
# The neighbourhood of an entity, in this order: itself, above, below, left, right.
OFFSETS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))
OUTSIDE = np.array([1, 0, 0, 0, 0], dtype=np.int8)   # what a cell outside the grid reads as


@dataclass(frozen=True)
class Schema:
    """One conjunction: the literals `(dr, dc, attribute index, value)` and the action it
    needs (None: any action)."""
    literals: tuple[tuple[int, int, int, int], ...]
    action: int | None = None


def _s(*literals, action=None) -> Schema:
    return Schema(tuple(literals), action)


# The true schemas, per attribute (and the reward), written by hand from the rules above.
TRUE_SCHEMAS: dict[str, tuple[Schema, ...]] = {
    "wall": (_s((0, 0, WALL, 1)),),
    "paddle": (
        _s((0, 0, PADDLE, 1), action=STAY),
        _s((0, -1, PADDLE, 1), (0, 0, WALL, 0), action=RIGHT),   # arrives from the left
        _s((0, 1, PADDLE, 1), (0, 0, WALL, 0), action=LEFT),     # arrives from the right
        _s((0, 0, PADDLE, 1), (0, 1, WALL, 1), action=RIGHT),    # pushed against a wall
        _s((0, 0, PADDLE, 1), (0, -1, WALL, 1), action=LEFT),
    ),
    "ball": (
        _s((1, 0, BALL, 1), (1, 0, UP, 1), (0, 0, WALL, 0), (0, 0, BRICK, 0)),    # rises in
        _s((-1, 0, BALL, 1), (-1, 0, UP, 0), (0, 0, WALL, 0), (0, 0, BRICK, 0),
           (0, 0, PADDLE, 0)),                                                    # falls in
        _s((0, 0, BALL, 1), (0, 0, UP, 1), (-1, 0, WALL, 1)),     # bounces off the top wall
        _s((0, 0, BALL, 1), (0, 0, UP, 1), (-1, 0, BRICK, 1)),    # bounces off a brick above
        _s((0, 0, BALL, 1), (0, 0, UP, 0), (1, 0, PADDLE, 1)),    # bounces off the paddle
        _s((0, 0, BALL, 1), (0, 0, UP, 0), (1, 0, BRICK, 1)),     # bounces off a brick below
    ),
    "up": (
        _s((1, 0, BALL, 1), (1, 0, UP, 1), (0, 0, WALL, 0), (0, 0, BRICK, 0)),
        _s((0, 0, BALL, 1), (0, 0, UP, 0), (1, 0, PADDLE, 1)),
        _s((0, 0, BALL, 1), (0, 0, UP, 0), (1, 0, BRICK, 1)),
    ),
    "brick": (   # a brick stays unless the ball hits it from below or from above
        _s((0, 0, BRICK, 1), (1, 0, UP, 0), (-1, 0, BALL, 0)),
        _s((0, 0, BRICK, 1), (1, 0, UP, 0), (-1, 0, UP, 1)),
    ),
    "reward": (
        _s((0, 0, BRICK, 1), (1, 0, UP, 1)),
        _s((0, 0, BRICK, 1), (-1, 0, BALL, 1), (-1, 0, UP, 0)),
    ),
}


# What each true schema describes, for feedback: the situation where a wrong transition
# function differs from the game (a situation, never the expected value).
SITUATIONS: dict[str, tuple[str, ...]] = {
    "wall": ("walls staying where they are",),
    "paddle": ("the paddle staying put", "the paddle moving right", "the paddle moving left",
               "the paddle pushed right against a wall", "the paddle pushed left against a wall"),
    "ball": ("the ball moving up into a free cell", "the ball moving down into a free cell",
             "the ball bouncing off the top wall", "the ball bouncing off a brick above it",
             "the ball bouncing off the paddle", "the ball bouncing off a brick below it"),
    "up": ("the ball moving up into a free cell", "the ball bouncing off the paddle",
           "the ball bouncing off a brick below it"),
    "brick": ("a brick the ball does not hit", "a brick the ball does not hit"),
    "reward": ("the ball hitting a brick from below", "the ball hitting a brick from above"),
}


# ------------------------------------------------------------------ states
def make_state(height: int, width: int, paddle: int, ball=None, up: int = 0,
               bricks=()) -> np.ndarray:
    """A state (int8 array [height, width, attribute]): walls on the border, the paddle
    at column `paddle` of the last inside row, the ball at (row, col) or None, bricks
    at the given (row, col) cells."""
    state = np.zeros((height, width, len(ATTRIBUTES)), dtype=np.int8)
    state[[0, -1], :, WALL] = 1
    state[:, [0, -1], WALL] = 1
    state[height - 2, paddle, PADDLE] = 1
    for r, c in bricks:
        state[r, c, BRICK] = 1
    if ball is not None:
        state[ball[0], ball[1], BALL] = 1
        state[ball[0], ball[1], UP] = int(up)
    return state


def neighbourhood(state: np.ndarray, row: int, col: int) -> np.ndarray:
    """[5, 5] int8: the attributes of the entity at (row, col) and of its neighbours in
    OFFSETS order; a neighbour outside the grid reads as OUTSIDE (a wall)."""
    h, w, _ = state.shape
    out = np.empty((len(OFFSETS), len(ATTRIBUTES)), dtype=np.int8)
    for k, (dr, dc) in enumerate(OFFSETS):
        r, c = row + dr, col + dc
        out[k] = state[r, c] if 0 <= r < h and 0 <= c < w else OUTSIDE
    return out


def _padded(state: np.ndarray) -> np.ndarray:
    padded = np.zeros((state.shape[0] + 2, state.shape[1] + 2, state.shape[2]), dtype=np.int8)
    padded[...] = OUTSIDE
    padded[1:-1, 1:-1] = state
    return padded


def holds(schema: Schema, state: np.ndarray, action: int) -> np.ndarray:
    """[height, width] bool: where the schema's conjunction holds."""
    h, w, _ = state.shape
    if schema.action is not None and schema.action != action:
        return np.zeros((h, w), dtype=bool)
    padded, out = _padded(state), np.ones((h, w), dtype=bool)
    for dr, dc, attr, value in schema.literals:
        out &= padded[1 + dr:1 + dr + h, 1 + dc:1 + dc + w, attr] == value
    return out


def apply_schemas(schemas: dict, state: np.ndarray, action: int) -> tuple[np.ndarray, int]:
    """The next state and reward a schema set predicts (attributes without schemas are 0)."""
    state = np.asarray(state, dtype=np.int8)
    nxt = np.zeros_like(state)
    for k, name in enumerate(ATTRIBUTES):
        for schema in schemas.get(name, ()):
            nxt[..., k] |= holds(schema, state, action)
    reward = any(holds(s, state, action).any() for s in schemas.get("reward", ()))
    return nxt, int(reward)


# ------------------------------------------------- the game, step by step
def step(state: np.ndarray, action: int, mistake: str | None = None) -> tuple[np.ndarray, int]:
    """The game's rules written as an ordinary simulator (independent of the schemas;
    the kit's tests check that both agree on every state of a small grid). `mistake`
    simulates one known wrong transition function (MISTAKES)."""
    state = np.asarray(state, dtype=np.int8)
    h, w, _ = state.shape
    nxt = state.copy()
    nxt[..., [PADDLE, BALL, UP]] = 0
    for r, c in zip(*np.nonzero(state[..., PADDLE])):
        target = c + {LEFT: -1, STAY: 0, RIGHT: 1}[action]
        if state[r, target, WALL] and mistake != "paddle_into_wall":
            target = c
        nxt[r, target, PADDLE] = 1
    # what the ball sees below it: the paddle at t (or, mistakenly, where it moves to)
    paddle_seen = nxt[..., PADDLE] if mistake == "in_place" else state[..., PADDLE]
    reward = 0
    for r, c in zip(*np.nonzero(state[..., BALL])):
        if state[r, c, UP]:
            ahead, blocked = r - 1, state[r - 1, c, WALL] or state[r - 1, c, BRICK]
        else:
            ahead = r + 1
            blocked = paddle_seen[r + 1, c] or state[r + 1, c, BRICK]
            if state[r + 1, c, WALL]:          # below the paddle row: the ball is lost
                continue
        if not blocked:
            nxt[ahead, c, BALL], nxt[ahead, c, UP] = 1, state[r, c, UP]
            continue
        nxt[r, c, BALL], nxt[r, c, UP] = 1, 1 - state[r, c, UP]
        if state[ahead, c, BRICK]:
            reward = 1
            if mistake != "brick_stays":
                nxt[ahead, c, BRICK] = 0
    return nxt, reward


MISTAKES = {
    # label -> (words for the student, the attributes it gets wrong)
    "in_place": ("by moving the paddle first and then letting the ball bounce off the "
                 "paddle's new position (an update in place instead of every attribute "
                 "at t+1 computed from the state at t)", ("ball", "up")),
    "brick_stays": ("by letting the ball bounce off a brick without removing the brick",
                    ("brick",)),
    "paddle_into_wall": ("by moving the paddle into the wall instead of keeping it in place "
                         "when it pushes against one", ("paddle",)),
}


# ------------------------------------------------------- the grader's probes
def random_state(rng: np.random.Generator, height: int | None = None,
                 width: int | None = None) -> np.ndarray:
    """A valid state on a random small grid: a paddle, usually a ball, a few bricks
    above the paddle row. The ball is put near the paddle or a brick half of the time, so
    that bounces happen often."""
    h = int(height or rng.integers(5, 9))
    w = int(width or rng.integers(4, 9))
    inside_rows = range(1, h - 2)                    # bricks never in the paddle row
    cells = [(r, c) for r in inside_rows for c in range(1, w - 1)]
    n_bricks = int(rng.integers(0, max(1, len(cells) // 2) + 1))
    bricks = [cells[i] for i in rng.choice(len(cells), size=n_bricks, replace=False)]
    paddle = int(rng.integers(1, w - 1))
    free = [(r, c) for r in range(1, h - 1) for c in range(1, w - 1) if (r, c) not in bricks]
    ball = None
    if rng.random() < 0.9 and free:
        near = [(r, c) for r, c in free
                if (r + 1 == h - 2 and abs(c - paddle) <= 1) or (r - 1, c) in bricks
                or (r + 1, c) in bricks or r == 1]
        pool = near if near and rng.random() < 0.5 else free
        ball = pool[int(rng.integers(len(pool)))]
    return make_state(h, w, paddle, ball, int(rng.integers(2)), bricks)


def fired(state: np.ndarray, action: int) -> set[tuple[str, int]]:
    """The (attribute, schema index) pairs of TRUE_SCHEMAS that hold somewhere."""
    return {(name, i) for name, schemas in TRUE_SCHEMAS.items()
            for i, s in enumerate(schemas) if holds(s, state, action).any()}


def situations(state: np.ndarray, action: int, name: str, where: np.ndarray) -> list[str]:
    """The situations (SITUATIONS) of the true schemas that hold at the cells `where` (a
    [height, width] bool mask), those of attribute `name`'s own schemas first; for the
    reward, the reward's situations anywhere."""
    if name == "reward":
        found = [w for s, w in zip(TRUE_SCHEMAS["reward"], SITUATIONS["reward"])
                 if holds(s, state, action).any()]
        return found or ["a step in which no brick is hit"]
    order = [name] + [n for n in TRUE_SCHEMAS if n not in (name, "reward")]
    found = [w for n in order for s, w in zip(TRUE_SCHEMAS[n], SITUATIONS[n])
             if (holds(s, state, action) & where).any()]
    return list(dict.fromkeys(found))


def differs(state: np.ndarray, action: int, mistake: str) -> bool:
    a, b = step(state, action), step(state, action, mistake)
    return not (np.array_equal(a[0], b[0]) and a[1] == b[1])


def transition_probes(rng: np.random.Generator, max_draws: int = 20000):
    """(state, action) pairs drawn until every true schema has held in one of them and
    every known mistake changes the outcome of one: the coverage that makes each known
    wrong answer fail with certainty, on states no one saw before grading."""
    probes, todo = [], {(n, i) for n, s in TRUE_SCHEMAS.items() for i in range(len(s))}
    wrong = set(MISTAKES)
    for _ in range(max_draws):
        if not todo and not wrong:
            return probes
        state, action = random_state(rng), int(rng.integers(len(ACTIONS)))
        new = fired(state, action) & todo
        caught = {m for m in wrong if differs(state, action, m)}
        if new or caught:
            probes.append((state, action))
            todo -= new
            wrong -= caught
    raise RuntimeError(f"no probe state for {sorted(todo)} {sorted(wrong)}")


def neighbourhood_probes(rng: np.random.Generator) -> list[tuple[np.ndarray, int, int]]:
    """(state, row, col): a corner, a border cell and two inside cells of a random state."""
    state = random_state(rng)
    h, w, _ = state.shape
    cells = [(0, 0), (int(rng.integers(1, h - 1)), w - 1),
             (int(rng.integers(1, h - 1)), int(rng.integers(1, w - 1))),
             (h - 2, int(np.flatnonzero(state[h - 2, :, PADDLE])[0]))]
    return [(state, r, c) for r, c in cells]


# ------------------------------------------------ learning schemas (milestone 2)
# Twins of the game whose rules differ from the original's: the grader's logs come from
# one of them, so schemas typed in from the rules (milestone 1) do not explain its data.
# (flip_rows: the grid upside down, the paddle near the top; swap_actions: LEFT moves
# the paddle right and RIGHT moves it left.)
TWINS = {"upside down": (True, False), "actions swapped": (False, True),
         "upside down, actions swapped": (True, True)}
ALL_TWINS = {"original": (False, False), **TWINS}
TRAIN_SHAPE = (6, 6)                    # the layout of the logs a team learns from
ZERO_SHOT_SHAPES = ((8, 9), (9, 7), (7, 8))


def twin_step(state: np.ndarray, action: int, twin: str, mistake: str | None = None):
    flip, swap = ALL_TWINS[twin]
    state = np.asarray(state)[::-1] if flip else np.asarray(state)
    action = {LEFT: RIGHT, RIGHT: LEFT}.get(action, action) if swap else action
    nxt, reward = step(state, action, mistake)
    return (nxt[::-1].copy() if flip else nxt), reward


def twin_log(rng: np.random.Generator, twin: str, n: int, shapes=(TRAIN_SHAPE,)):
    """n logged transitions (states, actions, next states) of a twin, on grids of the
    given shapes (one drawn per transition)."""
    flip = TWINS[twin][0]
    states, actions, nexts = [], [], []
    for _ in range(n):
        h, w = shapes[int(rng.integers(len(shapes)))]
        state = random_state(rng, h, w)
        state = state[::-1].copy() if flip else state
        action = int(rng.integers(len(ACTIONS)))
        states.append(state)
        actions.append(action)
        nexts.append(twin_step(state, action, twin)[0])
    return states, actions, nexts


def examples(states, actions, nexts) -> tuple[np.ndarray, np.ndarray]:
    """One row per entity and transition: X = the 25 attributes of its neighbourhood
    and the action one-hot (28 columns), Y = its 5 attributes at t+1."""
    xs, ys = [], []
    for state, action, nxt in zip(states, actions, nexts):
        padded = _padded(np.asarray(state, dtype=np.int8))
        h, w = padded.shape[0] - 2, padded.shape[1] - 2
        ctx = np.concatenate([padded[1 + dr:1 + dr + h, 1 + dc:1 + dc + w] for dr, dc in OFFSETS],
                             axis=-1).reshape(h * w, -1)
        act = np.zeros((h * w, len(ACTIONS)), dtype=np.int8)
        act[:, action] = 1
        xs.append(np.hstack([ctx, act]))
        ys.append(np.asarray(nxt, dtype=np.int8).reshape(h * w, -1))
    return np.vstack(xs), np.vstack(ys)


def _column(dr: int, dc: int, attr: int) -> int:
    return OFFSETS.index((dr, dc)) * len(ATTRIBUTES) + attr


def predict(schemas: dict, x: np.ndarray) -> np.ndarray:
    """[rows, 5] bool: each attribute at t+1 that a schema set predicts. A schema holds
    on a row when none of its literals mismatches: with A1 (A0) marking the columns a
    schema needs at 1 (at 0), the mismatches are (1 - x) A1' + x A0', one product."""
    x = np.asarray(x, dtype=np.float32)          # float: the product runs in BLAS
    n_ctx = len(OFFSETS) * len(ATTRIBUTES)
    out = np.zeros((len(x), len(ATTRIBUTES)), dtype=bool)
    for k, name in enumerate(ATTRIBUTES):
        schemas_k = list(schemas.get(name, ()))
        if not schemas_k:
            continue
        need1 = np.zeros((len(schemas_k), x.shape[1]), dtype=np.float32)
        need0 = np.zeros_like(need1)
        for i, schema in enumerate(schemas_k):
            if schema.action is not None:
                need1[i, n_ctx + schema.action] = 1
            for dr, dc, attr, value in schema.literals:
                (need1 if value else need0)[i, _column(dr, dc, attr)] = 1
        mismatches = (1 - x) @ need1.T + x @ need0.T
        out[:, k] = (mismatches < 0.5).any(axis=1)
    return out


def _as_schema(columns, x) -> Schema:
    n_ctx = len(OFFSETS) * len(ATTRIBUTES)
    action = next((int(j) - n_ctx for j in columns if j >= n_ctx and x[j] == 1), None)
    literals = tuple((*OFFSETS[j // len(ATTRIBUTES)], int(j) % len(ATTRIBUTES), int(x[j]))
                     for j in columns if j < n_ctx)
    return Schema(literals, action)


def learn(states, actions, nexts, mistake: str | None = None,
          style: str = "best") -> dict[str, list[Schema]]:
    """The reference learner (greedy, best first): for each attribute, take a logged
    positive no schema covers yet, start from the conjunction of its whole neighbourhood
    and action, and drop, one at a time, the literal whose removal covers the most new
    positives while no negative satisfies the conjunction; repeat until every positive
    is covered. style="first": drop the literals in column order instead, each one whose
    removal lets no negative in (a simpler correct learner, which generalises less well
    from few transitions). Mistakes: "memorise" keeps the whole neighbourhood (no generalisation),
    "no_negatives" drops literals without looking at the negatives, "no_action" learns
    without the action."""
    x, y = examples(states, actions, nexts)
    n_ctx = len(OFFSETS) * len(ATTRIBUTES)
    if mistake == "no_action":
        x = x.copy()
        x[:, n_ctx:] = 0
    out = {}
    for k, name in enumerate(ATTRIBUTES):
        pos, neg = x[y[:, k] == 1], x[y[:, k] == 0]
        covered, schemas = np.zeros(len(pos), dtype=bool), []
        while not covered.all():
            seed = pos[np.flatnonzero(~covered)[0]]
            cols = np.array([j for j in range(x.shape[1]) if j < n_ctx or seed[j] == 1])
            if mistake not in ("no_negatives", "memorise") \
                    and (neg[:, cols] == seed[cols]).all(1).any():
                covered |= (pos[:, cols] == seed[cols]).all(1)   # contradicted: skip it
                continue
            if style == "first" and mistake is None:
                for j in list(cols):
                    trial = cols[cols != j]
                    if not (neg[:, trial] == seed[trial]).all(1).any():
                        cols = trial
            while mistake != "memorise" and style == "best" and len(cols):
                off_neg = neg[:, cols] != seed[cols]
                needed = (off_neg[off_neg.sum(1) == 1].any(0) if mistake != "no_negatives"
                          else np.zeros(len(cols), dtype=bool))
                if needed.all():
                    break
                off_pos = pos[:, cols] != seed[cols]
                gain = off_pos[off_pos.sum(1) == 1].sum(0).astype(float)
                gain[needed] = -1
                if mistake == "no_negatives" and gain.max() <= 0:
                    break
                cols = np.delete(cols, int(np.argmax(gain)))
            schemas.append(_as_schema(cols, seed))
            covered |= (pos[:, cols] == seed[cols]).all(1) if len(cols) else True
        out[name] = schemas
    return out


def transition_accuracy(schemas: dict, states, actions, nexts) -> float:
    """The share of transitions whose whole next state the schemas predict exactly."""
    x, y = examples(states, actions, nexts)
    sizes = [np.asarray(s).shape[0] * np.asarray(s).shape[1] for s in states]
    row_ok = (predict(schemas, x) == (y == 1)).all(1)
    ends = np.cumsum(sizes)
    return float(np.mean([row_ok[e - n:e].all() for e, n in zip(ends, sizes)]))


def per_pixel(states, actions, nexts):
    """A per-pixel model: a lookup table from (row, col, neighbourhood, action) to the
    entity's next attributes, learned from the log; unseen keys predict all zeros."""
    table = {}
    x, y = examples(states, actions, nexts)
    keys = _pixel_keys(states, x)
    for key, target in zip(keys, map(tuple, y)):
        table[key] = target
    return table


def _pixel_keys(states, x):
    cells = [(r, c) for s in states for r in range(np.asarray(s).shape[0])
             for c in range(np.asarray(s).shape[1])]
    return [(r, c) + tuple(row) for (r, c), row in zip(cells, x)]


def per_pixel_accuracy(table: dict, states, actions, nexts) -> float:
    x, y = examples(states, actions, nexts)
    keys = _pixel_keys(states, x)
    zero = (0,) * len(ATTRIBUTES)
    row_ok = np.array([table.get(k, zero) == tuple(t) for k, t in zip(keys, y)])
    sizes = [np.asarray(s).shape[0] * np.asarray(s).shape[1] for s in states]
    ends = np.cumsum(sizes)
    return float(np.mean([row_ok[e - n:e].all() for e, n in zip(ends, sizes)]))


TRAIN_TRANSITIONS, HELD_OUT, ZERO_SHOT = 1000, 300, 300   # the grader's log sizes


@dataclass(frozen=True)
class LearningProbe:
    """What the grader hands a team's learner, and what it scores the schemas on: logs
    of one twin, each a (states, actions, next states) triple."""
    twin: str
    train: tuple
    held_out: tuple
    zero_shot: tuple


def learning_probe(rng: np.random.Generator) -> LearningProbe:
    twin = list(TWINS)[int(rng.integers(len(TWINS)))]
    return LearningProbe(twin, twin_log(rng, twin, TRAIN_TRANSITIONS),
                         twin_log(rng, twin, HELD_OUT),
                         twin_log(rng, twin, ZERO_SHOT, ZERO_SHOT_SHAPES))


# ------------------------------------------------------- planning (milestone 3)
def twin_schemas(twin: str) -> dict[str, tuple[Schema, ...]]:
    """The true schemas of a twin: rows flipped (dr -> -dr) and/or LEFT and RIGHT swapped."""
    flip, swap = ALL_TWINS[twin]
    swapped = {LEFT: RIGHT, RIGHT: LEFT}
    return {name: tuple(Schema(tuple((-dr if flip else dr, dc, a, v) for dr, dc, a, v in s.literals),
                               swapped.get(s.action, s.action) if swap else s.action)
                        for s in schemas)
            for name, schemas in TRUE_SCHEMAS.items()}


def first_reward(twin: str, state: np.ndarray, plan) -> int | None:
    """The step (1-based) at which following `plan` first earns a reward, or None."""
    for t, action in enumerate(plan, start=1):
        state, reward = twin_step(state, int(action), twin)
        if reward:
            return t
    return None


def shortest_plan_length(twin: str, state: np.ndarray, limit: int) -> int | None:
    """Breadth first over action sequences (states merge): the fewest steps to a reward."""
    frontier = {state.tobytes(): state}
    for t in range(1, limit + 1):
        nxt = {}
        for st in frontier.values():
            for a in range(len(ACTIONS)):
                s2, r = twin_step(st, a, twin)
                if r:
                    return t
                nxt[s2.tobytes()] = s2
        frontier = nxt
    return None


def planning_layout(rng: np.random.Generator, twin: str):
    """(state, horizon): the ball falls in column c towards the paddle row, a brick waits
    above it, and the paddle starts 2 to 4 columns away with at most one step to spare, so
    a plan that loses a step, moves the wrong way or does nothing misses the ball. The
    horizon is the shortest plan's length plus 2."""
    while True:
        h, w = int(rng.integers(8, 11)), int(rng.integers(7, 10))
        c = int(rng.integers(1, w - 1))
        far = [p for p in range(1, w - 1) if 2 <= abs(p - c) <= 4]
        if not far:
            continue
        p = far[int(rng.integers(len(far)))]
        slack = int(rng.integers(0, 2))
        r = (h - 3) - abs(p - c) - slack          # steps until the ball needs the paddle
        if r < 3:
            continue
        bricks = {(int(rng.integers(1, r - 1)), c)}
        others = [(i, j) for i in range(1, 3) for j in range(1, w - 1) if j != c]
        for k in rng.choice(len(others), size=min(3, len(others)), replace=False):
            bricks.add(others[int(k)])
        state = make_state(h, w, p, (r, c), 0, sorted(bricks))
        state = state[::-1].copy() if ALL_TWINS[twin][0] else state
        best = shortest_plan_length(twin, state, 3 * h)
        if best is not None:
            return state, best + 2


def planning_probe(rng: np.random.Generator) -> list[tuple[str, np.ndarray, int]]:
    """Two layouts, neither of the notebook's own game: one upside down (the actions as
    in the game), one of a twin whose actions are swapped, so a planner that hard-codes
    what LEFT and RIGHT do fails one of them, and one that plans with the notebook's
    schemas instead of those it is handed fails both."""
    swapped = [t for t, (_, swap) in TWINS.items() if swap]
    kept = ["upside down"]
    out = []
    for pool in (kept, swapped):
        twin = pool[int(rng.integers(len(pool)))]
        out.append((twin, *planning_layout(rng, twin)))
    return out


def schemas_as_data(schemas: dict) -> dict:
    """Schemas in the notebooks' format: {name: [(action, [(dr, dc, attribute, value)])]}."""
    return {name: [(s.action, [list(l) for l in s.literals]) for s in ss]
            for name, ss in schemas.items()}


def greedy_plan(twin: str, state: np.ndarray, horizon: int) -> list[int]:
    """A known wrong planner: walk the paddle towards the ball's column with the
    original game's LEFT and RIGHT, ignoring the schemas it is given."""
    ball = np.argwhere(state[..., BALL] == 1)
    paddle = np.argwhere(state[..., PADDLE] == 1)
    if not len(ball) or not len(paddle):
        return [STAY] * horizon
    d = int(ball[0][1] - paddle[0][1])
    moves = [RIGHT if d > 0 else LEFT] * abs(d)
    return (moves + [STAY] * horizon)[:horizon]
