# Alternative correct method: every set worked out by hand (tracing paths on the
# drawings) and typed in as plain Python sets, and the ACE of the simulation computed
# exactly from the tables by summing over U instead of sampling. No networkx, no
# Monte Carlo error. Also written with lists and lower-case names, which the
# grader must accept as the same sets.

# %% [sets_11_answer]
valid_sets_11 = [set(), {"u"}]
usable_sets_11 = [set()]

# %% [ace_11_answer]
def ace_11(cpts, num_samples, seed):
    p_u = [1 - cpts["p_u1"], cpts["p_u1"]]
    p_y = cpts["p_y1_given_xu"]
    return sum(p_u[u] * (p_y[1][u] - p_y[0][u]) for u in (0, 1))

# %% [formula_11_answer]
formula_11 = {"sum_over": ["U"], "y_given": ["x", "u", "w"], "u_given": ("W", "X")}

# %% [z_alone_12_answer]
z_alone_valid_12 = False

# %% [sets_12_answer]
backdoor_sets_12 = [{"Z", "E"}, {"Z", "A"}, {"Z", "A", "E"}]

# %% [cheapest_12_answer]
cheapest_set_12 = {"Z", "A"}
cheapest_cost_12 = sum(COSTS_12[v] for v in cheapest_set_12 if v in COSTS_12)

# %% [sets_13_answer]
# Z must always be in (it is the only way to block X <- Z -> Y), and then one of A, B,
# C, D blocks the path X <- A <- B -> Z <- C -> D -> Y that conditioning on Z opens.
backdoor_sets_13 = [frozenset({"Z"} | set(extra))
                    for r in range(1, 5) for extra in itertools.combinations("ABCD", r)]

# %% [minimal_13_answer]
minimal_sets_13 = [{"A", "Z"}, {"B", "Z"}, {"C", "Z"}, {"D", "Z"}]

# %% [minimal_d_13_answer]
minimal_sets_d_13 = [{"C"}, {"A", "Z"}, {"B", "Z"}, {"X", "Z"}, {"W", "Z"}]

# %% [minimal_dw_13_answer]
minimal_sets_dw_13 = [{"Z"}, {"C", "X"}]
