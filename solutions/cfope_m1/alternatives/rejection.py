# Another correct style: the step in float32 with the noise fixed by pyro.do (the noise is
# exogenous, so intervening on it and conditioning on it agree), and the posterior by
# rejection: draw the noise from its prior until it reproduces the observation (at most 3
# tries on average here, as every possible next state has probability 1/3 or more).

# %% [step_answer]
LOGITS = torch.log(torch.tensor(transition_matrix, dtype=torch.float32))


def one_step(state, action):
    g = pyro.sample("noise", dist.Gumbel(torch.zeros(16), torch.ones(16)).to_event(1))
    return torch.argmax(LOGITS[state, action] + g).item()


def step_scm(state, action, noise=None):
    model = one_step
    if noise is not None:
        model = pyro.do(one_step, data={"noise": torch.tensor(np.asarray(noise), dtype=torch.float32)})
    return model(state, action)

# %% [posterior_answer]
def posterior_noise(state, action, next_state, rng):
    rng = np.random.default_rng(rng)
    with np.errstate(divide="ignore"):
        log_p = np.log(transition_matrix[state, action])
    while True:
        g = rng.gumbel(size=16)
        if np.argmax(log_p + g) == next_state:
            return g

# %% [counterfactual_answer]
def counterfactual_step(state, action, next_state, cf_action, rng):
    g = posterior_noise(state, action, next_state, rng)
    return int(step_scm(state, cf_action, noise=g))
