# The implied independences computed rather than read off by hand: d-separation in
# networkx on the team's own DAG (the image left out of the conditioning sets and pairs).

# %% [independences_answer]
_factor_dag = nx.DiGraph(dag_edges)
independences = {(a, b, c) for a, b in itertools.combinations(FACTORS, 2) for c in FACTORS
                 if c not in (a, b) and nx.is_d_separator(_factor_dag, {a}, {b}, {c})}
