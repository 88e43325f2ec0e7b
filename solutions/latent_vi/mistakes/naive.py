# Known mistake: the naive difference in means. frontdoor_ate compares mean purchases of
# engaged and other players, ignoring the confounders G and Z and the mediator M.

# %% [frontdoor_answer]
def frontdoor_ate(df):
    return float(df.loc[df["T"] == 1, "Y"].mean() - df.loc[df["T"] == 0, "Y"].mean())


fd_estimate = frontdoor_ate(df)
