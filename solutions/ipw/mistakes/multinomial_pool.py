# A slip seen when torch.multinomial(probs, n, replacement=False) refuses to draw more rows
# than there are keys: the student repeats the 8 keys once per requested sample (a pool of
# 8 x num_samples rows, each weighted by its key's probability) and draws without
# replacement from that. Heavy keys run out a little, which flattens the table slightly:
# the weakest pool the resample question is sized to catch.

# %% [resample_answer]
def resample(joint, num_samples, seed):
    torch.manual_seed(seed)
    keys = list(joint)
    probs = torch.tensor([float(joint[k]) for k in keys], dtype=torch.float64)
    pool = probs.repeat(num_samples)                    # row i is key i % 8
    rows = torch.multinomial(pool, num_samples, replacement=False)
    return np.array(keys)[(rows % len(keys)).numpy()]
