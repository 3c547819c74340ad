"""Scoring estimates against the simulated truth: binned errors, 1 Hz averages, lags."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from mynn.errors import UsageError


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
        raise UsageError(
            f"truth and estimate must be 1-D and of one shape, got {truth.shape} and "
            f"{estimate.shape}"
        )
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise UsageError(f"edges must be at least two increasing values, got {edges!r}")
    if not np.all(np.isfinite(estimate)):
        raise UsageError("estimate contains NaN; drop or count the failed retrackings first")
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


def error_table(truth: ArrayLike, results: dict, edges: ArrayLike) -> str:
    """A text table: bias and RMSE per range of the truth for each method, and overall.

    ``results`` maps a method's name to its estimates (same shape as ``truth``).
    """
    truth = np.asarray(truth, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    ranges = [f"{a:g}-{b:g}" for a, b in zip(edges[:-1], edges[1:])] + ["all"]
    lines = [f"{'range':>24}" + "".join(r.rjust(9) for r in ranges)]
    for name, values in results.items():
        values = np.asarray(values, dtype=np.float64)
        errors = binned_errors(truth, values, edges)
        bias = [*errors.bias, float(np.mean(values - truth))]
        spread = [*errors.rmse, rmse(truth, values)]
        lines.append(f"{name:>19} bias" + "".join(f"{b:+9.2f}" for b in bias))
        lines.append(f"{'':>19} RMSE" + "".join(f"{r:9.2f}" for r in spread))
    return "\n".join(lines)


def rmse(truth: ArrayLike, estimate: ArrayLike) -> float:
    """Root-mean-square error, sqrt(mean((estimate - truth)^2)), of two arrays of one shape."""
    truth = np.asarray(truth, dtype=np.float64)
    estimate = np.asarray(estimate, dtype=np.float64)
    if truth.shape != estimate.shape:
        raise UsageError(
            f"truth and estimate must have the same shape, got {truth.shape} and "
            f"{estimate.shape}: pair each estimate with its true value"
        )
    if truth.size == 0:
        raise UsageError("rmse of no values: truth and estimate are empty")
    error = estimate - truth
    return float(np.sqrt(np.mean(error**2)))


def block_mean(values: ArrayLike, size: int = 20) -> np.ndarray:
    """Means of consecutive blocks of ``size`` (20 x 20 Hz = one 1 Hz value), along axis 0.

    The length must be a multiple of ``size``.
    """
    values = np.asarray(values, dtype=np.float64)
    if size < 1 or len(values) % size:
        raise UsageError(
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
        raise UsageError("trailing_mean needs a 1-D array and a positive size")
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


def centred_mean(values: ArrayLike, size: int = 21) -> np.ndarray:
    """The mean of each value and its (size - 1) / 2 neighbours on either side (odd size).

    Unlike :func:`trailing_mean` it does not delay the signal (it needs the future,
    which is fine after the pass). Near the ends it averages what there is; NaNs skipped.
    """
    values = np.asarray(values, dtype=np.float64)
    if size < 1 or size % 2 == 0:
        raise UsageError(f"size must be a positive odd number, got {size}")
    half = size // 2
    padded = np.concatenate([values, np.full(half, np.nan)])
    return trailing_mean(padded, size)[half:]


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
        raise UsageError("truth and estimate must be 1-D series of the same length")
    if not 0 < max_lag < len(truth) // 2:
        raise UsageError(f"max_lag must lie in 1 .. {len(truth) // 2 - 1}, got {max_lag}")
    lags = np.arange(-max_lag, max_lag + 1)
    correlation = np.full(len(lags), np.nan)
    n = len(truth)
    for i, lag in enumerate(lags):
        a = truth[max(0, -lag) : n - max(0, lag)]
        b = estimate[max(0, lag) : n - max(0, -lag)]
        ok = np.isfinite(a) & np.isfinite(b)
        if ok.sum() > 10 and np.std(a[ok]) > 0 and np.std(b[ok]) > 0:
            correlation[i] = np.corrcoef(a[ok], b[ok])[0, 1]
    if np.all(np.isnan(correlation)):
        both = np.isfinite(truth) & np.isfinite(estimate)
        for name, series in (("truth", truth), ("estimate", estimate)):
            finite = series[np.isfinite(series)]
            if len(finite) > 1 and np.ptp(finite) == 0:
                raise UsageError(
                    f"{name} is constant: a constant series correlates with nothing, so no "
                    "lag can be measured"
                )
        raise UsageError(
            f"truth and estimate share only {both.sum()} finite samples (more than 10 are "
            "needed at every lag): no lag can be measured"
        )
    return int(lags[np.nanargmax(correlation)]), lags, correlation
