# Known mistake: the lines fitted once to the initial clusters and returned; the points are
# never reassigned (one M-step, no E-step).

# %% [hard_em_answer]
def hard_em(x, t, seed):
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    clusters = initial_clusters(x, seed)
    coefficients = np.array([np.polyfit(x[clusters == k], t[clusters == k], 1)[::-1]
                             for k in range(3)])
    return coefficients, clusters


coefficients, assignments = hard_em(x_data, t_data, seed)
coefficients
