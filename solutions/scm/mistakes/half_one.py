# Known wrong answer (content brief, section 5): P_X given Y=2 taken as N(0.5, 1) -- the
# inverted equation X = Y/4 for the mean, with X's prior variance left unchanged.

# %% [given_y_answer]
p_x_given_y2 = (0.5, 1)

# %% [posterior_answer]
def sample_x_given_y2(num_samples, seed):
    pyro.set_rng_seed(seed)
    return (2.0 / 4 + torch.randn(num_samples)).numpy()
