"""Linear-Gaussian structural causal models with exact moments: the equations
V_i := c_i + sum_j b_ij V_j + N_i in rational arithmetic (fractions.Fraction), so
that marginals, interventions and Gaussian conditionals come out of the algebra,
not out of a typed-in number (the SCM homework derives 8/17 and 1/17 this way).
"""
from __future__ import annotations

from fractions import Fraction


class LinearGaussianSCM:
    """V_i := c_i + sum_j b_ij V_j + N_i with independent N_i ~ N(0, s_i^2).

    Equations are given in causal (topological) order; all numbers are Fractions,
    so every moment is exact.
    """

    def __init__(self, equations: dict[str, tuple[Fraction, dict[str, Fraction], Fraction]]):
        # name -> (intercept, {parent: coefficient}, noise variance)
        self.equations = {k: (Fraction(c), {p: Fraction(b) for p, b in pa.items()}, Fraction(v))
                          for k, (c, pa, v) in equations.items()}
        self.names = list(self.equations)

    def do(self, **values) -> "LinearGaussianSCM":
        """The intervened model: each named variable's equation becomes V := value."""
        eqs = dict(self.equations)
        for name, value in values.items():
            eqs[name] = (Fraction(value), {}, Fraction(0))
        return LinearGaussianSCM(eqs)

    def moments(self) -> tuple[dict, dict]:
        """Exact means and covariances, propagated through the equations in order."""
        mean, cov = {}, {}
        for v in self.names:
            c, parents, noise = self.equations[v]
            mean[v] = c + sum(b * mean[p] for p, b in parents.items())
            for w in mean:  # covariance with every earlier variable (and itself)
                if w == v:
                    continue
                cov[v, w] = cov[w, v] = sum(b * cov[p, w] for p, b in parents.items())
            cov[v, v] = noise + sum(b * cov[p, v] for p, b in parents.items())
        return mean, cov

    def marginal(self, target: str) -> tuple[Fraction, Fraction]:
        mean, cov = self.moments()
        return mean[target], cov[target, target]

    def conditional(self, target: str, given: str, value) -> tuple[Fraction, Fraction]:
        """(mean, variance) of target given one observed variable (Gaussian conditioning)."""
        mean, cov = self.moments()
        if cov[given, given] == 0:
            raise ValueError(f"{given} is deterministic; conditioning on it is not defined")
        k = cov[target, given] / cov[given, given]
        return (mean[target] + k * (Fraction(value) - mean[given]),
                cov[target, target] - k * cov[target, given])
