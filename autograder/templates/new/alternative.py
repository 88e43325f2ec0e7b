# Another correct method (an example; REPLACE with the other styles your students will
# use): draw only Z and average P(Y=1 | X=1, Z) over the draws, the adjustment formula
# by simulation. It has less Monte Carlo error than counting Y's, so the band built from
# the plain estimator's standard error must let it pass, whatever its seed.

# %% [p_y_do_answer]
def p_y_do(model, num_samples, seed):
    rng = np.random.default_rng(seed)
    z = rng.binomial(1, model["p_z"], size=num_samples)
    return float(np.mean(np.asarray(model["p_y"])[1][z]))


p_y_do(MODEL, 1000, seed=0)
