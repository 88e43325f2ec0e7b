# A typed-in ACE: right on the study's table, but the function ignores its `cpts`
# argument, so it fails on the table the grader draws for each submission and loses the
# question's points.

# %% [ipw_ace_answer]
def ipw_ace(cpts, num_samples, seed):
    return 0.0550
