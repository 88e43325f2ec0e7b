# Known mistake: the "adjusted" effects leave z_hat out of the regression (the naive model):
# the confounding stays in every effect.

# %% [adjusted_answer]
def adjusted_effects(casts, revenue, z_hat):
    casts = np.asarray(casts, dtype=float)
    x = np.column_stack([np.ones(len(casts)), casts])
    coef, *_ = np.linalg.lstsq(x, np.asarray(revenue, dtype=float), rcond=None)
    return coef[1:]


effects_adjusted = adjusted_effects(casts, revenue, z_hat)
