# Known wrong answer: the primitive model kept as it is, an unsupervised VAE. The labels
# reach neither the encoder nor the decoder, so decode(labels) cannot depend on them.

# %% [model_answer]
model, guide, encoder, decoder = vae_starter.primitive_vae(Z_DIM)

# %% [functions_answer]
def encode(images, labels):
    with torch.no_grad():
        loc, _ = encoder(vae_starter.as_images(images))
    return loc.numpy()


def decode(labels, z=None):
    n = len(labels)
    z = torch.zeros(n, Z_DIM) if z is None else torch.as_tensor(np.asarray(z, dtype=np.float32))
    with torch.no_grad():
        return torch.sigmoid(decoder(z)).numpy().reshape(n, 32, 32)


def reconstruct(images, labels):
    return decode(labels, encode(images, labels))
