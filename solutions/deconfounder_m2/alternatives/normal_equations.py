# Another correct style: least squares through the normal equations, and do() with common
# random numbers (both arms of an actor drawn with the same seed, so their difference has
# less Monte Carlo noise), the model written with poutine handlers.

# %% [adjusted_answer]
def adjusted_effects(casts, revenue, z_hat):
    a = np.asarray(casts, dtype=float)
    x = np.hstack([np.ones((a.shape[0], 1)), a, np.asarray(z_hat, dtype=float).reshape(a.shape[0], -1)])
    beta = np.linalg.solve(x.T @ x, x.T @ np.asarray(revenue, dtype=float))
    return beta[1:1 + a.shape[1]]


effects_adjusted = adjusted_effects(casts, revenue, z_hat)

# %% [do_answer]
def film_model(z, params):
    t = {k: torch.tensor(np.asarray(params[k], dtype=np.float32)) for k in ("W", "b", "beta", "gamma")}
    logits = z @ t["W"].T + t["b"]                                   # films x actors
    with pyro.plate("films", z.shape[0]):
        cast = torch.stack([pyro.sample(f"actor_{j}", dist.Bernoulli(logits=logits[:, j]))
                            for j in range(logits.shape[1])], dim=-1)
        loc = cast @ t["beta"] + z @ t["gamma"] + float(params["alpha"])
        return pyro.sample("log_revenue", dist.Normal(loc, float(params["sigma"])))


def do_effects(params, z_hat, num_samples, seed):
    z = torch.tensor(np.tile(np.asarray(z_hat, dtype=np.float32), (num_samples, 1)))
    effects = np.zeros(len(params["b"]))
    for j in range(len(effects)):
        means = []
        for value in (1.0, 0.0):
            pyro.set_rng_seed(seed + j)                      # the same draws in both arms
            intervened = pyro.poutine.do(film_model, data={f"actor_{j}": torch.full((len(z),), value)})
            trace = pyro.poutine.trace(intervened).get_trace(z, params)
            means.append(trace.nodes["log_revenue"]["value"].mean().item())
        effects[j] = means[0] - means[1]
    return effects


x = np.column_stack([np.ones(len(revenue)), casts, z_hat])
coef = np.linalg.solve(x.T @ x, x.T @ revenue)
params = {"W": fit["W"].numpy(), "b": fit["b"].numpy(), "alpha": coef[0],
          "beta": coef[1:1 + casts.shape[1]], "gamma": coef[1 + casts.shape[1]:],
          "sigma": np.std(revenue - x @ coef)}
with torch.no_grad():
    effects_do = do_effects(params, z_hat, NUM_DO_SAMPLES, seed=1)
plt.scatter(effects_adjusted, effects_do, s=12)
plt.xlabel("adjusted")
plt.ylabel("do()")
plt.show()
