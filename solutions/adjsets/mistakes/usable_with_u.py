# A slip a TA expects: the usable sets are taken to be the valid ones, forgetting that U
# (the user's taste for shopping) was never measured, so no set holding it can be used.

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
usable_sets_11 = set(valid_sets_11)       # every valid set can be used
valid_sets_11, usable_sets_11
