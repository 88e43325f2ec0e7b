# Known mistake (brief §8): mixing weights not normalised, exp(.) of the gate head instead of
# a softmax. The loss can then be lowered without bound by inflating the weights.

# %% [mdn_answer]
class MDN(nn.Module):
    def __init__(self, hidden=20, components=3):
        super().__init__()
        self.hidden = nn.Linear(1, hidden)
        self.logits = nn.Linear(hidden, components)
        self.log_sigma = nn.Linear(hidden, components)
        self.mean = nn.Linear(hidden, components)

    def forward(self, x):
        h = torch.tanh(self.hidden(x))
        return torch.exp(self.logits(h)), torch.exp(self.log_sigma(h)) + 0.01, self.mean(h)


torch.manual_seed(seed)
mdn = MDN()
optimiser = torch.optim.Adam(mdn.parameters(), lr=MDN_LR)
x_torch = torch.tensor(x_data, dtype=torch.float32)[:, None]
t_torch = torch.tensor(t_data, dtype=torch.float32)[:, None]
mdn_losses = []
for epoch in range(MDN_EPOCHS):
    weights, sigmas, means = mdn(x_torch)
    log_components = torch.distributions.Normal(means, sigmas).log_prob(t_torch)
    loss = -torch.logsumexp(torch.log(weights) + log_components, dim=-1).mean()
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    mdn_losses.append(loss.item())


def predict_mdn(x):
    with torch.no_grad():
        weights, sigmas, means = mdn(torch.tensor(np.asarray(x, dtype=np.float32)).reshape(-1, 1))
    return weights.numpy(), means.numpy(), sigmas.numpy()
