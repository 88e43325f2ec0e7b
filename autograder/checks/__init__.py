"""Monte-Carlo-aware helpers for hidden checks (statistics: docs/statistics.md).

Guards turn raw answers into clean data or raise AnswerError; checks return a
CheckResult whose message is student-facing, whose detail is for TAs only, and whose
evidence is the typed record of what it compared (evidence.py). Probe families
(tables.py) and the other shared mechanisms of the homeworks live here too, so a
homework's checks.py stays a declaration (docs/authoring.md).
"""
from .budget import DEFAULT_BUDGET, detection_probability, holm, per_check_alpha, required_n, z_critical
from .chains import ar1_step, autocorrelation_gate, thin_to_independence
from .design import ks_required_n, ks_required_n_at, required_n_against, required_n_chi2, stated_n
from .discrete import (categorical_pit, cell_frequencies, chi2_against_pmf, exact_multinomial_pvalue,
                       frequencies, frequencies_against_draws, frequencies_power,
                       frequencies_required_n, pool_cells)
from .distribution import (MixedDistribution, anderson_darling, detect_grid, gof, pvalue_check,
                           randomised_pit, thin_to_ess, with_atoms)
from .contingency import (contingency_phi2, dependent, frequencies_screened, independence_power,
                          independence_pvalue, independence_required_n, independent)
from .floors import FLOAT32_FLOOR, ROUNDING_3DP
from .estimate import (close_to, close_to_each, close_to_runs, kish_ess, mean_se, prediction_band,
                       prediction_bound, proportion_se, snis_se)
from .evidence import (KINDS, Convergence, Counts, Estimate, Estimates, Evidence, Exact,
                       GoodnessOfFit, Malformed, ReferenceMatch, Threshold, TwoSample,
                       evidence_from_dict)
from .guards import (as_array, as_binary_table, as_dict, as_float, as_indices, as_int,
                     as_mean_variance, as_probability, as_probability_table, binary_columns,
                     min_distinct)
from .posterior import (converged, convergence, ess_bulk, gated_mean, matches_reference,
                        mcse_mean, posterior_draws, regression_posterior, rhat,
                        rhat_false_fail_rate)
from .mixture import as_mixture, dip_ratio, mixture_density, mixture_nll, nll_at_most
from .omnibus import close_to_table, multinomial_cov, sidak_pvalue
from .exact import exact_table, transposed
from .probes import (JITTER_MIN, JITTER_RATIO, STORED_DRAWS_WORDS, draw_probe, fresh_draws,
                     jitter_ratio, repeated, replayed, stale, twice)
from .regression import linear_residual_statistic, logistic_score, logistic_score_noncentrality
from .result import AnswerError, CheckResult, after_gate, all_of, all_of_parts, failed, passed
from .tables import LOOKUP_TOLD, ProbeTables, binomial_contrast
from .training import loss_falls
from .sequential import sequential, spending, stage_sizes
from .sets import compare_sets, compare_structure, normalise_sets
from .twosample import (ad2_permutation_test, two_sample, two_sample_joint, two_sample_n,
                        witness_test)

__all__ = [
    "STORED_DRAWS_WORDS",
    "DEFAULT_BUDGET", "AnswerError", "CheckResult", "passed", "failed", "all_of",
    "all_of_parts", "after_gate", "Evidence", "Estimate", "Estimates", "Counts",
    "GoodnessOfFit", "TwoSample", "ReferenceMatch", "Convergence", "Threshold", "Exact",
    "Malformed", "evidence_from_dict", "KINDS", "FLOAT32_FLOOR", "ROUNDING_3DP", "z_critical",
    "per_check_alpha", "holm", "required_n", "detection_probability", "required_n_against",
    "stated_n", "ks_required_n", "ks_required_n_at", "frequencies_required_n",
    "required_n_chi2", "as_float", "as_probability", "as_int",
    "as_array", "as_dict", "as_probability_table", "min_distinct", "as_binary_table",
    "binary_columns", "as_indices", "as_mean_variance", "proportion_se", "mean_se", "kish_ess",
    "snis_se", "close_to", "close_to_each", "prediction_band", "prediction_bound",
    "close_to_runs", "gof",
    "pvalue_check", "anderson_darling", "thin_to_ess", "with_atoms", "MixedDistribution",
    "randomised_pit", "detect_grid", "two_sample", "two_sample_joint", "two_sample_n",
    "ad2_permutation_test", "witness_test", "frequencies", "frequencies_against_draws", "exact_multinomial_pvalue",
    "pool_cells", "chi2_against_pmf", "cell_frequencies", "close_to_table", "multinomial_cov",
    "sidak_pvalue", "sequential", "spending", "stage_sizes", "mcse_mean", "ess_bulk", "rhat",
    "matches_reference", "convergence", "rhat_false_fail_rate", "posterior_draws", "converged",
    "regression_posterior", "normalise_sets", "compare_sets", "compare_structure", "draw_probe",
    "fresh_draws", "jitter_ratio", "JITTER_RATIO", "JITTER_MIN", "twice", "replayed", "stale", "repeated",
    "ProbeTables", "binomial_contrast",
    "LOOKUP_TOLD", "exact_table", "transposed", "loss_falls", "as_mixture", "mixture_nll",
    "mixture_density", "dip_ratio", "nll_at_most", "gated_mean", "logistic_score",
    "logistic_score_noncentrality", "linear_residual_statistic",
    "categorical_pit", "frequencies_power",
    "frequencies_required_n", "thin_to_independence", "ar1_step", "autocorrelation_gate",
    "independent", "dependent", "independence_pvalue", "independence_power",
    "independence_required_n", "contingency_phi2", "frequencies_screened",
]
