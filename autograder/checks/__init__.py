"""Monte-Carlo-aware helpers for hidden checks (statistics: docs/statistics.md).

Guards turn raw answers into clean data or raise AnswerError; checks return a
CheckResult whose message is student-facing and whose detail is for TAs only.
"""
from .budget import DEFAULT_BUDGET, detection_probability, holm, per_check_alpha, required_n, z_critical
from .design import required_n_against, stated_n
from .discrete import exact_multinomial_pvalue, frequencies, pool_cells
from .distribution import (MixedDistribution, anderson_darling, detect_grid, gof, randomised_pit,
                           thin_to_ess, with_atoms)
from .floors import FLOAT32_FLOOR, ROUNDING_3DP
from .estimate import close_to, close_to_each, kish_ess, mean_se, proportion_se, snis_se
from .guards import (as_array, as_dict, as_float, as_int, as_probability, as_probability_table,
                     min_distinct)
from .prediction import prediction_bound
from .posterior import (convergence, ess_bulk, matches_reference, mcse_mean, rhat,
                        rhat_false_fail_rate)
from .omnibus import close_to_table, multinomial_cov, sidak_pvalue
from .probes import draw_probe, fresh_draws
from .result import AnswerError, CheckResult, after_gate, all_of, failed, passed
from .sequential import sequential, spending, stage_sizes
from .sets import compare_sets, compare_structure, normalise_sets
from .twosample import (ad2_permutation_test, two_sample, two_sample_joint, two_sample_n,
                        witness_test)

__all__ = [
    "DEFAULT_BUDGET",
    "AnswerError", "CheckResult", "passed", "failed", "all_of", "after_gate",
    "FLOAT32_FLOOR", "ROUNDING_3DP",
    "z_critical", "per_check_alpha", "holm", "required_n", "detection_probability",
    "required_n_against", "stated_n",
    "as_float", "as_probability", "as_int", "as_array", "as_dict", "as_probability_table",
    "min_distinct",
    "proportion_se", "mean_se", "kish_ess", "snis_se", "close_to", "close_to_each",
    "gof", "anderson_darling", "thin_to_ess", "with_atoms", "MixedDistribution", "randomised_pit",
    "detect_grid",
    "two_sample", "two_sample_joint", "two_sample_n", "ad2_permutation_test", "witness_test",
    "frequencies", "exact_multinomial_pvalue", "pool_cells",
    "close_to_table", "multinomial_cov", "sidak_pvalue",
    "sequential", "spending", "stage_sizes",
    "mcse_mean", "ess_bulk", "rhat", "matches_reference", "convergence", "rhat_false_fail_rate",
    "normalise_sets", "compare_sets", "compare_structure",
    "draw_probe", "fresh_draws",
    "prediction_bound",
]
