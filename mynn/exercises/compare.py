"""Comparing a reader's output with the expected one, and advice for the usual exceptions.

:func:`compare_values` returns None when the answer is right and otherwise one sentence
saying what is wrong, checked in this order: nothing returned (``None``), a lazy generator,
a string or other non-number, the wrong shape, the wrong dtype (fractions expected and
whole numbers returned, or the other way round), NaN, and last the values themselves,
within a tolerance (``numpy.allclose`` with ``rtol=1e-7``, ``atol=1e-10``).
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

RTOL = 1e-7
ATOL = 1e-10


class Outcome(NamedTuple):
    """What one run of a function gave: a value, or the exception it raised."""

    value: Any
    error: BaseException | None


def same_outcome(compare: Callable, a: Outcome, b: Outcome) -> bool:
    """True when both runs raised the same kind of exception or gave matching values."""
    if a.error is not None or b.error is not None:
        return a.error is not None and b.error is not None and type(a.error) is type(b.error)
    try:
        return compare(a.value, b.value) is None
    except Exception:  # noqa: BLE001 - an odd value simply does not match
        return False


def _not_a_value(got: Any, wanted: str) -> str | None:
    """The advice for answers that are not numbers at all, or None if ``got`` may be one."""
    if got is None:
        return (
            "your function returned None: did you forget the `return` line? (A function that "
            "ends without `return` gives None.)"
        )
    if inspect.isgenerator(got) or isinstance(got, Iterator):
        return (
            f"your function returned a generator, not {wanted}: `(... for ...)` is lazy; build "
            "the values with numpy's elementwise maths, or wrap them in np.array([...])"
        )
    if isinstance(got, str | bytes):
        return f"your function returned the text {_clip(repr(got))}, not {wanted}"
    if isinstance(got, dict | set):
        return f"your function returned a value of type {type(got).__name__}, not {wanted}"
    return None


def compare_values(expected: Any, got: Any) -> str | None:
    """None if ``got`` matches ``expected`` (array, whole number, number, or tuple of them)."""
    if isinstance(expected, tuple):
        return _compare_tuple(expected, got)
    if isinstance(expected, numbers.Integral):
        return _compare_int(int(expected), got)
    if isinstance(expected, numbers.Real):
        return _compare_number(float(expected), got)
    return compare_arrays(np.asarray(expected), got)


def _compare_tuple(expected: tuple, got: Any) -> str | None:
    wanted = f"{len(expected)} values, e.g. `return a, b`"
    problem = _not_a_value(got, wanted)
    if problem:
        return problem
    if not isinstance(got, tuple | list | np.ndarray) or len(got) != len(expected):
        return f"your function returned {_describe(got)}; it should return {wanted}"
    for position, (e, g) in enumerate(zip(expected, got)):
        problem = compare_values(e, g)
        if problem:
            return f"value {position + 1} of the {len(expected)} you return is wrong: {problem}"
    return None


def _compare_int(expected: int, got: Any) -> str | None:
    problem = _not_a_value(got, "a whole number")
    if problem:
        return problem
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got[()]
    if isinstance(got, bool | np.bool_):
        return f"your function returned {got}, a True/False value, not a whole number"
    if isinstance(got, numbers.Integral):
        return None if int(got) == expected else f"it gives {int(got)} but the answer is {expected}"
    if isinstance(got, numbers.Real):
        return (
            f"it gives {float(got)!r}, a float, where a whole number is meant: sizes count "
            "cells; use // (whole-number division) instead of /, or int(...) on the result"
        )
    return f"your function returned {_describe(got)}, not a whole number"


def _compare_number(expected: float, got: Any) -> str | None:
    problem = _not_a_value(got, "a number")
    if problem:
        return problem
    if isinstance(got, np.ndarray) and got.size == 1:
        got = got.reshape(())[()]
    if isinstance(got, bool | np.bool_) or not isinstance(got, numbers.Real):
        return f"your function returned {_describe(got)}, not a number"
    if np.isnan(got) and not np.isnan(expected):
        return "it gives NaN (not a number): something divided 0 by 0 or used an undefined value"
    if np.isclose(float(got), expected, rtol=RTOL, atol=ATOL):
        return None
    return f"it gives {float(got):.6g} but the answer is {expected:.6g}"


def compare_arrays(expected: np.ndarray, got: Any) -> str | None:
    """None if ``got`` is an array of ``expected``'s shape, kind and values (within tolerance)."""
    problem = _not_a_value(got, "an array")
    if problem:
        return problem
    try:
        array = np.asarray(got)
    except Exception:  # noqa: BLE001 - e.g. a ragged list
        return f"your function returned {_describe(got)}, which is not an array of numbers"
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        return f"your function returned {_describe(got)}, which is not an array of numbers"
    if array.shape != expected.shape:
        return _shape_problem(expected.shape, array.shape)
    if np.issubdtype(expected.dtype, np.floating) and not np.issubdtype(array.dtype, np.floating):
        return (
            f"the values are whole numbers (dtype {array.dtype}) where fractions are expected: "
            "an array made with dtype=int (or from whole numbers) keeps only whole numbers, so "
            "0.99 stored into it becomes 0; make it a float array (e.g. np.zeros(n), which "
            "is float, or dtype=float)"
        )
    if np.iscomplexobj(array):
        return "the values are complex numbers; the answer is real"
    if np.isnan(array).any() and not np.isnan(expected).any():
        return (
            "the answer contains NaN (not a number): something divided 0 by 0, or took the "
            "log of a negative number"
        )
    if np.allclose(array, expected, rtol=RTOL, atol=ATOL, equal_nan=True):
        return None
    worst = np.unravel_index(np.argmax(np.abs(array - expected)), expected.shape)
    at = f" at index {tuple(int(i) for i in worst)}" if expected.ndim else ""
    return (
        f"the shape is right but the values are not: {_number(array[worst])} where "
        f"{_number(expected[worst])} is expected{at}"
    )


