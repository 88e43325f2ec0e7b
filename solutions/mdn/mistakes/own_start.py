# Known slip: hard-EM started from clusters of its own (a seeded random split of all
# points, without the x < 0.3 / x > 0.7 rule), not from initial_clusters(x, seed). On the
# course data it often ends in the same three branches, so only data where the end depends
# on the start show it. Written as a while loop with np.polyfit.

# %% [hard_em_answer]
def hard_em(x, t, seed, max_iter=500):
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    labels = np.random.default_rng(seed).integers(0, 3, size=len(x))
    lines = np.zeros((3, 2))
    moved, it = True, 0
    while moved and it < max_iter:          # stop when no point changes cluster
        for k in range(3):
            if (labels == k).sum() >= 2:
                slope, intercept = np.polyfit(x[labels == k], t[labels == k], 1)
                lines[k] = intercept, slope
        residuals = (t[:, None] - (lines[:, 0] + np.outer(x, lines[:, 1]))) ** 2
        new = residuals.argmin(axis=1)
        moved = not np.array_equal(new, labels)
        labels, it = new, it + 1
    return lines, labels


coefficients, assignments = hard_em(x_data, t_data, seed)
coefficients
