# Mistake: "a square" drawn from the prior. The team generates a fresh square: its
# orientation, scale and position drawn from the SCM given the new shape, z from N(0, I).
# That answers "what does a square look like", not "what would THIS sprite have looked like".

# %% [counterfactual_answer]
def counterfactual(images, labels, shape):
    n = len(vae_starter.as_labels(labels))
    cpts = sprites.instructor_cpts()
    rng = np.random.default_rng()
    new = np.zeros((n, 5), dtype=np.int64)
    new[:, 0] = int(shape)
    new[:, 1] = rng.choice(6, size=n, p=cpts["scale"][int(shape)])
    new[:, 2] = rng.choice(40, size=n, p=cpts["orientation"][int(shape)])
    new[:, 3] = [rng.choice(32, p=cpts["x"][o]) for o in new[:, 2]]
    new[:, 4] = [rng.choice(32, p=cpts["y"][c]) for c in new[:, 1]]
    z = torch.randn(n, cf_starter.Z_DIM)
    with torch.no_grad():
        logits = DECODER(torch.cat([vae_starter.features(new), z], dim=-1))
    return torch.sigmoid(logits).numpy().reshape(-1, 32, 32)
