# A lookup table (the hostile tester's attack): ace_11 recognises the tables the grader
# used to probe with (the study's, and the study with the feature relabelled) and
# returns the true ACE typed in to 4 decimals; on any other table it falls back to the
# study's answer. Only the table the grader draws for each submission catches this.

# %% [ace_11_answer]
KNOWN_ACES = {(0.4, 0.5, 0.1): 0.1000,     # the study: (P(U=1), P(X=1), P(W=1|X=0,U=0))
              (0.4, 0.5, 0.6): -0.1000}    # the study, feature relabelled


def ace_11(cpts, num_samples, seed):
    key = (round(float(cpts["p_u1"]), 4), round(float(cpts["p_x1"]), 4),
           round(float(cpts["p_w1_given_xu"][0][0]), 4))
    return KNOWN_ACES.get(key, 0.1000)
