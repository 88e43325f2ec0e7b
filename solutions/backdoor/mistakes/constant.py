# A typed-in answer: the functions ignore their inputs and return the ACE of the
# study's own table. The table the grader draws for each submission must catch this.

# %% [model_answer]
def backdoor_ace(cpts, num_samples, seed):
    return 0.055

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    return 0.055
