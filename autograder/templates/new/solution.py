# Reference solution for __TITLE__ (assignments/__HW_ID__/__HW_ID__.ipynb).
# One section per answer cell, headed `# %% [grade_id]` with the cell's nbgrader
# grade_id; `course release` puts each section between the cell's BEGIN/END SOLUTION
# markers. A written answer is `# %% [grade_id] markdown`, each line prefixed `# `
# (put the TA rubric there). REPLACE the section below with your homework's.

# %% [p_y_do_answer]
def p_y_do(model, num_samples, seed):
    """Share of Y=1 among num_samples draws of the model with X set to 1."""
    rng = np.random.default_rng(seed)
    z = (rng.random(num_samples) < model["p_z"]).astype(int)   # Z keeps its own law
    x = np.ones(num_samples, dtype=int)                        # do(X=1): X ignores Z
    p_y = np.asarray(model["p_y"])[x, z]
    return float(np.mean(rng.random(num_samples) < p_y))


p_y_do(MODEL, 1000, seed=0)
