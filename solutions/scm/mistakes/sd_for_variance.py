# A slip a TA expects: the standard deviation of Y is given where the question asks for the
# variance (sqrt(16 + 1) instead of 16 + 1).

# %% [p_y_answer]
p_y = (0.0, (4 ** 2 * 1 + 1) ** 0.5)
