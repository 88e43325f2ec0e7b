# Known mistake: back-door adjustment on the observed confounder G only. It removes the
# bias from guild membership but not from the unobserved Z, so it stays far too large.

# %% [frontdoor_answer]
def frontdoor_ate(df):
    ate = 0.0
    for g, part in df.groupby("G"):
        by_t = part.groupby("T")["Y"].mean()
        ate += len(part) / len(df) * (by_t[1] - by_t[0])
    return float(ate)


fd_estimate = frontdoor_ate(df)
