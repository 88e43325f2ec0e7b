# A typed-in answer: ace_11 ignores its inputs and returns the study's effect. The table
# the grader draws for each submission must catch this.

# %% [ace_11_answer]
def ace_11(cpts, num_samples, seed):
    return 0.1
