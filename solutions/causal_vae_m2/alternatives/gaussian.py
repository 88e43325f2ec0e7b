# Another correct answer: Gaussian pixel noise (the brief's "decoder with Gaussian noise")
# instead of Bernoulli pixels, with a decoder of another shape (one wide hidden layer that
# outputs pixel means through a sigmoid).

# %% [model_answer]
SIGMA = 0.5

decoder_net = torch.nn.Sequential(torch.nn.Linear(vae_starter.FEATURES + Z_DIM, 768),
                                  torch.nn.ReLU(), torch.nn.Linear(768, 1024),
                                  torch.nn.Sigmoid())
encoder_net = vae_starter.Encoder(1024 + vae_starter.FEATURES, Z_DIM)


def model(images, labels):
    pyro.module("decoder_net", decoder_net)
    with pyro.plate("sprites", images.shape[0]):
        z = pyro.sample("z", dist.Normal(torch.zeros(Z_DIM), 1.0).to_event(1))
        mean = decoder_net(torch.cat([vae_starter.features(labels), z], -1))
        pyro.sample("image", dist.Normal(mean, SIGMA).to_event(1), obs=images)


def guide(images, labels):
    pyro.module("encoder_net", encoder_net)
    with pyro.plate("sprites", images.shape[0]):
        loc, scale = encoder_net(torch.cat([images, vae_starter.features(labels)], -1))
        pyro.sample("z", dist.Normal(loc, scale).to_event(1))

# %% [functions_answer]
def encode(images, labels):
    with torch.no_grad():
        loc, _ = encoder_net(torch.cat([vae_starter.as_images(images),
                                        vae_starter.features(labels)], -1))
    return loc


def decode(labels, z=None):
    f = vae_starter.features(labels)
    z = torch.zeros(len(f), Z_DIM) if z is None else torch.as_tensor(z, dtype=torch.float32)
    with torch.no_grad():
        return decoder_net(torch.cat([f, z], -1)).reshape(-1, 32, 32).numpy()


def reconstruct(images, labels):
    return decode(labels, encode(images, labels))
