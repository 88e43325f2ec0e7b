# Known mistake: only the independences "given the common cause shape" are listed; those
# that d-separation gives through the chains (given orientation or scale) are missing, and
# two marginal-looking statements are conditioned on the wrong factor.

# %% [independences_answer]
independences = {("orientation", "scale", "shape"), ("x", "y", "shape"),
                 ("x", "scale", "shape"), ("y", "orientation", "shape"),
                 ("x", "shape", "y"), ("y", "shape", "x")}
