# A plausible slip in SCM A: the same noise draw is used for X and for Y
# (Y := X**2 + N_X). X and Y - X**2 each look right on their own; only their joint
# behaviour is wrong.

# %% [scm_a_answer]
def sample_scm_a(num_samples, seed):
    pyro.set_rng_seed(seed)
    with pyro.plate("units", num_samples):
        n_x = pyro.sample("N_X", dist.Normal(0.0, 1.0))
    return n_x.numpy(), (n_x ** 2 + n_x).numpy()
