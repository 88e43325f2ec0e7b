# Known mistake: the planner ignores the schemas it is handed and walks the paddle towards
# the ball's column with LEFT and RIGHT as they act in the original game. Right where the
# actions do what they did there, wrong where a variant swaps them.

# %% [plan_answer]
def plan(state, schemas, horizon):
    state = np.asarray(state)
    ball_col = np.argwhere(state[..., BALL] == 1)[0][1]
    paddle_col = np.argwhere(state[..., PADDLE] == 1)[0][1]
    step = RIGHT if ball_col > paddle_col else LEFT
    actions = [step] * abs(int(ball_col - paddle_col))
    return (actions + [STAY] * horizon)[:horizon]


PLAN = plan(EXAMPLE, SCHEMAS, HORIZON)
PLAN
