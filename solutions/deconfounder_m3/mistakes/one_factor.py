# Known mistake: a substitute confounder with one factor too few (the number the lax
# convention 'score above 0.1' chose in milestone 1): it misses the franchise, so the
# effects keep most of the confounding.

# %% [factors_answer]
N_FACTORS = 1
