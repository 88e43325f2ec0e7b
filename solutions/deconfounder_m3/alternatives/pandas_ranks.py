# Another correct style: the naive model through torch's least squares in float64, the
# rankings from one pandas table sorted twice.

# %% [naive_answer]
def naive_effects(casts, revenue):
    a = torch.as_tensor(np.asarray(casts), dtype=torch.float64)
    x = torch.cat([torch.ones(a.shape[0], 1, dtype=torch.float64), a], dim=1)
    y = torch.as_tensor(np.asarray(revenue), dtype=torch.float64).unsqueeze(1)
    return torch.linalg.lstsq(x, y).solution[1:, 0].numpy()


effects_naive = naive_effects(casts, revenue)

# %% [rankings_answer]
def rankings(df, seed):
    casts, revenue = casts_and_revenue(df)
    table = pd.DataFrame({"deconfounded": estimate_effects(df, seed),
                          "naive": naive_effects(casts, revenue)}, index=actor_columns(df))
    table["confounding"] = table["naive"] - table["deconfounded"]
    return {key: table[key].sort_values(ascending=False).index.tolist()
            for key in ("deconfounded", "confounding")}


table = pd.DataFrame({"naive": effects_naive, "deconfounded": effects_deconfounded}, index=ACTORS)
table["confounding"] = table["naive"] - table["deconfounded"]
franchise_actor = table["confounding"].idxmax()
table.sort_values("confounding", ascending=False).head(10).plot.barh(y=["naive", "deconfounded"])
plt.show()
franchise_actor
