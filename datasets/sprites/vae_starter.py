"""Starter code for the causal-VAE project, milestones 2 and 3: data, networks, a primitive
VAE and the learning loop.

- `load_training(n)`: n sprites drawn uniformly from the whole grid, as (images, labels): a
  float tensor (n, 1024) of 0/1 pixels and an int64 tensor (n, 5) of level indices (columns
  as `sprites.FACTORS`).
- `as_images(images)`, `as_labels(labels)`: anything array-like (a list, a numpy array, a
  tensor; images (n, 32, 32) or (n, 1024)) as the tensors the networks take.
- `features(labels)`: the labels as the decoder's input, one one-hot block per factor
  (3 + 6 + 40 + 32 + 32 = 113 columns) and 6 columns of the heading's cosines and sines.
- `Encoder`, `Decoder`: small multilayer perceptrons (MLPs). The encoder maps its input to
  the location and scale of a diagonal Normal; the decoder maps its input to 1024 pixel
  logits.
- `primitive_vae(z_dim)`: the instructor's primitive model and guide, an *unsupervised* VAE:
  the image comes from z alone, and the labels are never used. Milestone 2 makes it
  supervised.
- `train(model, guide, images, labels)`: stochastic variational inference (SVI) with the
  ELBO, in shuffled mini-batches; returns the loss of every step (per sprite).

Everything runs on the CPU in seconds: 32 x 32 images, MLPs, a few thousand sprites.
"""
from __future__ import annotations

import numpy as np
import pyro
import pyro.distributions as dist
import torch
from torch import nn

import sprites

PIXELS = sprites.SIZE ** 2                  # 1024
FEATURES = sum(sprites.LEVELS) + 6          # 119: the width of features(labels)
Z_DIM = 4                                   # the primitive model's latent size


def as_labels(labels) -> torch.Tensor:
    """Level indices (n, 5) as an int64 tensor (ValueError for anything else)."""
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    return torch.as_tensor(sprites.check_labels(labels))


def as_images(images) -> torch.Tensor:
    """Images (n, 32, 32) or (n, 1024) with values in [0, 1] as a float tensor (n, 1024)."""
    x = torch.as_tensor(np.asarray(images, dtype=np.float32))
    if x.ndim == 3:
        x = x.reshape(x.shape[0], -1)
    if x.ndim != 2 or x.shape[1] != PIXELS:
        raise ValueError(f"images should have shape (n, 32, 32) or (n, {PIXELS}); "
                         f"got {tuple(x.shape)}")
    return x


TRAIN_SEED = 2027


def load_training(n: int, seed: int = TRAIN_SEED):
    """n sprites drawn without replacement, uniformly, from the whole grid (the data set
    before any resampling, every combination equally likely), rendered: (images (n, 1024)
    float, labels (n, 5) int64). Uniform, so that the decoder sees every combination,
    including those the SCM makes rare (the counterfactuals of milestone 3)."""
    rows = np.random.default_rng(seed).choice(int(np.prod(sprites.LEVELS)), size=n, replace=False)
    labels = np.stack(np.unravel_index(rows, sprites.LEVELS), axis=1).astype(np.int64)
    images = torch.as_tensor(sprites.render(labels).reshape(n, PIXELS), dtype=torch.float32)
    return images, torch.as_tensor(labels)


HARMONICS = (1, 2, 4)   # a heart repeats after a full turn, an ellipse after half, a square a quarter


def features(labels) -> torch.Tensor:
    """The decoder's view of the labels: one one-hot block per factor, side by side, then
    cos and sin of k times the heading for each k in HARMONICS (so that nearby headings
    look alike): float tensor (n, FEATURES)."""
    labels = as_labels(labels)
    theta = torch.as_tensor(sprites.ORIENTATIONS, dtype=torch.float32)[labels[:, 2]]
    return torch.cat([nn.functional.one_hot(labels[:, j], k).float()
                      for j, k in enumerate(sprites.LEVELS)]
                     + [f(k * theta)[:, None] for k in HARMONICS for f in (torch.cos, torch.sin)],
                     dim=-1)


class Encoder(nn.Module):
    """x (n, in_dim) -> (loc, scale) of a diagonal Normal over z (n, z_dim)."""

    def __init__(self, in_dim: int, z_dim: int = Z_DIM, hidden: int = 256):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU())
        self.loc = nn.Linear(hidden, z_dim)
        self.scale = nn.Linear(hidden, z_dim)

    def forward(self, x):
        h = self.body(x)
        return self.loc(h), nn.functional.softplus(self.scale(h)) + 1e-3


class Decoder(nn.Module):
    """h (n, in_dim) -> pixel logits (n, 1024)."""

    def __init__(self, in_dim: int, hidden: tuple[int, ...] = (256, 512)):
        super().__init__()
        layers, width = [], in_dim
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        self.net = nn.Sequential(*layers, nn.Linear(width, PIXELS))

    def forward(self, h):
        return self.net(h)


def primitive_vae(z_dim: int = Z_DIM):
    """The primitive model and guide: an unsupervised VAE, image ~ Bernoulli(decoder(z)),
    z ~ N(0, I); the guide encodes the image alone. Returns (model, guide, encoder,
    decoder); model and guide take (images, labels=None) and ignore the labels."""
    encoder, decoder = Encoder(PIXELS, z_dim), Decoder(z_dim)

    def model(images, labels=None):
        pyro.module("decoder", decoder)
        with pyro.plate("sprites", images.shape[0]):
            z = pyro.sample("z", dist.Normal(0.0, 1.0).expand([z_dim]).to_event(1))
            pyro.sample("image", dist.Bernoulli(logits=decoder(z)).to_event(1), obs=images)

    def guide(images, labels=None):
        pyro.module("encoder", encoder)
        with pyro.plate("sprites", images.shape[0]):
            loc, scale = encoder(images)
            pyro.sample("z", dist.Normal(loc, scale).to_event(1))

    return model, guide, encoder, decoder


def train(model, guide, images, labels=None, epochs: int = 10, batch_size: int = 100,
          lr: float = 2e-3, seed: int | None = None, progress: bool = True) -> list[float]:
    """Fit model and guide by SVI (Trace_ELBO, Adam) over shuffled mini-batches, calling
    model(images_batch, labels_batch) (or model(images_batch) without labels). Clears
    Pyro's parameter store first, so each call trains from the networks' current weights.
    Returns the loss (negative ELBO per sprite) of every step; prints one line per epoch."""
    if seed is not None:
        pyro.set_rng_seed(seed)
    pyro.clear_param_store()
    images = as_images(images)
    labels = None if labels is None else as_labels(labels)
    svi = pyro.infer.SVI(model, guide, pyro.optim.Adam({"lr": lr}), pyro.infer.Trace_ELBO())
    losses, n = [], images.shape[0]
    for epoch in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            args = (images[batch],) if labels is None else (images[batch], labels[batch])
            losses.append(svi.step(*args) / len(batch))
        if progress:
            recent = losses[-max(1, -(-n // batch_size)):]
            print(f"epoch {epoch + 1}/{epochs}: loss {np.mean(recent):.1f} per sprite")
    return losses
