# Stored draws (the sampler's version of a lookup table): each sampler draws once, with
# a fixed seed, at the size the question states, and returns those same draws whatever
# seed the grader passes. The draws follow the right laws, so only the second call with
# another seed catches this.

# %% [scm_a_answer]
def scm_a_model(num_samples=1):
    with pyro.plate("units", num_samples):
        x = pyro.sample("X", dist.Normal(0.0, 1.0))
        n_y = pyro.sample("N_Y", dist.Normal(0.0, 1.0))
        return pyro.sample("Y", dist.Normal(x ** 2 + n_y, 0.01))


STORED_A = {}


def sample_scm_a(num_samples, seed):
    if num_samples not in STORED_A:
        pyro.set_rng_seed(0)
        trace = poutine.trace(scm_a_model).get_trace(num_samples)
        STORED_A[num_samples] = (trace.nodes["X"]["value"].numpy(),
                                 trace.nodes["Y"]["value"].numpy())
    return STORED_A[num_samples]

# %% [do_samples_answer]
STORED_DO = {}


def sample_y_do_x2(num_samples, seed):
    if num_samples not in STORED_DO:
        pyro.set_rng_seed(0)
        intervened = pyro.do(scm_b_affine, data={"X": torch.tensor(2.0)})
        STORED_DO[num_samples] = intervened(num_samples).detach().numpy()
    return STORED_DO[num_samples]

# %% [posterior_answer]
STORED_POSTERIOR = {}


def sample_x_given_y2(num_samples, seed):
    if num_samples not in STORED_POSTERIOR:
        pyro.set_rng_seed(0)
        conditioned = pyro.condition(scm_b_affine, data={"Y": torch.tensor(2.0)})
        proposal = poutine.block(conditioned, hide=["Y"])
        log_w, model_trace, _ = vectorized_importance_weights(
            conditioned, proposal, num_samples=400 * num_samples, max_plate_nesting=1)
        w = torch.softmax(log_w, dim=0)
        pool = model_trace.nodes["X"]["value"].reshape(-1)
        STORED_POSTERIOR[num_samples] = pool[torch.multinomial(w, num_samples,
                                                               replacement=True)].numpy()
    return STORED_POSTERIOR[num_samples]
