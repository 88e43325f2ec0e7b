# Known mistake: "do" by conditioning. The film model is run forward and, per actor, the mean
# revenue of the simulated films that cast the actor is compared with those that do not:
# the observational contrast, which the model's own confounding z -> A_j, z -> Y biases.

# %% [do_answer]
def film_model(z, params):
    W, b, beta, gamma = (torch.as_tensor(np.asarray(params[k]), dtype=torch.float32)
                         for k in ("W", "b", "beta", "gamma"))
    with pyro.plate("films", z.shape[0]):
        cast = [pyro.sample(f"actor_{j}", dist.Bernoulli(logits=z @ W[j] + b[j]))
                for j in range(len(b))]
        mean = float(params["alpha"]) + torch.stack(cast, -1) @ beta + z @ gamma
        return pyro.sample("log_revenue", dist.Normal(mean, float(params["sigma"])))


def do_effects(params, z_hat, num_samples, seed):
    pyro.set_rng_seed(seed)
    z = torch.as_tensor(np.asarray(z_hat), dtype=torch.float32).repeat(num_samples, 1)
    with torch.no_grad():
        trace = pyro.poutine.trace(film_model).get_trace(z, params)
    y = trace.nodes["log_revenue"]["value"]
    out = []
    for j in range(len(params["b"])):
        cast = trace.nodes[f"actor_{j}"]["value"] == 1
        out.append(float(y[cast].mean() - y[~cast].mean()))
    return np.array(out)


x = np.column_stack([np.ones(len(revenue)), casts, z_hat])
coef, *_ = np.linalg.lstsq(x, revenue, rcond=None)
params = {"W": fit["W"].numpy(), "b": fit["b"].numpy(), "alpha": coef[0],
          "beta": coef[1:casts.shape[1] + 1], "gamma": coef[casts.shape[1] + 1:],
          "sigma": np.std(revenue - x @ coef)}
effects_do = do_effects(params, z_hat, NUM_DO_SAMPLES, seed=1)
