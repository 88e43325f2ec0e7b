# Known mistake: the back-door test implemented with d-separation only, forgetting
# that the set may not contain descendants of the treatment. In DAG 1.1 the collider
# W then slips in; in DAG 1.3 every valid set comes back a second time with W added.
# Minimal sets are unaffected (W is never needed), so those questions keep their marks.

# %% [sets_11_answer]
def is_backdoor_set(dag, treatments, outcome, candidate):
    treatments, candidate = set(treatments), set(candidate)
    if candidate & treatments or outcome in candidate:
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


valid_sets_11 = all_backdoor_sets(dag_11, {"X"}, "Y")
usable_sets_11 = {s for s in valid_sets_11 if "U" not in s}
