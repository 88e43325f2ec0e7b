# Known mistake: the arms subtracted the wrong way round, do(A_j = 0) minus do(A_j = 1).

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
    out = []
    with torch.no_grad():
        for j in range(len(params["b"])):
            on = pyro.do(film_model, data={f"actor_{j}": torch.ones(len(z))})(z, params)
            off = pyro.do(film_model, data={f"actor_{j}": torch.zeros(len(z))})(z, params)
            out.append(float((off - on).mean()))
    return np.array(out)


x = np.column_stack([np.ones(len(revenue)), casts, z_hat])
coef, *_ = np.linalg.lstsq(x, revenue, rcond=None)
params = {"W": fit["W"].numpy(), "b": fit["b"].numpy(), "alpha": coef[0],
          "beta": coef[1:casts.shape[1] + 1], "gamma": coef[casts.shape[1] + 1:],
          "sigma": np.std(revenue - x @ coef)}
effects_do = do_effects(params, z_hat, NUM_DO_SAMPLES, seed=1)
