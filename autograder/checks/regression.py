"""Is a simulated data set what a regression model with known coefficients produces?
Two exact tests for a student's simulator of a structural model: a logistic equation
(score test) and a linear-Gaussian one (residuals against the known noise), each a
chi-square statistic to turn into a p-value; and the score test's noncentrality per unit
against a known wrong equation, to size the data set.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit


def _predictor(columns, beta):
    """beta[0] + beta[1] columns[0] + ..., term by term."""
    out = beta[0]
    for b, c in zip(beta[1:], columns):
        out = out + b * np.asarray(c, dtype=np.float64)
    return out


def logistic_score(columns, y, beta) -> float:
    """U' I^-1 U of logit P(y=1) = beta[0] + beta[1:] . columns at the given beta:
    chi2 with len(beta) degrees of freedom when y follows that equation."""
    x = np.column_stack([np.ones(len(y))] + [np.asarray(c, dtype=np.float64) for c in columns])
    p = expit(_predictor(columns, beta))
    u = x.T @ (np.asarray(y, dtype=np.float64) - p)
    info = (x * (p * (1 - p))[:, None]).T @ x
    return float(u @ np.linalg.solve(info, u))


def logistic_score_noncentrality(columns, weights, beta, wrong) -> float:
    """Per-unit noncentrality of `logistic_score` when y follows the coefficients `wrong`
    instead of `beta`, the columns' law given as quadrature nodes and weights."""
    p, q = expit(_predictor(columns, beta)), expit(_predictor(columns, wrong))
    x = np.stack([np.ones(len(weights))] + [np.asarray(c, dtype=np.float64) for c in columns])
    mu = x @ (weights * (q - p))
    info = (x * (weights * p * (1 - p))) @ x.T
    return float(mu @ np.linalg.solve(info, mu))


def linear_residual_statistic(columns, y, beta, sigma: float) -> float:
    """With the true coefficients the residuals r of y = beta[0] + beta[1:] . columns are
    iid N(0, sigma^2) given the columns, so r'X (X'X)^-1 X'r / sigma^2 ~ chi2(len(beta))."""
    x = np.column_stack([np.ones(len(y))] + [np.asarray(c, dtype=np.float64) for c in columns])
    r = np.asarray(y, dtype=np.float64) - x @ np.asarray(beta, dtype=np.float64)
    xr = x.T @ r
    return float(xr @ np.linalg.solve(x.T @ x, xr)) / sigma ** 2
