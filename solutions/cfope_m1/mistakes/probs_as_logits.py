# Known wrong answer of the brief: the Gumbel noise added to the probabilities instead of
# their logarithms. Unreachable states (probability 0) can then win the argmax.

# %% [step_answer]
LOG_T = torch.log(torch.as_tensor(transition_matrix))
PROBS = torch.as_tensor(transition_matrix)


def transition_model(state, action):
    noise = pyro.sample("noise", dist.Gumbel(torch.zeros(16, dtype=torch.float64), 1.0).to_event(1))
    return int(torch.argmax(PROBS[state, action] + noise))


def step_scm(state, action, noise=None):
    if noise is None:
        return transition_model(state, action)
    given = {"noise": torch.as_tensor(noise, dtype=torch.float64)}
    return pyro.condition(transition_model, data=given)(state, action)
