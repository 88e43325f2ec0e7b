# Known mistake: the "deconfounded" ranking is the ranking by naive association: the actors
# sorted by how much revenue their films make, so the franchise actor is credited.

# %% [rankings_answer]
def rankings(df, seed):
    casts, revenue = casts_and_revenue(df)
    names = actor_columns(df)
    naive = naive_effects(casts, revenue)
    deconfounded = estimate_effects(df, seed)
    by = lambda scores: [names[i] for i in np.argsort(-scores)]
    return {"deconfounded": by(naive), "confounding": by(naive - deconfounded)}


ranks = rankings(df, 0)
ranks["deconfounded"][:10]
