# Known mistake: Gumbel noise added to the probabilities instead of the logits. argmax(p + G)
# draws with softmax(p), which is much flatter than p.

# %% [gumbel_answer]
def sample_component(logits, seed):
    probs = softmax(np.asarray(logits, dtype=float), axis=1)
    rng = np.random.default_rng(seed)
    return np.argmax(probs - np.log(-np.log(rng.uniform(size=probs.shape))), axis=1)
