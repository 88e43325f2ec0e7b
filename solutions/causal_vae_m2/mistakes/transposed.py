# Known wrong answer: the decoded pixels reshaped as (column, row), i.e. images[n, x, y]:
# x and y are swapped in everything decode returns.

# %% [functions_answer]
def encode(images, labels):
    x, f = vae_starter.as_images(images), vae_starter.features(labels)
    with torch.no_grad():
        loc, _ = encoder(torch.cat([x, f], dim=-1))
    return loc.numpy()


def decode(labels, z=None):
    f = vae_starter.features(labels)
    z = torch.zeros(len(f), Z_DIM) if z is None else torch.as_tensor(np.asarray(z, dtype=np.float32))
    with torch.no_grad():
        probs = torch.sigmoid(decoder(torch.cat([f, z], dim=-1))).numpy()
    return np.stack([p.reshape(32, 32).T for p in probs])    # indexed [x, y]


def reconstruct(images, labels):
    return decode(labels, encode(images, labels))
