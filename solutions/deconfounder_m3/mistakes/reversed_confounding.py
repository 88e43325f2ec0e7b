# Known mistake: the confounding ranking sorted the wrong way round (deconfounded minus
# naive), so the franchise actor comes last instead of first.

# %% [rankings_answer]
def rankings(df, seed):
    casts, revenue = casts_and_revenue(df)
    names = actor_columns(df)
    deconfounded = estimate_effects(df, seed)
    naive = naive_effects(casts, revenue)
    by = lambda scores: [names[i] for i in np.argsort(-scores)]
    return {"deconfounded": by(deconfounded), "confounding": by(deconfounded - naive)}


franchise_actor = rankings(df, 0)["confounding"][0]
franchise_actor
