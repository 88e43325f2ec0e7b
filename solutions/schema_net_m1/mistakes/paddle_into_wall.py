# Known mistake: the paddle schemas forget the walls. Pushed against a wall, the paddle
# moves into the wall cell (and leaves its own) instead of staying where it is.

# %% [paddle_answer]
PADDLE_SCHEMAS = [
    (STAY, [(0, 0, PADDLE, 1)]),
    (RIGHT, [(0, -1, PADDLE, 1)]),
    (LEFT, [(0, 1, PADDLE, 1)]),
]
