# Reference solution for assignments/causal_vae_m1/causal_vae_m1.ipynb (causal-VAE project,
# milestone 1). One section per answer cell, keyed by the cell's nbgrader grade_id.

# %% [dag_answer]
dag_edges = {("shape", "orientation"), ("shape", "scale"), ("orientation", "x"),
             ("scale", "y")} | {(f, "image") for f in FACTORS}

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
        x = pyro.sample("x", dist.Categorical(TABLES["x"][orientation]))
        y = pyro.sample("y", dist.Categorical(TABLES["y"][scale]))
    return torch.stack([shape, scale, orientation, x, y], dim=-1)


def sample_scm(n, seed):
    pyro.set_rng_seed(seed)
    return sprite_scm(n).numpy()


sample_scm(5, seed=0)

# %% [resample_answer]
def scm_probability(rows):
    """P_SCM of each row of GRID: the product of one entry of each table."""
    shape, scale, orientation, x, y = GRID[rows].T
    return (cpts["shape"][shape] * cpts["scale"][shape, scale]
            * cpts["orientation"][shape, orientation] * cpts["x"][orientation, x]
            * cpts["y"][scale, y])


WEIGHTS = scm_probability(np.arange(len(GRID))) / (1 / len(GRID))   # P_SCM / P_data


def resample(n, seed):
    rng = np.random.default_rng(seed)
    return rng.choice(len(GRID), size=n, replace=True, p=WEIGHTS / WEIGHTS.sum())

# %% [independences_answer]
# Read off the DAG by d-separation: every path between the two passes a chain or a fork
# through the conditioning factor (there is no collider among the factors).
independences = {
    ("orientation", "scale", "shape"),   # siblings, given their common cause
    ("x", "shape", "orientation"), ("x", "scale", "orientation"),  ("x", "y", "orientation"),
    ("y", "shape", "scale"), ("y", "orientation", "scale"), ("x", "y", "scale"),
    ("x", "scale", "shape"), ("y", "orientation", "shape"), ("x", "y", "shape"),
}

# %% [explain_story] markdown
# **Model answer.** Our sprites are pieces of a board game. *Shape → scale:* each kind of
# piece is made in its own size: crates (squares) are big, lives (hearts) small, coins
# (ellipses) in between; `cpts["scale"]` puts a bump at a different level for each shape.
# *Shape → orientation:* crates lie flat (heading 0), coins stand upright (π/2), lives point
# down (3π/2); a von Mises bump per shape. *Orientation → x:* a piece slides the way it points,
# so its x is centred at 15.5 + 11 cos(heading) levels. *Scale → y:* heavy pieces sink, so y is
# centred lower (larger y) for larger scales. dSprites has each combination once, so its
# factors are uniform and independent. Resampling its rows with weights
# P_SCM(row) / P_data(row) = 737,280 · P_SCM(row) makes the resampled rows follow P_SCM exactly
# (importance resampling with the data set as proposal); because every combination exists in
# dSprites, every resampled row comes with its image, with no rendering needed.
#
# **Rubric (3 points, TA only).** 1 point: each arrow has a mechanism that makes sense as a
# cause (not just a correlation), and the table matches the story. 1 point: the resampling is
# explained as importance resampling, the joint it follows is named (the SCM's, i.e. the
# product of the tables), and why the weights reduce to P_SCM (uniform data). 1 point: why
# rows, not new renders: every combination exists in the data, so resampling picks images
# that are real data points; with replacement, so the draws are independent. Half a point off
# for a story whose tables contradict it.

# %% [explain_faithful] markdown
# **Model answer.** Reversed, shape becomes a collider: orientation → shape ← scale. In such
# data orientation and scale are independent, but become dependent once we condition on
# shape (explaining away), so "orientation ⊥ scale | shape" fails. So does "x ⊥ y | shape":
# x and y are joined by x → orientation → shape ← scale ← y, a path that conditioning on the
# collider opens (more weakly, since it runs through two more arrows). The other two still
# hold: x → orientation → shape is a chain, so x ⊥ shape | orientation, and likewise
# y ⊥ shape | scale. Without a collider, reversing a chain or a fork gives a graph in the same
# Markov equivalence class: it implies the same independences, and observational data alone
# cannot tell the two graphs apart; only interventions (or assumptions beyond the
# independences) can.
#
# **Rubric (2 points, TA only).** 1 point: names the collider and that orientation ⊥ scale |
# shape and x ⊥ y | shape fail (conditioning on a common effect opens the path), while the two
# chains' independences hold. 1 point: Markov equivalence: without a collider the reversed
# graph implies the same independences, so data alone cannot distinguish them. Half a point
# off when the answer says the independences change but not why.
