# Known mistake: the Pyro program draws x from one fixed row of its table (orientation
# level 0) instead of the row of the orientation drawn for that sprite, so x ignores its
# parent in the SCM's draws even though the stated tables are right.

# %% [scm_answer]
def discretised_normal(levels, centre, width):
    """A bump over the levels: P(level) proportional to a normal density at the level."""
    p = np.exp(-0.5 * ((np.asarray(levels, dtype=float) - centre) / width) ** 2)
    return p / p.sum()


def heading(centre, concentration):
    """A von Mises bump over the 40 orientations (it wraps around at 2 pi)."""
    angles = np.arange(LEVELS[2]) * 2 * np.pi / LEVELS[2]
    p = np.exp(concentration * np.cos(angles - centre))
    return p / p.sum()


# Our story: a sprite is a piece on a board game.
# - shape: squares (crates) are the commonest piece, hearts (lives) the rarest;
# - scale | shape: crates are big, lives small, ellipses (coins) in between;
# - orientation | shape: crates lie flat, coins stand upright, lives point down;
# - x | orientation: a piece slides the way it points (cos of the heading moves it right);
# - y | scale: heavy (big) pieces sink to the bottom of the board.
cpts = {
    "shape": np.array([0.45, 0.35, 0.20]),
    "scale": np.stack([discretised_normal(range(6), c, 0.9) for c in (4.5, 2.5, 0.5)]),
    "orientation": np.stack([heading(c, 3.0) for c in (0.0, np.pi / 2, 3 * np.pi / 2)]),
    "x": np.stack([discretised_normal(range(32), 15.5 + 11 * np.cos(t), 4.0)
                   for t in np.arange(40) * 2 * np.pi / 40]),
    "y": np.stack([discretised_normal(range(32), 4 + 4.6 * c, 4.0) for c in range(6)]),
}
TABLES = {f: torch.tensor(t, dtype=torch.float64) for f, t in cpts.items()}


def sprite_scm(n):
    """The SCM: each factor drawn from the row of its parent's level (Categorical
    assignments: the noise of each is the categorical draw itself)."""
    with pyro.plate("sprites", n):
        shape = pyro.sample("shape", dist.Categorical(TABLES["shape"]))
        scale = pyro.sample("scale", dist.Categorical(TABLES["scale"][shape]))
        orientation = pyro.sample("orientation", dist.Categorical(TABLES["orientation"][shape]))
        x = pyro.sample("x", dist.Categorical(TABLES["x"][0]))   # the row of orientation 0
        y = pyro.sample("y", dist.Categorical(TABLES["y"][scale]))
    return torch.stack([shape, scale, orientation, x, y], dim=-1)


def sample_scm(n, seed):
    pyro.set_rng_seed(seed)
    return sprite_scm(n).numpy()


sample_scm(5, seed=0)
