# Forgetting the intervention: Y is sampled from the unmodified SCM B (its observational
# distribution), and P_Y under do(Y=2) is answered with the conditional instead.

# %% [do_samples_answer]
def sample_y_do_x2(num_samples, seed):
    pyro.set_rng_seed(seed)
    return scm_b_affine(num_samples).detach().numpy()

# %% [do_y_answer]
p_x_do_y2 = (Fraction(8, 17), Fraction(1, 17))
