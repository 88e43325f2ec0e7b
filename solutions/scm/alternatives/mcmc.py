# Other correct methods: SCM A with a transformed (affine) distribution for Y, intervention
# samples from the narrow-Normal model with Predictive, exact answers typed as fraction
# strings and rounded decimals, and the posterior by MCMC (NUTS) with warm-up and thinning
# instead of importance sampling.

# %% [scm_a_answer]
def scm_a_model(num_samples=1):
    with pyro.plate("units", num_samples):
        x = pyro.sample("X", dist.Normal(0.0, 1.0))
        noise = dist.Normal(torch.zeros_like(x), 1.0)
        return pyro.sample("Y", dist.TransformedDistribution(noise, [AffineTransform(x ** 2, 1.0)]))


def sample_scm_a(num_samples, seed):
    pyro.set_rng_seed(seed)
    draws = Predictive(scm_a_model, num_samples=1, return_sites=["X", "Y"])(num_samples)
    return draws["X"].reshape(-1), draws["Y"].reshape(-1)

# %% [p_y_answer]
p_y = ("0", "17")

# %% [do_x_answer]
p_y_do_x2 = [8.0, 1.0]

# %% [given_x_answer]
p_y_given_x2 = (8, 1)

# %% [do_samples_answer]
def sample_y_do_x2(num_samples, seed):
    pyro.set_rng_seed(seed)
    intervened = pyro.do(scm_b_narrow, data={"X": torch.tensor(2.0)})
    return Predictive(intervened, num_samples=1)(num_samples)["Y"].reshape(-1).numpy()

# %% [given_y_answer]
p_x_given_y2 = ("8/17", 0.059)

# %% [do_y_answer]
p_x_do_y2 = (0.0, 1.0)

# %% [posterior_answer]
def sample_x_given_y2(num_samples, seed, thin=2):
    pyro.set_rng_seed(seed)
    conditioned = pyro.condition(scm_b_affine, data={"Y": torch.tensor([2.0])})
    mcmc = MCMC(NUTS(conditioned), num_samples=thin * num_samples, warmup_steps=300,
                disable_progbar=True)
    mcmc.run()
    return mcmc.get_samples()["X"].reshape(-1)[::thin].numpy()
