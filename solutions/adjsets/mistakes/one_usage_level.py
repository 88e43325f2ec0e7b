# A slip a TA expects (issue 24, an effect from a subset of the units): the student keeps
# only the high-usage users ("the ones who actually use the app") and compares purchase
# rates there. Selecting on W, a collider, biases the contrast; on the study's table it is
# negative where the effect is +0.10.

# %% [ace_11_answer]
def ace_11(cpts, num_samples, seed):
    rng = np.random.default_rng(seed)
    u = rng.random(num_samples) < cpts["p_u1"]
    x = rng.random(num_samples) < cpts["p_x1"]
    p_w = np.asarray(cpts["p_w1_given_xu"])[x.astype(int), u.astype(int)]
    p_y = np.asarray(cpts["p_y1_given_xu"])[x.astype(int), u.astype(int)]
    w = rng.random(num_samples) < p_w
    y = rng.random(num_samples) < p_y
    active = w                                  # only the users who use the app a lot
    return float(y[active & x].mean() - y[active & ~x].mean())
