# Another correct resampling: draw the labels from the SCM itself (ancestral sampling) and
# look up their rows. GRID holds every combination once, so a row drawn this way has
# exactly the law of a row resampled with weights P_SCM / P_data.

# %% [resample_answer]
def resample(n, seed):
    return sprites.row_of(sample_scm(n, seed))
