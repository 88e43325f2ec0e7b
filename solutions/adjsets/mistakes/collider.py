# Known mistake (content brief §1): adjusting for a collider. In DAG 1.1 the student
# treats W as a harmless covariate (lists {W} as valid and stratifies the simulation
# on it); in DAG 1.2 they take {Z} alone as valid, since Z is a parent of X and Y.

# %% [sets_11_answer]
def is_backdoor_set(dag, treatments, outcome, candidate):
    treatments, candidate = set(treatments), set(candidate)
    if candidate & treatments or outcome in candidate:
        return False
    if candidate & set().union(*(nx.descendants(dag, t) for t in treatments)):
        return False
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


# typed in by hand for DAG 1.1: "usage is a covariate, so adjusting for it is fine too"
valid_sets_11 = {frozenset(), frozenset({"U"}), frozenset({"W"})}
usable_sets_11 = {frozenset(), frozenset({"W"})}

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
    effect = 0.0
    for level in (0.0, 1.0):          # "control for engagement"
        stratum = w == level
        diff = y[stratum & (x == 1)].mean() - y[stratum & (x == 0)].mean()
        effect += diff.item() * stratum.float().mean().item()
    return effect

# %% [z_alone_12_answer]
z_alone_valid_12 = True

# %% [sets_12_answer]
backdoor_sets_12 = {frozenset({"Z"}), frozenset({"Z", "E"}), frozenset({"Z", "A"}),
                    frozenset({"Z", "A", "E"})}

# %% [cheapest_12_answer]
cheapest_set_12 = frozenset({"Z"})
cheapest_cost_12 = 0.0

# %% [formula_11_answer]
# (this part is answered correctly by hand, so only the collider questions differ)
formula_11 = {"sum_over": {"U"}, "y_given": {"X", "U"}, "u_given": {"X", "W"}}
