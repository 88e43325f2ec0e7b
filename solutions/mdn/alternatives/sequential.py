# Another correct style: the trunk as nn.Sequential and the three heads as one Linear(20, 9)
# split in three, with the Gumbel-max sampler written in torch. Part D reads the weights
# of this layout.

# %% [mdn_answer]
torch.manual_seed(seed)
trunk = nn.Sequential(nn.Linear(1, 20), nn.Tanh())
heads = nn.Linear(20, 9)
params = list(trunk.parameters()) + list(heads.parameters())
optimiser = torch.optim.Adam(params, lr=MDN_LR)
x_torch = torch.tensor(x_data, dtype=torch.float32)[:, None]
t_torch = torch.tensor(t_data, dtype=torch.float32)[:, None]


def mdn_outputs(x):
    logits, log_sigma, means = heads(trunk(x)).split(3, dim=-1)
    return torch.softmax(logits, dim=-1), torch.exp(log_sigma) + 0.01, means


mdn_losses = []
for epoch in range(MDN_EPOCHS):
    w, s, m = mdn_outputs(x_torch)
    mix = torch.distributions.MixtureSameFamily(torch.distributions.Categorical(probs=w),
                                                torch.distributions.Normal(m, s))
    loss = -mix.log_prob(t_torch[:, 0]).mean()
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    mdn_losses.append(float(loss))


def predict_mdn(x):
    with torch.no_grad():
        w, s, m = mdn_outputs(torch.as_tensor(np.asarray(x), dtype=torch.float32).reshape(-1, 1))
    return w.numpy(), m.numpy(), s.numpy()


# the layout Part D expects: {name}.weight of shape (out, in)
w9, b9 = heads.weight.detach(), heads.bias.detach()
mdn = nn.Module()
mdn.state_dict = lambda: {"hidden.weight": trunk[0].weight.detach(), "hidden.bias": trunk[0].bias.detach(),
                          "logits.weight": w9[0:3], "logits.bias": b9[0:3],
                          "log_sigma.weight": w9[3:6], "log_sigma.bias": b9[3:6],
                          "mean.weight": w9[6:9], "mean.bias": b9[6:9]}

# %% [gumbel_answer]
def sample_component(logits, seed):
    gen = torch.Generator().manual_seed(int(seed))
    logits = torch.as_tensor(np.asarray(logits, dtype=np.float64))
    u = torch.rand(logits.shape, generator=gen, dtype=torch.float64).clamp_min(1e-300)
    return torch.argmax(logits - torch.log(-torch.log(u)), dim=1).numpy()
