# Reference solution for assignments/adjsets/adjsets.ipynb.
# One section per answer cell, keyed by the cell's nbgrader grade_id. Every set is
# computed with networkx's d-separation; nothing is typed in.

# %% [sets_11_answer]
def is_backdoor_set(dag, treatments, outcome, candidate):
    """Back-door criterion for the (joint) effect of `treatments` on `outcome`."""
    treatments, candidate = set(treatments), set(candidate)
    if candidate & treatments or outcome in candidate:
        return False
    descendants = set().union(*(nx.descendants(dag, t) for t in treatments))
    if candidate & descendants:
        return False
    # keep only the back-door paths: drop every arrow out of a treatment
    backdoor_graph = dag.copy()
    backdoor_graph.remove_edges_from([e for t in treatments for e in list(dag.out_edges(t))])
    return nx.is_d_separator(backdoor_graph, treatments, {outcome}, candidate)


def all_backdoor_sets(dag, treatments, outcome):
    others = sorted(set(dag.nodes) - set(treatments) - {outcome})
    subsets = (frozenset(c) for r in range(len(others) + 1)
               for c in itertools.combinations(others, r))
    return {s for s in subsets if is_backdoor_set(dag, treatments, outcome, s)}


def minimal_sets(sets):
    return {s for s in sets if not any(other < s for other in sets)}


valid_sets_11 = all_backdoor_sets(dag_11, {"X"}, "Y")
usable_sets_11 = {s for s in valid_sets_11 if "U" not in s}
valid_sets_11, usable_sets_11

# %% [ace_11_answer]
def app_model(cpts, num_users):
    p_w = torch.tensor(cpts["p_w1_given_xu"])
    p_y = torch.tensor(cpts["p_y1_given_xu"])
    with pyro.plate("users", num_users):
        u = pyro.sample("U", dist.Bernoulli(torch.tensor(float(cpts["p_u1"])))).long()
        x = pyro.sample("X", dist.Bernoulli(torch.tensor(float(cpts["p_x1"])))).long()
        w = pyro.sample("W", dist.Bernoulli(p_w[x, u]))
        y = pyro.sample("Y", dist.Bernoulli(p_y[x, u]))
    return x, w, y


def ace_11(cpts, num_samples, seed):
    pyro.set_rng_seed(seed)
    x, w, y = app_model(cpts, num_samples)
    # the usable valid set is empty: compare purchase rates across the feature groups
    return (y[x == 1].mean() - y[x == 0].mean()).item()


ace_11(cpts_11, 4000, seed=1)

# %% [explain_w_11] markdown
# **Model answer.** Adjusting for usage gives a contrast close to zero (slightly negative,
# about −0.01), while the simulated effect of the feature is about +0.10: the feature raises
# purchases by ten points. W is a collider on the path X → W ← U → Y. Left alone, that path is
# blocked and X and U are independent, because the feature was assigned at random. Stratifying
# on W opens the path: among high-usage users, those who did not get the feature must more
# often be shopping lovers (U=1) to have used the app so much, and shopping lovers buy more.
# This "explaining away" makes the feature look useless inside each usage group. W is also a
# descendant of X, which the first condition of the back-door criterion rules out for exactly
# this reason.
#
# **Rubric (2 points, TA only).** 1 point: identifies W as a collider (common effect of X and
# U) and names the path X → W ← U → Y that conditioning on W opens (or, equivalently, says W
# is a descendant of X so the back-door criterion excludes it). 1 point: reports both numbers
# from the simulation and explains that the W-adjusted contrast is biased (it shrinks the
# effect towards or below zero) while the unadjusted contrast is the causal effect here. No
# credit for "adjusting for more variables is always safer".

# %% [formula_11_answer]
non_empty = next(s for s in valid_sets_11 if s)          # the set {U}


def drop_irrelevant(dag, target, given):
    """Remove conditioning variables that d-separation shows to be irrelevant to target."""
    given = set(given)
    for v in sorted(given):
        if nx.is_d_separator(dag, set(target), {v}, given - {v}):
            given.discard(v)
    return given


