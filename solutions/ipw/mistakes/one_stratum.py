# A slip a TA expects (issue 24, an effect from a subset of the units): the resampled set is
# right, but the contrast is computed among the happy subscribers only ("the weights already
# adjusted for happiness, so one level will do"). On the study's table that lies close to the
# effect (0.046 against 0.055); the grader's second table is drawn so that it does not.

# %% [ipw_ace_answer]
def ipw_ace(cpts, num_samples, seed):
    joint = weighted_joint(cpts, num_samples, seed)
    omega = pd.DataFrame(resample(joint, num_samples, seed + 1), columns=["z", "x", "y"])
    happy = omega[omega.z == 1]
    rates = happy.groupby("x")["y"].mean()
    return float(rates[0] - rates[1])
