"""Starter helpers for the counterfactual off-policy evaluation project (FrozenLake 4x4).

Shipped next to each milestone notebook: `import cfope_helpers`. Nothing here solves a
question; it makes the environment and draws the pictures:
- make_env(): FrozenLake 4x4, slippery, with gymnasium's 100-step time limit (headless);
- LAKE, ACTIONS, HORIZON, GOAL: the map and the conventions the notebooks use;
- plot_lake(...): the lake, optionally coloured by a value per state and with a
  policy's most likely action drawn as an arrow in every state;
- plot_paths(...): an episode's states and its counterfactual replay on the lake;
- plot_frequencies(...): draws of next states against the probabilities they should have.
"""
from __future__ import annotations

import numpy as np

LAKE = ("SFFF", "FHFH", "FFFH", "HFFG")
ACTIONS = ("LEFT", "DOWN", "RIGHT", "UP")     # action 0, 1, 2, 3
HORIZON = 100                                  # gymnasium's time limit for FrozenLake-v1
GOAL = 15
TERMINAL = [c in "HG" for c in "".join(LAKE)]  # holes and the goal end an episode
_ARROWS = {0: (-0.3, 0), 1: (0, 0.3), 2: (0.3, 0), 3: (0, -0.3)}


def make_env():
    """FrozenLake-v1, 4x4 map, slippery; no rendering (render_mode=None)."""
    import gymnasium as gym
    return gym.make("FrozenLake-v1", map_name="4x4", is_slippery=True)


def _grid(ax, values=None, title=None):
    import matplotlib.pyplot as plt
    ax = ax or plt.subplots(figsize=(3.6, 3.6))[1]
    tiles = np.array([[1.0 if c == "H" else 0.0 for c in row] for row in LAKE])
    if values is not None:
        v = np.asarray(values, dtype=float).reshape(4, 4)
        im = ax.imshow(v, cmap="Blues", vmin=0, vmax=max(1e-9, float(np.nanmax(v))))
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    else:
        ax.imshow(tiles, cmap="Greys", vmin=0, vmax=2.5)
    for s in range(16):
        r, c = divmod(s, 4)
        letter = LAKE[r][c]
        ax.text(c - 0.38, r - 0.25, f"{s}", fontsize=7, color="0.35")
        if letter in "HGS":
            ax.text(c + 0.28, r - 0.22, letter, fontsize=9, weight="bold",
                    color="firebrick" if letter == "H" else "darkgreen")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_lake(values=None, policy=None, ax=None, title=None):
    """The lake, coloured by `values` (16 numbers) if given, with an arrow for the most
    likely action of `policy` (a (16, 4) table) in every state an episode can be in."""
    ax = _grid(ax, values, title)
    if policy is not None:
        pi = np.asarray(policy, dtype=float)
        for s in range(16):
            if TERMINAL[s]:
                continue
            r, c = divmod(s, 4)
            dx, dy = _ARROWS[int(np.argmax(pi[s]))]
            ax.arrow(c - dx / 2, r - dy / 2, dx, dy, head_width=0.12, length_includes_head=True,
                     color="black", alpha=0.4 + 0.6 * float(pi[s].max()))
    return ax


def plot_paths(states, cf_states=None, ax=None, title=None):
    """An episode's visited states (solid) and, if given, its counterfactual replay
    (dashed), slightly offset so that shared steps stay visible."""
    ax = _grid(ax, None, title)
    for path, style, shift, label in ((states, "-", -0.06, "logged"),
                                      (cf_states, "--", 0.06, "counterfactual")):
        if path is None or len(path) == 0:
            continue
        rc = np.array([divmod(int(s), 4) for s in path], dtype=float)
        ax.plot(rc[:, 1] + shift, rc[:, 0] + shift, style, marker="o", ms=3, lw=1.5,
                label=f"{label} ({len(path) - 1} steps)")
    ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, -0.32))
    return ax


def plot_frequencies(draws, probs, ax=None, title=None):
    """Bars: the share of each next state among `draws`; dots: `probs` (16 numbers)."""
    import matplotlib.pyplot as plt
    ax = ax or plt.subplots(figsize=(5, 2.4))[1]
    draws = np.asarray(draws, dtype=int).ravel()
    share = np.bincount(draws, minlength=16)[:16] / max(1, draws.size)
    ax.bar(range(16), share, color="tab:blue", alpha=0.6, label="share of draws")
    ax.plot(range(16), np.asarray(probs, dtype=float), "o", color="black", ms=4,
            label="probability")
    ax.set_xticks(range(16))
    ax.set_xlabel("next state")
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
