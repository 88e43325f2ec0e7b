# Known mistake (seen in practice): resampling without replacement. numpy's
# choice(..., replace=False, p=...) needs a pool at least as large as the draw, so
# this builds one (every combination repeated four times as often as the draw
# needs, weighted by its probability) and draws from it without replacement. The
# heavy combinations run out, which flattens the resampled table towards uniform.

# %% [resample_answer]
def resample(joint, num_samples, seed):
    rng = np.random.default_rng(seed)
    keys = list(joint)
    copies = 4 * num_samples // len(keys) + 1
    pool = np.repeat(np.arange(len(keys)), copies)
    weights = np.array([float(joint[keys[i]]) for i in pool])
    picks = rng.choice(pool.size, size=num_samples, replace=False, p=weights / weights.sum())
    return np.array(keys)[pool[picks]]
