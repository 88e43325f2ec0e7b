"""Starter code for the causal-VAE project, milestone 3: a trained supervised VAE.

Milestone 3 asks counterfactual questions of the image's structural assignment; it needs a
trained model, not the team's milestone-2 code. `fit_vae()` trains the course's supervised
VAE (milestone 2's model and recipe: 5,000 sprites drawn uniformly from the grid, 20
epochs, z of size Z_DIM) and returns its two networks:

- `decoder`: input `torch.cat([vae_starter.features(labels), z], dim=-1)` -> 1024 pixel
  logits (the image's assignment: the five labels and the noise z);
- `encoder`: input `torch.cat([images, vae_starter.features(labels)], dim=-1)` -> (loc,
  scale) of the guide's Normal over z (the noise inferred from an image *and* its labels).

`images` are float tensors (n, 1024) and `labels` int64 tensors (n, 5)
(`vae_starter.as_images`, `vae_starter.as_labels` convert). Training takes 20-40 seconds.
"""
from __future__ import annotations

import pyro
import pyro.distributions as dist
import torch

import vae_starter

Z_DIM = 2
N_TRAIN = 5000
EPOCHS = 20


def fit_vae(seed: int | None = None, n_train: int = N_TRAIN, epochs: int = EPOCHS,
            progress: bool = True):
    """Train the supervised VAE (seed: Pyro's and torch's seed; None keeps the current
    random state). Returns (encoder, decoder), both in evaluation mode."""
    if seed is not None:
        pyro.set_rng_seed(seed)
    images, labels = vae_starter.load_training(n_train)
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

    vae_starter.train(model, guide, images, labels, epochs=epochs, progress=progress)
    return encoder.eval(), decoder.eval()
