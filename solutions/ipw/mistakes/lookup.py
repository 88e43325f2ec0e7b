# A lookup table (the hostile tester's attack): ipw_ace recognises the tables the grader
# used to probe with (the study's, and the study with its promotions relabelled) and
# returns the true ACE typed in to 4 decimals; on any other table it falls back to the
# study's answer. weighted_joint returns the study's exact answer, stored once, whatever
# table it gets. Only the table the grader draws for each submission catches this.

# %% [weighted_joint_answer]
STUDY_JOINT = {(z, x, y): (cpts["p_z1"] if z else 1 - cpts["p_z1"])
               * (cpts["p_y_given_xz"][x][z] if y else 1 - cpts["p_y_given_xz"][x][z]) / 2
               for z in (0, 1) for x in (0, 1) for y in (0, 1)}


def weighted_joint(cpts, num_samples, seed):
    return dict(STUDY_JOINT)

# %% [ipw_ace_answer]
KNOWN_ACES = {(0.4908, 0.7540, 0.7330): 0.0550,    # the study: (P(Z=1), P(X=1|Z=0), P(Y=1|X=0,Z=1))
              (0.4908, 0.2460, 0.6868): -0.0550}   # the study, promotions relabelled


def ipw_ace(cpts, num_samples, seed):
    key = (round(float(cpts["p_z1"]), 4), round(float(cpts["p_x_given_z"][0][1]), 4),
           round(float(cpts["p_y_given_xz"][0][1]), 4))
    return KNOWN_ACES.get(key, 0.0550)
