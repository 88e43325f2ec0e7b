# Known wrong answer (content brief, section 5): P_X given Y=2 from inverting Y's equation,
# X = (Y - N_Y) / 4, so X ~ N(2/4, 1/16): the prior of X is forgotten.

# %% [given_y_answer]
p_x_given_y2 = (2 / 4, 1 / 4 ** 2)
