# The classic mistake of the brief: the noise of the observed step drawn again from its
# prior, so the "counterfactual" is a fresh interventional step.

# %% [posterior_answer]
def posterior_noise(state, action, next_state, rng):
    rng = np.random.default_rng(rng)
    return rng.gumbel(size=16)
