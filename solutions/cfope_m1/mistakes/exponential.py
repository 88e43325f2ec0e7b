# A common slip: -log(U) (an Exponential) where the Gumbel -log(-log(U)) belongs. On the
# corners, where the two next states have probabilities 2/3 and 1/3, it picks the likelier
# one with probability 3/4.

# %% [step_answer]
LOG_T = torch.log(torch.as_tensor(transition_matrix))


def transition_model(state, action):
    noise = pyro.sample("noise", dist.Exponential(torch.ones(16, dtype=torch.float64)).to_event(1))
    return int(torch.argmax(LOG_T[state, action] + noise))


def step_scm(state, action, noise=None):
    if noise is None:
        return transition_model(state, action)
    given = {"noise": torch.as_tensor(noise, dtype=torch.float64)}
    return pyro.condition(transition_model, data=given)(state, action)
