"""Scoring estimates against the simulated truth: binned errors, 1 Hz averages, lags."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike


class BinnedErrors(NamedTuple):
    """Bias (mean of estimate - truth), RMSE and count in each bin of the true value."""

    edges: np.ndarray
    bias: np.ndarray
    rmse: np.ndarray
    count: np.ndarray


def binned_errors(truth: ArrayLike, estimate: ArrayLike, edges: ArrayLike) -> BinnedErrors:
    """Bias and RMSE of ``estimate`` in bins ``edges[i] <= truth < edges[i+1]``.

    Bins without samples give NaN. NaN estimates are an error (say which were lost).
    """
    truth = np.asarray(truth, dtype=np.float64)
    estimate = np.asarray(estimate, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    if truth.shape != estimate.shape or truth.ndim != 1:
        raise ValueError(
            f"truth and estimate must be 1-D and of one shape, got {truth.shape} and "
            f"{estimate.shape}"
        )
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must be at least two increasing values, got {edges!r}")
    if not np.all(np.isfinite(estimate)):
        raise ValueError("estimate contains NaN; drop or count the failed retrackings first")
    error = estimate - truth
    bins = np.digitize(truth, edges) - 1
    n_bins = len(edges) - 1
    bias, rmse, count = np.full(n_bins, np.nan), np.full(n_bins, np.nan), np.zeros(n_bins, int)
    for b in range(n_bins):
        inside = bins == b
        count[b] = inside.sum()
        if count[b]:
            bias[b] = error[inside].mean()
            rmse[b] = np.sqrt(np.mean(error[inside] ** 2))
    return BinnedErrors(edges, bias, rmse, count)


def rmse(truth: ArrayLike, estimate: ArrayLike) -> float:
    """Root-mean-square error."""
    error = np.asarray(estimate, dtype=np.float64) - np.asarray(truth, dtype=np.float64)
    return float(np.sqrt(np.mean(error**2)))


def block_mean(values: ArrayLike, size: int = 20) -> np.ndarray:
    """Means of consecutive blocks of ``size`` (20 x 20 Hz = one 1 Hz value), along axis 0.

    The length must be a multiple of ``size``.
    """
    values = np.asarray(values, dtype=np.float64)
    if size < 1 or len(values) % size:
        raise ValueError(
            f"length {len(values)} is not a multiple of the block size {size}; trim it first"
        )
    return values.reshape(len(values) // size, size, *values.shape[1:]).mean(axis=1)


def trailing_mean(values: ArrayLike, size: int = 20) -> np.ndarray:
    """The mean of each value and the ``size - 1`` before it (a causal smoother).

    Such a filter delays a slowly varying signal by (size - 1) / 2 samples. The first
    values average what there is. NaNs are skipped.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or size < 1:
        raise ValueError("trailing_mean needs a 1-D array and a positive size")
    valid = np.isfinite(values)
    sums = np.cumsum(np.where(valid, values, 0.0))
    counts = np.cumsum(valid)
    sums = np.concatenate([[0.0], sums])
    counts = np.concatenate([[0], counts])
    index = np.arange(1, len(values) + 1)
    start = np.maximum(index - size, 0)
    n = counts[index] - counts[start]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (sums[index] - sums[start]) / np.maximum(n, 1), np.nan)


def lag_by_cross_correlation(
    truth: ArrayLike, estimate: ArrayLike, max_lag: int = 60
) -> tuple[int, np.ndarray, np.ndarray]:
    """How many samples ``estimate`` lags behind ``truth``: the peak of their correlation.

    Both series are de-meaned over the samples where both are finite; for each lag L in
    -max_lag .. max_lag the correlation coefficient of truth[k] with estimate[k + L] is
    computed. Returns (best lag, lags, correlation). A positive lag means the estimate
    comes late.
    """
    truth = np.asarray(truth, dtype=np.float64)
    estimate = np.asarray(estimate, dtype=np.float64)
    if truth.shape != estimate.shape or truth.ndim != 1:
        raise ValueError("truth and estimate must be 1-D series of the same length")
    if not 0 < max_lag < len(truth) // 2:
        raise ValueError(f"max_lag must lie in 1 .. {len(truth) // 2 - 1}, got {max_lag}")
    lags = np.arange(-max_lag, max_lag + 1)
    correlation = np.full(len(lags), np.nan)
    n = len(truth)
    for i, lag in enumerate(lags):
        a = truth[max(0, -lag) : n - max(0, lag)]
        b = estimate[max(0, lag) : n - max(0, -lag)]
        ok = np.isfinite(a) & np.isfinite(b)
        if ok.sum() > 10:
            correlation[i] = np.corrcoef(a[ok], b[ok])[0, 1]
    if np.all(np.isnan(correlation)):
        raise ValueError("no overlap of finite values between truth and estimate")
    return int(lags[np.nanargmax(correlation)]), lags, correlation
