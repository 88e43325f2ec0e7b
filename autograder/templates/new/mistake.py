# Known mistake (an example; REPLACE with the mistakes of your content brief): the
# student simulates the model as observed and keeps the draws with X=1, which
# estimates P(Y=1 | X=1), not P(Y=1 | do(X=1)). A variant file holds only the sections
# it changes; the reference supplies the rest. The checks must take points off it.

# %% [p_y_do_answer]
def p_y_do(model, num_samples, seed):
    rng = np.random.default_rng(seed)
    z = (rng.random(num_samples) < model["p_z"]).astype(int)
    x = (rng.random(num_samples) < np.asarray(model["p_x"])[z]).astype(int)
    y = rng.random(num_samples) < np.asarray(model["p_y"])[x, z]
    return float(np.mean(y[x == 1]))


p_y_do(MODEL, 1000, seed=0)
