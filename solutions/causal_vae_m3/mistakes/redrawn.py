# Mistake: the children of shape re-drawn. Shape causes orientation and scale in the SCM,
# so the team draws them afresh from P(. | new shape) (x and y kept). The query holds
# orientation, position and scale at their observed values: this answers an interventional
# question about a typical square at this position instead.

# %% [counterfactual_answer]
def counterfactual(images, labels, shape):
    x, labels = vae_starter.as_images(images), vae_starter.as_labels(labels)
    cpts = sprites.instructor_cpts()
    rng = np.random.default_rng()
    acted = labels.clone()
    acted[:, 0] = int(shape)
    acted[:, 1] = torch.as_tensor(rng.choice(6, size=len(acted), p=cpts["scale"][int(shape)]))
    acted[:, 2] = torch.as_tensor(rng.choice(40, size=len(acted), p=cpts["orientation"][int(shape)]))
    with torch.no_grad():
        z, _ = ENCODER(torch.cat([x, vae_starter.features(labels)], dim=-1))
        logits = DECODER(torch.cat([vae_starter.features(acted), z], dim=-1))
    return torch.sigmoid(logits).numpy().reshape(-1, 32, 32)