formula_11 = {
    "sum_over": set(non_empty),
    # X has no parents, so do(X=x) can be replaced by conditioning on X=x in both factors
    "y_given": drop_irrelevant(dag_11, {"Y"}, {"X", "W"} | non_empty),
    "u_given": drop_irrelevant(dag_11, non_empty, {"X", "W"}),
}
formula_11

# %% [explain_formula_11] markdown
# **Model answer.** P(Y=y | do(X=x), W=high) = Σ_u P(Y=y | X=x, U=u) P(U=u | X=x, W=high).
# The weight is the distribution of U *among users with that feature status and high usage*,
# not the population P(U=u): W is a common effect of X and U, so once we look only at
# high-usage users, U depends on X (explaining away). The Y factor does not need W, because
# given X and U, W carries no further information about Y. Without U the whole expression
# collapses to P(Y=y | X=x, W=high), which is a well-defined conditional quantity but mixes
# different kinds of users across the two feature groups; it is not the effect of the feature
# on a fixed group of people, and comparing it across x does not give the ACE.
#
# **Rubric (2 points, TA only).** 1 point: writes the formula with P(Y | X, U) (W may appear)
# and P(U | X, W=high). 1 point: explains that conditioning on the collider W makes U depend on
# X, so the weight must condition on both X and W, and notes that the "effect among high-usage
# users" compares different mixes of users (not the population ACE). Half credit for a correct
# formula with no reason given.

# %% [z_alone_12_answer]
z_alone_valid_12 = is_backdoor_set(dag_12, {"X"}, "Y", {"Z"})
z_alone_valid_12

# %% [sets_12_answer]
backdoor_sets_12 = all_backdoor_sets(dag_12, {"X"}, "Y")
backdoor_sets_12

# %% [formulas_12] markdown
# **Model answer.** With S = {Z, E}: P(y | do(x)) = Σ_{z,e} P(y | x, z, e) P(z, e).
# With S = {Z, A}: P(y | do(x)) = Σ_{z,a} P(y | x, z, a) P(z, a).
# With S = {Z, A, E}: P(y | do(x)) = Σ_{z,a,e} P(y | x, z, a, e) P(z, a, e). Given X, Z and A,
# E is d-separated from Y, so P(y | x, z, a, e) = P(y | x, z, a), and summing out e turns the
# third formula into the second one. {Z} alone fails because Z is a collider between E and A:
# conditioning on it opens X ← E → Z ← A → Y, while leaving Z out keeps X ← Z → Y open.
#
# **Rubric (2 points, TA only).** 1 point: three correct formulas (sum over the adjustment
# variables, outcome conditioned on x and the set, weights from the *marginal* distribution of
# the set, not conditioned on x). 1 point: notices that {Z, A, E} reduces to {Z, A} (E is
# irrelevant given X, Z, A) and names the path X ← E → Z ← A → Y opened by conditioning on Z.

# %% [cheapest_12_answer]
def cost(s):
    return sum(COSTS_12.get(v, 0) for v in s)


cheapest_set_12 = min(backdoor_sets_12, key=cost)
cheapest_cost_12 = float(cost(cheapest_set_12))
cheapest_set_12, cheapest_cost_12

# %% [sets_13_answer]
backdoor_sets_13 = all_backdoor_sets(dag_13, {"X"}, "Y")
len(backdoor_sets_13)

# %% [minimal_13_answer]
minimal_sets_13 = minimal_sets(backdoor_sets_13)
minimal_sets_13

# %% [minimal_d_13_answer]
minimal_sets_d_13 = minimal_sets(all_backdoor_sets(dag_13, {"D"}, "Y"))
minimal_sets_d_13

# %% [minimal_dw_13_answer]
minimal_sets_dw_13 = minimal_sets(all_backdoor_sets(dag_13, {"D", "W"}, "Y"))
minimal_sets_dw_13