def _shape_problem(expected: tuple, got: tuple) -> str:
    text = f"the answer has shape {got} but should have shape {expected}"
    if got == ():
        return text + (
            ": you returned one number; did np.dot multiply two 1-D arrays (that is the dot "
            "product, a single number) or did something sum the values?"
        )
    if len(expected) == 2 and got == expected[::-1]:
        return text + ": it is transposed; check the order of the matrices and which needs .T"
    if int(np.prod(got)) == int(np.prod(expected)):
        return text + (
            ": the same values in another arrangement; a column (n, 1) instead of a flat "
            "(n,) array? .ravel() (or .flatten()) makes it flat"
        )
    return text


def exception_advice(error: BaseException, hints: Sequence[tuple[type, str, str]] = ()) -> str:
    """Advice for an exception raised by a reader's function: the exercise's own, then general."""
    text = str(error)
    for kind, needle, advice in hints:
        if isinstance(error, kind) and needle.lower() in text.lower():
            return advice
    if isinstance(error, RecursionError):
        return (
            "your function calls itself without end: is a helper named like your function, or "
            "does it call itself instead of a numpy function?"
        )
    if isinstance(error, NameError):
        return (
            "a name is not defined: import what you use inside the cell (e.g. `import numpy as "
            "np`) and check the spelling of every name"
        )
    if isinstance(error, TypeError) and any(
        s in text for s in ("only length-1", "only size-1", "must be real number", "only 0-dim")
    ):
        return (
            "a function for single numbers (math.exp, math.log, float) was given a whole "
            "array: use numpy's elementwise versions (np.exp, np.log), which work on arrays"
        )
    if any(
        s in text for s in ("matmul", "not aligned", "could not be broadcast", "core dimension")
    ):
        return (
            "a shape error: the matrices don't fit in this product. Print the shapes "
            "(`.shape`), then check the order of the factors and which matrix needs .T"
        )
    if isinstance(error, AttributeError) and "asfarray" in text:
        return (
            "np.asfarray was removed in NumPy 2.0 (the book predates it): use "
            "np.asarray(values, dtype=float) instead"
        )
    if isinstance(error, TypeError) and any(
        s in text for s in ("positional argument", "unexpected keyword", "takes ")
    ):
        return "keep the function's parameters exactly as the stub gives them"
    if isinstance(error, IndexError):
        return "an index is out of range: check the sizes you index with"
    return "read the error, fix the line it comes from, run the cell, then check again"


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a value of type {type(value).__name__} ({_clip(repr(value))})"


def _clip(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _number(value: Any) -> str:
    return f"{float(value):.6g}" if np.isrealobj(value) else repr(value)
