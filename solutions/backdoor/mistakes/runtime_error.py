# A submission with a runtime error: do_ace reads a key that does not exist.
# Every other answer is correct and must keep its points.

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    p_x = cpts["p_x_given_x"]  # typo: the key is p_x_given_z
    return 0.0


do_ace(cpts, 200, seed=0)
