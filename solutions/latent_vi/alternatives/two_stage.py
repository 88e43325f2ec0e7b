# Alternative correct method for (a): two-stage regression, as DoWhy's
# frontdoor.two_stage_regression does it. Stage 1: the effect of T on M (a regression of
# M on T; nothing confounds T -> M). Stage 2: the effect of M on Y, by a regression of Y
# on M that adjusts for T (which blocks the back-door path M <- T <- Z -> Y) and G. With
# Y linear in M the ATE is the product of the two slopes.

# %% [frontdoor_answer]
def slope(y, columns, which):
    X = np.column_stack([np.ones(len(y))] + [np.asarray(c, dtype=float) for c in columns])
    return np.linalg.lstsq(X, np.asarray(y, dtype=float), rcond=None)[0][1 + which]


def frontdoor_ate(df):
    t_to_m = slope(df["M"], [df["T"]], 0)
    m_to_y = slope(df["Y"], [df["M"], df["T"], df["G"]], 0)
    return float(t_to_m * m_to_y)


fd_estimate = frontdoor_ate(df)
