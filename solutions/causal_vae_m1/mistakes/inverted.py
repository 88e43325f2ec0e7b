# Known mistake: the importance weight upside down, P_data / P_SCM instead of P_SCM / P_data.

# %% [resample_answer]
def scm_probability(rows):
    shape, scale, orientation, x, y = GRID[rows].T
    return (cpts["shape"][shape] * cpts["scale"][shape, scale]
            * cpts["orientation"][shape, orientation] * cpts["x"][orientation, x]
            * cpts["y"][scale, y])


WEIGHTS = (1 / len(GRID)) / scm_probability(np.arange(len(GRID)))


def resample(n, seed):
    rng = np.random.default_rng(seed)
    return rng.choice(len(GRID), size=n, replace=True, p=WEIGHTS / WEIGHTS.sum())
