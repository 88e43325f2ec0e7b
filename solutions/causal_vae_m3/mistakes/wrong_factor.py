# Mistake: the wrong column intervened on. labels[:, 1] is scale, not shape (the columns are
# sprites.FACTORS = shape, scale, orientation, x, y): the sprite keeps its shape and is
# resized to the scale level with the shape's number.

# %% [counterfactual_answer]
def counterfactual(images, labels, shape):
    x, labels = vae_starter.as_images(images), vae_starter.as_labels(labels)
    with torch.no_grad():
        z, _ = ENCODER(torch.cat([x, vae_starter.features(labels)], dim=-1))
        acted = labels.clone()
        acted[:, 1] = int(shape)
        logits = DECODER(torch.cat([vae_starter.features(acted), z], dim=-1))
    return torch.sigmoid(logits).numpy().reshape(-1, 32, 32)
