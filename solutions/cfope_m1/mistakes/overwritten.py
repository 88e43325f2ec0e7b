# A common slip reading env.unwrapped.P: a next state listed twice (two slip directions
# that both hit a wall) is written twice instead of added, so rows at walls sum to 2/3.

# %% [table_answer]
transition_matrix = np.zeros((16, 4, 16))
for s, moves in env.unwrapped.P.items():
    for a, outcomes in moves.items():
        for prob, next_state, _reward, _terminated in outcomes:
            transition_matrix[s, a, next_state] = prob
