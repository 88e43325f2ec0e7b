# Known wrong value (content brief, sections 2 and 4): the naive contrast from the brief's
# "Overall" row, 27272/35000 - 28902/35000 = -0.0466 (the data file's strata give -0.0434).
# Typed in rather than computed, as a student copying the brief's table would.

# %% [ipw_ace_answer]
def ipw_ace(cpts, num_samples, seed):
    return 27272 / 35000 - 28902 / 35000
