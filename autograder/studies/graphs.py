"""Reasoning on a causal DAG by d-separation (networkx): the back-door criterion, every
adjustment set and the minimal ones, and the canonical form of a do-calculus formula.
Truths of graph questions are derived with these, never typed in (the adjsets
homework's graphs; the same questions on any DAG).
"""
from __future__ import annotations

import itertools

import networkx as nx


def satisfies_backdoor(g: nx.DiGraph, treatments, outcome: str, s,
                       no_descendants: bool = True) -> bool:
    """Back-door criterion for the (joint) effect of `treatments` on `outcome`:
    no member of s is a treatment, the outcome or (unless no_descendants=False, the
    classic slip) a descendant of a treatment, and s d-separates the treatments from
    the outcome once the treatments' outgoing edges are removed (only back-door paths
    are left)."""
    t, s = set(treatments), set(s)
    if s & t or outcome in s:
        return False
    if no_descendants and s & set().union(*(nx.descendants(g, x) for x in t)):
        return False
    cut = g.copy()
    cut.remove_edges_from([e for x in t for e in list(g.out_edges(x))])
    return nx.is_d_separator(cut, t, {outcome}, s)


def backdoor_sets(g: nx.DiGraph, treatments, outcome: str,
                  no_descendants: bool = True) -> frozenset:
    """Every subset of the other nodes that satisfies the back-door criterion."""
    others = sorted(set(g) - set(treatments) - {outcome})
    return frozenset(frozenset(c) for r in range(len(others) + 1)
                     for c in itertools.combinations(others, r)
                     if satisfies_backdoor(g, treatments, outcome, c, no_descendants))


def minimal(sets) -> frozenset:
    """The valid sets none of whose proper subsets is valid."""
    return frozenset(s for s in sets if not any(o < s for o in sets))


def drop_irrelevant(g: nx.DiGraph, target, given) -> frozenset:
    """Shrink the conditioning set of P(target | given): remove, one at a time in
    name order, every variable that is d-separated from target by the rest. The
    probability does not change, so this is the canonical form of the factor."""
    target, given = set(target), set(given)
    for v in sorted(given):
        if nx.is_d_separator(g, target, {v}, given - {v}):
            given = given - {v}
    return frozenset(given)


def w_specific_formula(g: nx.DiGraph, x: str, y: str, w: str, s) -> dict:
    """P(y | do(x), w) = sum_s P(y | x, s, w) P(s | x, w), reduced by d-separation.

    Both factors use rule 2 of the do-calculus (exchange do(x) for x), which needs
    X d-separated from Y given S and W, and from S given W, in the graph without
    X's outgoing edges; that is asserted rather than assumed."""
    s = set(s)
    cut = g.copy()
    cut.remove_edges_from(list(g.out_edges(x)))
    assert nx.is_d_separator(cut, {x}, {y}, s | {w}), "rule 2 fails for the outcome factor"
    assert nx.is_d_separator(cut, {x}, s, {w}), "rule 2 fails for the weighting factor"
    return {"sum_over": frozenset(s),
            "y_given": drop_irrelevant(g, {y}, {x, w} | s),
            "u_given": drop_irrelevant(g, s, {x, w})}
