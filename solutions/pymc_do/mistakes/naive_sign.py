# Known mistake: the naive difference taken the other way round (undiluted minus diluted).

# %% [naive_answer]
coating, diluted = np.asarray(data["C"]), np.asarray(data["D"]) == 1
naive_difference = float(coating[~diluted].mean() - coating[diluted].mean())
naive_difference
