# A hostile or lazy sampler (issue 24, item 7): one set of draws is made once, with a fixed
# seed, and each call hands it back with a little fresh noise added, so no value repeats
# between calls. Right in law; the draws track each other value by value.

# %% [do_samples_answer]
pyro.set_rng_seed(0)
_STORED_Y = pyro.do(scm_b_affine, data={"X": torch.tensor(2.0)})(20_000).detach().numpy()


def sample_y_do_x2(num_samples, seed):
    noise = np.random.default_rng(seed).normal(0.0, 0.05, num_samples)
    return _STORED_Y[:num_samples] + noise
