"""Starter code of the schema-network project: the toy game's state layout, a state
builder, a renderer, and `run_model`, which runs a transition model written in Pyro
once and reads its sample sites.

A state is an int array [height, width, 5]: one entity per grid cell, with the binary
attributes of ATTRIBUTES in that order (wall, brick, paddle, ball, up). Actions are
0 = left, 1 = stay, 2 = right (they move the paddle).
"""
from __future__ import annotations

import numpy as np

ATTRIBUTES = ("wall", "brick", "paddle", "ball", "up")
WALL, BRICK, PADDLE, BALL, UP = range(len(ATTRIBUTES))
ACTIONS = ("left", "stay", "right")
LEFT, STAY, RIGHT = range(len(ACTIONS))


def make_state(height, width, paddle, ball=None, up=0, bricks=()):
    """Walls on the border, the paddle at column `paddle` of the last inside row
    (row height-2), the ball at (row, col) moving up if `up` (or no ball), bricks at
    the (row, col) cells listed."""
    state = np.zeros((height, width, len(ATTRIBUTES)), dtype=np.int8)
    state[[0, -1], :, WALL] = 1
    state[:, [0, -1], WALL] = 1
    state[height - 2, paddle, PADDLE] = 1
    for r, c in bricks:
        state[r, c, BRICK] = 1
    if ball is not None:
        state[ball[0], ball[1], BALL] = 1
        state[ball[0], ball[1], UP] = int(up)
    return state


def run_model(model, state, action, seed=0):
    """Run the Pyro program `model(state, action)` once (state as a float tensor of
    0/1) and return (next_state, reward): the values of its sample sites named after
    ATTRIBUTES (each [height, width]) stacked into an int array [height, width, 5], and
    the value of its site "reward" as an int."""
    import pyro
    import pyro.poutine as poutine
    import torch

    state = torch.as_tensor(np.asarray(state), dtype=torch.float32)
    pyro.set_rng_seed(seed)
    trace = poutine.trace(model).get_trace(state, int(action))
    missing = [name for name in ATTRIBUTES + ("reward",) if name not in trace.nodes]
    if missing:
        raise KeyError(f"the model has no sample site named {missing[0]!r} "
                       f"(it needs one per attribute, and 'reward')")
    layers = []
    for name in ATTRIBUTES:
        value = torch.as_tensor(trace.nodes[name]["value"]).detach()
        if tuple(value.shape) != tuple(state.shape[:2]):
            raise ValueError(f"site {name!r} has shape {tuple(value.shape)}; "
                             f"it should be [height, width] = {tuple(state.shape[:2])}")
        layers.append(value.round().to(torch.int64).numpy())
    reward = torch.as_tensor(trace.nodes["reward"]["value"]).detach().round()
    if reward.numel() != 1:
        raise ValueError("site 'reward' should hold one value (the reward of the step)")
    return np.stack(layers, axis=-1), int(reward.item())


COLOURS = {WALL: (0.35, 0.35, 0.35), BRICK: (0.85, 0.45, 0.2), PADDLE: (0.2, 0.4, 0.85),
           BALL: (0.1, 0.1, 0.1)}


def render(state, ax=None, title=None):
    """Draw a state: walls grey, bricks orange, the paddle blue, the ball black with an
    arrow for its direction."""
    import matplotlib.pyplot as plt

    state = np.asarray(state)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.45 * state.shape[1], 0.45 * state.shape[0]))
    image = np.ones(state.shape[:2] + (3,))
    for attr, colour in COLOURS.items():
        image[state[..., attr] == 1] = colour
    ax.imshow(image, interpolation="nearest")
    for r, c in zip(*np.nonzero(state[..., BALL])):
        ax.annotate("", xy=(c, r - 0.45 if state[r, c, UP] else r + 0.45), xytext=(c, r),
                    arrowprops=dict(arrowstyle="->", color="white", lw=1.5))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def load_log(path):
    """A log written by the kit (one row per entity per transition, in order) as three
    lists: states, actions and next states (int arrays [height, width, 5])."""
    import pandas as pd

    df = pd.read_csv(path)
    now = df[list(ATTRIBUTES)].to_numpy(dtype=np.int8)
    later = df[[f"next_{a}" for a in ATTRIBUTES]].to_numpy(dtype=np.int8)
    starts = np.flatnonzero(np.diff(df["transition"].to_numpy(), prepend=-1))
    ends = np.append(starts[1:], len(df))
    states, actions, nexts = [], [], []
    for a, b in zip(starts, ends):
        h, w = df["row"].iat[b - 1] + 1, df["col"].iat[b - 1] + 1
        states.append(now[a:b].reshape(h, w, len(ATTRIBUTES)))
        nexts.append(later[a:b].reshape(h, w, len(ATTRIBUTES)))
        actions.append(int(df["action"].iat[a]))
    return states, actions, nexts
