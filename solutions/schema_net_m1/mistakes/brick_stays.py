# Known mistake: the ball bounces off bricks and earns the reward, but a brick is kept
# forever (its schema only says "a brick stays a brick").

# %% [brick_answer]
BRICK_SCHEMAS = [(None, [(0, 0, BRICK, 1)])]
REWARD_SCHEMAS = [
    (None, [(0, 0, BRICK, 1), (1, 0, UP, 1)]),
    (None, [(0, 0, BRICK, 1), (-1, 0, BALL, 1), (-1, 0, UP, 0)]),
]
