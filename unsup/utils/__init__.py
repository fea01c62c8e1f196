"""Shared helpers: input validation and seeds."""

from unsup.utils.validation import check_n_jobs, check_seed, check_weights

__all__ = ["check_n_jobs", "check_seed", "check_weights"]
