# A lookup table (the hostile tester's attack): the ACE functions recognise the tables
# the grader used to probe with (the study's, and the made-up second study) and return
# the true ACE typed in to 4 decimals; on any other table they fall back to the study's
# answer. latent_y is computed correctly. Only the table the grader draws for each
# submission catches this.

# %% [frontdoor_answer]
KNOWN_ACES = {(0.95, 0.9): -0.0450,     # the study: (P(Z=1|X=1), P(Y=1|X=0,Z=0))
              (0.8, 0.23): 0.1000}      # the second study


def looked_up_ace(cpts):
    key = (round(float(cpts["p_z1_given_x"][1]), 4), round(float(cpts["p_y1_given_xz"][0][0]), 4))
    return KNOWN_ACES.get(key, -0.0450)


def frontdoor_ace(cpts, num_samples, seed):
    return looked_up_ace(cpts)

# %% [do_answer]
def do_ace(cpts, num_samples, seed):
    return looked_up_ace(cpts)
