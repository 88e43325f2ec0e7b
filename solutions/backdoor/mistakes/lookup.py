# A lookup table (the hostile tester's attack): the functions recognise the tables the
# grader used to probe with (the study's, and the study with its promotions relabelled)
# and return the true ACE typed in to 4 decimals; on any other table they fall back to
# the study's answer. Only the table the grader draws for each submission catches this.

# %% [model_answer]
KNOWN_ACES = {(0.4908, 0.7540, 0.7330): 0.0550,    # the study: (P(Z=1), P(X=1|Z=0), P(Y=1|X=0,Z=1))
              (0.4908, 0.2460, 0.6868): -0.0550}   # the study, promotions relabelled


def looked_up_ace(cpts):
    key = (round(float(cpts["p_z1"]), 4), round(float(cpts["p_x_given_z"][0][1]), 4),
           round(float(cpts["p_y_given_xz"][0][1]), 4))
    return KNOWN_ACES.get(key, 0.0550)


def backdoor_ace(cpts, num_samples, seed):
    return looked_up_ace(cpts)

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    return looked_up_ace(cpts)
