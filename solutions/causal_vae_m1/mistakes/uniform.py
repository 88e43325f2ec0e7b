# Known mistake: the rows are drawn uniformly, without the importance weights. The data
# set then keeps dSprites' law, in which every factor is independent of the others: none
# of the SCM's arrows shows in the data.

# %% [resample_answer]
def resample(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, len(GRID), size=n)
