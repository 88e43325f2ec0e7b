# Reference solution for assignments/causal_vae_m2/causal_vae_m2.ipynb (causal-VAE project,
# milestone 2). One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [model_answer]
# The decoder is the image's structural assignment: it reads the five labels (one-hot) and
# the noise z. The guide infers z from the image *and* its labels (the labels are observed).
decoder = vae_starter.Decoder(vae_starter.FEATURES + Z_DIM)
encoder = vae_starter.Encoder(vae_starter.PIXELS + vae_starter.FEATURES, Z_DIM)


def model(images, labels):
    pyro.module("decoder", decoder)
    f = vae_starter.features(labels)
    with pyro.plate("sprites", images.shape[0]):
        z = pyro.sample("z", dist.Normal(0.0, 1.0).expand([Z_DIM]).to_event(1))
        logits = decoder(torch.cat([f, z], dim=-1))
        pyro.sample("image", dist.Bernoulli(logits=logits).to_event(1), obs=images)


def guide(images, labels):
    pyro.module("encoder", encoder)
    f = vae_starter.features(labels)
    with pyro.plate("sprites", images.shape[0]):
        loc, scale = encoder(torch.cat([images, f], dim=-1))
        pyro.sample("z", dist.Normal(loc, scale).to_event(1))

# %% [train_answer]
losses = vae_starter.train(model, guide, IMAGES, LABELS, epochs=EPOCHS)

# %% [functions_answer]
def encode(images, labels):
    """The guide's mean of z for each (image, labels) pair: array (n, Z_DIM)."""
    x, f = vae_starter.as_images(images), vae_starter.features(labels)
    with torch.no_grad():
        loc, _ = encoder(torch.cat([x, f], dim=-1))
    return loc.numpy()


def decode(labels, z=None):
    """Pixel probabilities (n, 32, 32) of the sprites with these labels and noise z
    (z = None: the prior's mean, 0)."""
    f = vae_starter.features(labels)
    z = torch.zeros(len(f), Z_DIM) if z is None else torch.as_tensor(np.asarray(z, dtype=np.float32))
    with torch.no_grad():
        return torch.sigmoid(decoder(torch.cat([f, z], dim=-1))).numpy().reshape(-1, 32, 32)


def reconstruct(images, labels):
    return decode(labels, encode(images, labels))

# %% [explain_assignment] markdown
# **Model answer.** In the SCM each factor has its own assignment (milestone 1) and the image
# has image := f(shape, scale, orientation, x, y, U_image). Our decoder is f: its input is
# the five labels and z, and z plays the part of the exogenous noise U_image. The prior
# z ~ N(0, I), independent of the labels, is the SCM's assumption that the noise of the
# image is independent of the factors (the U's are mutually independent); that is why z is
# drawn with no label as parent, and why the guide may read the labels (they are observed:
# q(z | image, labels) approximates the posterior of the noise given everything seen). Here
# the renderer is deterministic, so z has almost nothing left to explain: decoding at z = 0
# already reproduces a sprite (the reconstruction and prior-mean images nearly agree). With
# real images z would hold what the labels do not fix (colour, texture, style).
#
# **Rubric (3 points, TA only).** 1 point: the decoder is named as the image's structural
# assignment, with the labels as its parents and z as its exogenous noise. 1 point: the
# prior of z independent of the labels is justified by the independence of the exogenous
# noises (and the guide conditioning on the observed labels is explained). 1 point: what z
# holds here (little: the image is a function of the labels) with evidence from the
# notebook (reconstruction vs z = 0, or the loss). Half a point off for calling z "the
# factors" or for a prior that depends on the labels without saying why.

# %% [explain_supervised] markdown
# **Model answer.** If the factors were latents (the primitive, unsupervised VAE), the model
# would learn *some* code z of the image, but nothing ties a coordinate of z to shape or to
# x: a rotation or any invertible remixing of z fits the data equally well (the latents are
# not identifiable without supervision or strong assumptions). Then "set the shape to a
# square" has no handle: there is no variable to intervene on, and changing one coordinate
# of z would move several factors at once. With the factors as observed labels, the decoder
# is trained to respond to each label separately, so do(shape = square) is a change of one
# input of the decoder, and the SCM over the labels (milestone 1) sits above it.
#
# **Rubric (2 points, TA only).** 1 point: unsupervised latents are not identifiable /
# entangled, so no coordinate is "shape". 1 point: interventions and counterfactuals need
# the factor as an input of the assignment; supervision makes do(shape = s) a change of one
# input. Half a point off for an answer that only says supervision "improves accuracy".
