"""Helpers for the deconfounder project (synthetic movie casts), shipped next to each
milestone's notebook.

- `load_casts()`: the course's data set (casts.csv): one row per film, a 0/1 column per
  actor (1: the actor is in the film's cast) and `log_revenue`.
- `actor_columns(df)` and `casts_and_revenue(df)`: the cast matrix and the revenue of any
  data frame in that form. The grader calls your functions on fresh data sets with other
  actors (other names, another franchise), so take the actors from the frame you are
  given, never from the course data.
- `practice_casts(seed)`: a fresh data set from the same generator, with its truth (the
  confounders, every actor's true effect, the franchise actor), for testing your pipeline.
- `canonical_correlations(a, b)`: how well the columns of b span those of a (a factor
  model's latent space is identified only up to an invertible linear map).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from autograder.studies.deconfounder import canonical_correlations, draw_casts

NON_ACTOR_COLUMNS = ("film", "log_revenue")

__all__ = ["load_casts", "actor_columns", "casts_and_revenue", "practice_casts",
           "canonical_correlations"]


def load_casts(path: str = "casts.csv") -> pd.DataFrame:
    return pd.read_csv(path)


def actor_columns(df: pd.DataFrame) -> list[str]:
    """The actor columns of a casts data frame, in order."""
    return [c for c in df.columns if c not in NON_ACTOR_COLUMNS]


def casts_and_revenue(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(casts, revenue): the films x actors 0/1 matrix and the log revenue, as floats."""
    return (df[actor_columns(df)].to_numpy(dtype=float),
            df["log_revenue"].to_numpy(dtype=float))


def practice_casts(seed: int) -> tuple[pd.DataFrame, dict]:
    """A fresh data set of the course's generator and its truth: `confounders` (films x 2:
    franchise, genre), `effects` ({actor: true effect on log revenue}) and
    `franchise_actor` (the name of the actor planted with no effect of their own)."""
    data = draw_casts(seed)
    truth = {"confounders": data.confounders.copy(),
             "effects": dict(zip(data.actors, data.effects.tolist())),
             "franchise_actor": data.actors[data.franchise_actor]}
    return pd.DataFrame(data.columns()), truth
