# Known failure mode (content brief, section 5): importance sampling from the prior on the
# narrow-Normal model, with as many proposals as draws wanted, then resampling. The
# observation pins (X, N_Y) to a thin ridge, so almost all weight sits on a handful of
# proposals and the resampled draws repeat the same few values.

# %% [posterior_answer]
def sample_x_given_y2(num_samples, seed):
    pyro.set_rng_seed(seed)
    conditioned = pyro.condition(scm_b_narrow, data={"Y": torch.tensor(2.0)})
    posterior = Importance(conditioned, num_samples=num_samples).run()
    marginal = pyro.infer.EmpiricalMarginal(posterior, "X")
    return marginal.sample((num_samples,)).reshape(-1).numpy()
