# A typed-in answer: the functions ignore their inputs and return the study's ACE.
# The table the grader draws for each submission must catch this.

# %% [frontdoor_answer]
def frontdoor_ace(cpts, num_samples, seed):
    return -0.045

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    return -0.045

# %% [latent_y_answer]
def latent_y(cpts):
    return [[17 / 18, 1 / 18], [179 / 180, 19 / 180]]
