# Known mistake: the arrows between factors point from effect to cause.

# %% [dag_answer]
dag_edges = {("orientation", "shape"), ("scale", "shape"), ("x", "orientation"),
             ("y", "scale")} | {(f, "image") for f in FACTORS}
