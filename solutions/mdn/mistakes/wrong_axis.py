# Known mistake: the softmax taken over the rows (axis 0, the draws) instead of over the
# components, then a correct Gumbel-max on its log.

# %% [gumbel_answer]
def sample_component(logits, seed):
    probs = softmax(np.asarray(logits, dtype=float), axis=0)
    rng = np.random.default_rng(seed)
    return np.argmax(np.log(probs) - np.log(-np.log(rng.uniform(size=probs.shape))), axis=1)
