"""Argument checks shared by every mynn module: one rule, one wording, one error type.

Each check takes the argument's name (as the caller spells it) and its value, and either
returns the value in its clean form (an ``int``, a ``float``, a float64 array, a
``numpy.random.Generator``) or raises :class:`ArgumentError`, a :class:`ValueError` whose
message names the argument, what it got and what it must be.

The rules:

- a *whole number* is an ``int`` or numpy integer, never a ``bool`` (``True`` is 1 to
  Python, but nobody means one epoch by it) and never a float, even 3.0;
- a *number* is anything ``float()`` accepts that is finite (no NaN, no infinity) and
  fits a float64 (``10**400`` does not);
- a *probability* is a number in [0, 1];
- a *seed* is ``None`` (fresh randomness), a whole number 0 or more, or a
  ``numpy.random.Generator`` to draw from (used as it is, not copied).

numpy only: importing this module imports nothing heavy.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from mynn.errors import UsageError

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "as_float_array",
    "check_file_path",
    "check_finite_array",
    "check_number",
    "check_positive_number",
    "check_probability",
    "check_whole_number",
    "random_generator",
    "short_repr",
]


class ArgumentError(UsageError):
    """An argument mynn refuses: out of range, not finite, or not the kind of value needed.

    A :class:`~mynn.errors.UsageError` (so a :class:`~mynn.MynnError` and a :class:`ValueError`):
    ``except ValueError`` catches every argument mynn refuses, and the CLI prints it as one line.
    """


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument of the wrong kind (2.5 or ``"3"`` where a whole number is needed).

    Both an :class:`ArgumentError` (a ``ValueError``, as every mynn argument check raises)
    and a :class:`TypeError`, which :mod:`mynn.convsize` raised for these before the
    checks were shared; code catching either keeps working.
    """


def short_repr(value: object, width: int = 60) -> str:
    """``repr(value)``, cut to ``width`` characters with "..." so a message stays one line."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def is_whole_number(value: object) -> bool:
    """True for an ``int`` or a numpy integer, False for a ``bool``, a float or anything else."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_whole_number(
    name: str, value: object, minimum: int | None = 1, fix: str = "", *, unit: str = ""
) -> int:
    """``value`` as an ``int``, refused unless it is a whole number of at least ``minimum``.

    Parameters
    ----------
    name : str
        The argument's name, used in the message.
    value : object
        What the caller passed.
    minimum : int or None
        The smallest value allowed (1 by default: a positive whole number; 0 for "0 or
        more"; None for no lower bound).
    fix : str
        Appended to the range error after "; ", to say what to do instead.
    unit : str
        What is counted ("images", "steps"), for the wording "a positive whole number of
        images".

    Raises
    ------
    ArgumentTypeError
        Not a whole number (a bool, a float, a string...).
    ArgumentError
        Below ``minimum``.
    """
    kind = (
        "a positive whole number"
        if minimum == 1
        else ("a whole number" if minimum is None else f"a whole number >= {minimum}")
    )
    if unit:
        kind += f" of {unit}"
    if not is_whole_number(value):
        raise ArgumentTypeError(f"{name} must be {kind}, got {short_repr(value)}")
    if minimum is not None and value < minimum:
        raise ArgumentError(f"{name} must be {kind}, got {value!r}" + (f"; {fix}" if fix else ""))
    return int(value)


def too_large_message(name: str, value: object) -> str:
    """The message for a number too large for a float64 (``10**400``)."""
    digits = (
        f"about 10**{int(value.bit_length() * math.log10(2))}" if isinstance(value, int) else ""
    )
    return (
        f"{name} is too large for a floating-point number ({digits or 'over 1.8e308'}); "
        "floats end at about 1.8e308"
    )


def check_number(name: str, value: object) -> float:
    """``value`` as a finite ``float``; refuses bools, non-numbers, NaN, infinity, 10**400."""
    if isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"{name} must be a number, got {short_repr(value)}") from None
    except OverflowError:
        raise ArgumentError(too_large_message(name, value)) from None
    if not math.isfinite(number):
        raise ArgumentError(f"{name} must be finite, got {value!r}")
    return number


def check_positive_number(name: str, value: object) -> float:
    """``value`` as a finite ``float`` above 0 (a learning rate, a time limit)."""
    number = check_number(name, value)
    if number <= 0:
        raise ArgumentError(f"{name} must be positive, got {value!r}")
    return number


def check_probability(name: str, value: object) -> float:
    """``value`` as a ``float`` in [0, 1]."""
    number = check_number(name, value)
    if not 0 <= number <= 1:
        raise ArgumentError(f"{name} is a probability, so it lies in 0..1; got {value!r}")
    return number


def as_float_array(name: str, values: ArrayLike) -> np.ndarray:
    """``values`` as a float64 array (NaN and infinity pass; see :func:`check_finite_array`).

    Raises
    ------
    ArgumentError
        Something that is not numbers, or numbers too large for a float64 (``10**400``).
    """
    try:
        return np.asarray(values, dtype=np.float64)
    except OverflowError:
        raise ArgumentError(too_large_message(name, values)) from None
    except (TypeError, ValueError):
        raise ArgumentError(
            f"{name} must be numbers (a number or an array of them), got {short_repr(values)}"
        ) from None


def check_finite_array(name: str, values: ArrayLike) -> np.ndarray:
    """``values`` as a float64 array with no NaN or infinity.

    Raises
    ------
    ArgumentError
        ``None``, something that is not numbers, numbers too large for a float64, or NaN
        or infinity anywhere.
    """
    if values is None:
        raise ArgumentError(f"{name} is None; pass an array of numbers")
    array = as_float_array(name, values)
    if not np.all(np.isfinite(array)):
        raise ArgumentError(f"{name} contains NaN or infinity; clean or rescale the data first")
    return array


def check_file_path(name: str, value: object, *, must_exist: bool = False) -> Path:
    """``value`` (a ``str`` or ``os.PathLike``) as a :class:`~pathlib.Path`.

    With ``must_exist``, the path must name an existing file (not a folder).
    """
    if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)):
        raise ArgumentTypeError(
            f"{name} must be a file path (a str or pathlib.Path), got {short_repr(value)}"
        )
    path = Path(value)
    if str(value) == "":
        raise ArgumentError(f"{name} is an empty path; give a file name")
    if must_exist:
        if path.is_dir():
            raise ArgumentError(f"{name} {str(path)!r} is a folder; give a file inside it")
        if not path.is_file():
            raise ArgumentError(f"{name} {str(path)!r} does not exist; check the path")
    return path


def random_generator(
    seed: int | np.random.Generator | None = None,
    *,
    rng: int | np.random.Generator | None = None,
) -> np.random.Generator:
    """The random generator that ``seed`` stands for: the one rule for randomness in mynn.

    ``None`` gives fresh, unrepeatable randomness; a whole number 0 or more gives the same
    numbers every run (``numpy.random.default_rng(seed)``); a ``numpy.random.Generator`` is
    used as it is, so several calls can share one stream of random numbers.

    Every mynn function that draws random numbers takes ``seed=`` with this meaning. A
    few took the same thing as ``rng=`` first; they still accept it, passed on here as
    ``rng`` (giving both is refused).
    """
    name = "seed"
    if rng is not None:
        if seed is not None:
            raise ArgumentError("give seed= or rng= (the older name for it), not both")
        seed, name = rng, "rng"
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if not is_whole_number(seed) or seed < 0:
        raise ArgumentError(
            f"{name} must be a non-negative whole number (or a numpy Generator), got "
            f"{short_repr(seed)}"
        )
    return np.random.default_rng(int(seed))
