# Known wrong answer of the brief: the argmax of the log-probabilities without the noise
# (the noise site is there, but its value is never used).

# %% [step_answer]
LOG_T = torch.log(torch.as_tensor(transition_matrix))


def transition_model(state, action):
    pyro.sample("noise", dist.Gumbel(torch.zeros(16, dtype=torch.float64), 1.0).to_event(1))
    return int(torch.argmax(LOG_T[state, action]))


def step_scm(state, action, noise=None):
    if noise is None:
        return transition_model(state, action)
    given = {"noise": torch.as_tensor(noise, dtype=torch.float64)}
    return pyro.condition(transition_model, data=given)(state, action)
