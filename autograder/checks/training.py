"""Did a model train? The losses a training loop recorded, step by step.

The mean loss of the last tenth of the steps against the first tenth: a one-sided
Welch z-test of the drop. A trained model's drop is of order 100 standard errors, so
the test is deterministic in effect; it runs at the submission's whole false-fail
budget and takes no share of it (n_checks 0).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .evidence import Malformed, Threshold
from .guards import as_array
from .result import AnswerError, CheckResult, failed, passed


def loss_falls(losses, budget: float, name: str = "losses", min_steps: int = 50,
               hint: str = "") -> CheckResult:
    """Pass iff the recorded loss falls: z of (first tenth's mean - last tenth's mean)
    above the one-sided critical value at `budget` (each tenth at least 10 steps).
    Fewer than `min_steps` losses read as an untrained model; a non-finite loss as a
    training run that diverged."""
    if not isinstance(losses, (list, tuple, np.ndarray)) or len(losses) < min_steps:
        raise AnswerError(f"`{name}` should hold the loss of every training step (at least "
                          f"{min_steps}); it looks like the model was not trained.")
    v = as_array(losses, name, shape=(len(losses),))
    if not np.all(np.isfinite(v)):
        return failed(f"`{name}` contains values that are not finite: the training diverged. "
                      "Try a smaller learning rate.", evidence=Malformed())
    w = max(10, v.size // 10)
    first, last = v[:w], v[-w:]
    se = math.sqrt(first.var(ddof=1) / w + last.var(ddof=1) / w)
    drop = float(first.mean() - last.mean())
    z = drop / se if se > 0 else (math.inf if drop > 0 else -math.inf)
    crit = float(stats.norm.isf(budget))
    detail = dict(drop=drop, drop_se=se, loss_z=z, loss_z_crit=crit,
                  evidence=Threshold(z > crit, z, crit))
    if z > crit:
        return passed("The loss decreases during training.", **detail)
    return failed(f"The loss in `{name}` does not decrease: the model looks untrained."
                  + (f" {hint}" if hint else ""), **detail)
