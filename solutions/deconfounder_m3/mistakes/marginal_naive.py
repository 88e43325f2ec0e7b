# Known mistake: the naive "model" as the raw association, one actor at a time: the mean
# revenue of the films with the actor minus those without.

# %% [naive_answer]
def naive_effects(casts, revenue):
    casts, revenue = np.asarray(casts, dtype=bool), np.asarray(revenue, dtype=float)
    return np.array([revenue[casts[:, j]].mean() - revenue[~casts[:, j]].mean()
                     for j in range(casts.shape[1])])


effects_naive = naive_effects(casts, revenue)
