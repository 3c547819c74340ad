"""The checking machinery: an :class:`Exercise` runs a reader's function and says what is wrong.

How a check works (:meth:`Exercise.check`):

1. the answer must be a function (the reader passes ``my_sigmoid``, not ``my_sigmoid(x)``);
2. it is run on several generated inputs (fresh copies each time, warnings silenced), so a
   hard-coded answer cannot pass; a ``NotImplementedError`` anywhere means "not attempted";
3. if its output matches the reference solution's on every input (shape first, then values
   within a tolerance) the answer is "correct";
4. otherwise, if its outputs match one catalogued :class:`Mistake` on every input (the same
   values, or the same kind of exception where the mistake raises too), the message names
   that mistake;
5. otherwise the first input it fails on gets general advice: the exception it raised, or
   that it returned ``None``, the wrong type, the wrong shape, the wrong dtype, NaN, or
   values that differ (with the input shown).

The checker never lets the reader's exception escape: whatever the answer does, ``check``
returns a :class:`Result`.
"""

from __future__ import annotations

import copy
import html
import inspect
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mynn.exercises.compare import Outcome, compare_values, exception_advice, same_outcome

STATUSES = ("correct", "incorrect", "not attempted")
"""The three values :attr:`Result.status` can take."""

_COLOURS = {"correct": "#1a7f37", "incorrect": "#cf222e", "not attempted": "#9a6700"}
_SYMBOLS = {"correct": "✔", "incorrect": "✘", "not attempted": "…"}


class Text(str):
    """A string that shows as itself in a notebook (no quotes, Markdown rendered)."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Result:
    """What :meth:`Exercise.check` found.

    Attributes
    ----------
    exercise_id : str
        Which exercise was checked, e.g. ``"01.sigmoid"``.
    status : {"correct", "incorrect", "not attempted"}
    message : str
        What is right, or specifically what is wrong and how to fix it.
    """

    exercise_id: str
    status: str
    message: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def correct(self) -> bool:
        """True when the answer is right."""
        return self.status == "correct"

    def __str__(self) -> str:
        return f"{self.exercise_id}: {self.status}. {_sentence(self.message)}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px;">'
            f'<span style="color: {colour}; font-weight: bold;">{_SYMBOLS[self.status]} '
            f"{html.escape(self.exercise_id)}: {self.status}.</span> "
            f"{html.escape(_sentence(self.message))}</div>"
        )


def _sentence(message: str) -> str:
    """The message with a capital first letter (unless it starts with a code name)."""
    first = message.split(" ", 1)[0]
    if message[:1].islower() and "_" not in first and "." not in first:
        return message[0].upper() + message[1:]
    return message


@dataclass(frozen=True)
class Mistake:
    """A mistake readers really make, written as a function, and what to tell them.

    Parameters
    ----------
    name : str
        Short name, e.g. ``"exp(+x)"``.
    function : callable
        The wrong answer, with the exercise's signature.
    message : str
        What is wrong and how to fix it; shown when the reader's outputs match
        ``function``'s on every input.
    """

    name: str
    function: Callable
    message: str


@dataclass
class Exercise:
    """One exercise: the reader writes ``function_name`` and :meth:`check` says if it is right.

    Parameters
    ----------
    id : str
        ``"NN.name"``, NN being the notebook.
    title : str
        One line saying what to write.
    function_name : str
        The name of the function in the notebook's stub cell, e.g. ``"my_sigmoid"``.
    parameters : str
        The stub's parameter list, e.g. ``"x"``.
    task : str
        The one-line comment in the stub cell saying what to write.
    reference : callable
        The reference solution (its source is what :meth:`solution` shows).
    cases : callable
        ``cases(rng)`` returns the generated inputs: a list of argument tuples.
    mistakes : sequence of Mistake
    hints : sequence of str
        Given one at a time by :meth:`hint`.
    imports : str
        The import lines the solution needs.
    observe : callable, optional
        ``observe(function, args)`` runs a function on one input and returns what to
        compare; by default the function's return value.
    compare : callable, optional
        ``compare(expected, got)`` returns None when ``got`` is right, else a message;
        by default :func:`~mynn.exercises.compare.compare_values`.
    exception_hints : sequence of (exception type, text in its message, advice)
        Advice for exceptions this exercise's readers meet, tried before the general one.
    describe : callable, optional
        ``describe(args)`` says in words which input an answer failed on; by default the
        arguments are named after ``parameters``.
    seed : int
        Seeds the generated inputs, so a check gives the same answer every time.
    """

    id: str
    title: str
    function_name: str
    parameters: str
    task: str
    reference: Callable
    cases: Callable[[np.random.Generator], list[tuple]]
    mistakes: Sequence[Mistake] = ()
    hints: Sequence[str] = ()
    imports: str = "import numpy as np"
    observe: Callable[[Callable, tuple], Any] | None = None
    compare: Callable[[Any, Any], str | None] | None = None
    exception_hints: Sequence[tuple[type, str, str]] = ()
    describe: Callable[[tuple], str] | None = None
    seed: int = 19
    _hints_given: int = field(default=0, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"Exercise {self.id}: {self.title} ({self.function_name}({self.parameters}))"

    # ------------------------------------------------------------------ what the reader sees
    def stub(self) -> str:
        """The source of the notebook's stub cell (the state the notebooks are committed in).

        The imports and the ``def`` line (with its type hints) are the reference solution's,
        so the stub and the solution can't disagree on the signature.
        """
        lines = [self.imports, "", ""] if self.imports else []
        lines += [
            self._signature(),
            f"    # {self.task}",
            "    raise NotImplementedError",
        ]
        return "\n".join(lines)

    def _signature(self) -> str:
        """The reference solution's ``def`` line(s), up to the colon that opens its body."""
        source = textwrap.dedent(inspect.getsource(self.reference)).splitlines()
        end = next(i for i, line in enumerate(source) if line.rstrip().endswith(":"))
        return "\n".join(source[: end + 1])

    def check_source(self) -> str:
        """The source of the notebook's check cell."""
        return (
            f'import mynn.exercises\n\nmynn.exercises.get("{self.id}").check({self.function_name})'
        )

    def hint(self, stage: int | None = None) -> Text:
        """The next hint (or hint number ``stage``, counting from 1)."""
        if not self.hints:
            return Text(f"No hints for {self.id}; `.solution()` shows the answer.")
        if stage is None:
            self._hints_given = min(self._hints_given + 1, len(self.hints))
            stage = self._hints_given
        if not 1 <= stage <= len(self.hints):
            raise ValueError(f"{self.id} has hints 1..{len(self.hints)}, got stage={stage}")
        text = f"Hint {stage} of {len(self.hints)}: {self.hints[stage - 1]}"
        if stage == len(self.hints):
            text += " (That was the last hint; `.solution()` shows the answer.)"
        return Text(text)

    def solution(self) -> Text:
        """The reference solution's source, ready to paste into the stub cell."""
        return Text(self.solution_source())

    def solution_source(self) -> str:
        """The plain source of the solution: imports, then the function."""
        body = textwrap.dedent(inspect.getsource(self.reference))
        return (self.imports + "\n\n\n" if self.imports else "") + body.rstrip() + "\n"

    def _repr_markdown_(self) -> str:
        return (
            f"**Exercise {self.id}**: {self.title}. Write `{self.function_name}"
            f"({self.parameters})`, then `.check({self.function_name})`; "
            "`.hint()` and `.solution()` help."
        )

    # ------------------------------------------------------------------ checking
    def inputs(self) -> list[tuple]:
        """The generated inputs every answer is run on (the same on every call)."""
        return self.cases(np.random.default_rng(self.seed))

    def outcomes(self, function: Callable, inputs: list[tuple] | None = None) -> list[Outcome]:
        """Run ``function`` on every input; each outcome is a value or an exception."""
        inputs = self.inputs() if inputs is None else inputs
        observe = self.observe or _call
        results = []
        for args in inputs:
            results.append(_run(observe, function, args))
            if isinstance(results[-1].error, NotImplementedError):
                break
        return results

    def check(self, answer: Callable) -> Result:
        """Check the reader's function; never raises, always returns a :class:`Result`."""
        try:
            return self._check(answer)
        except Exception as error:  # noqa: BLE001 - the checker must never crash on an answer
            return self._result(
                "incorrect",
                f"checking your answer failed with {type(error).__name__}: {_short(error)}. "
                f"Make sure {self.function_name} returns what the exercise asks for.",
            )

    def _check(self, answer: Callable) -> Result:
        if not callable(answer):
            return self._result(
                "incorrect",
                f"check() needs your function itself, got {_describe(answer)}: write "
                f".check({self.function_name}) without brackets after the name.",
            )
        inputs = self.inputs()
        got = self.outcomes(answer, inputs)
        if any(isinstance(o.error, NotImplementedError) for o in got):
            return self._result(
                "not attempted",
                f"{self.function_name} still raises NotImplementedError: replace that line "
                "with your code, run the cell, then run this check again.",
            )
        expected = self.outcomes(self.reference, inputs)
        compare = self.compare or compare_values
        problems = [
            _problem(compare, e.value, g) if g.error is None else "raised"
            for e, g in zip(expected, got)
        ]
        if not any(problems):
            return self._result(
                "correct",
                f"{self.function_name} gives the right answer on all {len(inputs)} inputs.",
            )
        for mistake in self.mistakes:
            wrong = self.outcomes(mistake.function, inputs)
            if all(same_outcome(compare, w, g) for w, g in zip(wrong, got)):
                return self._result("incorrect", mistake.message)
        # An exception says more than wrong values (e.g. a shape error that a square
        # matrix hides), so it is reported first.
        raised = [i for i, o in enumerate(got) if o.error is not None]
        index = raised[0] if raised else next(i for i, p in enumerate(problems) if p)
        describe = self.describe or (lambda args: _input_text(self.parameters, args))
        where = describe(inputs[index])
        if got[index].error is not None:
            advice = exception_advice(got[index].error, self.exception_hints)
            return self._result(
                "incorrect",
                f"{self.function_name} raised {type(got[index].error).__name__}: "
                f"{_short(got[index].error)} (on {where}). {_sentence(advice)}",
            )
        return self._result("incorrect", f"{problems[index]} (on {where}).")

    def _result(self, status: str, message: str) -> Result:
        return Result(self.id, status, message)


def _call(function: Callable, args: tuple) -> Any:
    return function(*args)


def _run(observe: Callable, function: Callable, args: tuple) -> Outcome:
    """One run on fresh copies of the inputs, with warnings and numpy's errors silenced."""
    args = copy.deepcopy(args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return Outcome(observe(function, args), None)
        except Exception as error:  # noqa: BLE001 - the reader's code may raise anything
            return Outcome(None, error)


def _problem(compare: Callable, expected: Any, got: Outcome) -> str | None:
    try:
        return compare(expected, got.value)
    except Exception as error:  # noqa: BLE001 - an odd answer must not crash the comparison
        return f"the answer could not be compared ({type(error).__name__}: {_short(error)})"


def _short(value: object, width: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if value is None:
        return "None"
    return f"a value of type {type(value).__name__} ({_short(repr(value), 40)})"


def _input_text(parameters: str, args: tuple) -> str:
    """A short description of one input, naming each parameter."""
    names = [p.strip() for p in parameters.split(",")]
    parts = []
    for name, value in zip(names, args):
        if isinstance(value, np.ndarray):
            if value.size <= 6:
                parts.append(f"{name}={np.array2string(value, precision=3, separator=', ')}")
            else:
                parts.append(f"{name} of shape {value.shape}")
        elif isinstance(value, float):
            parts.append(f"{name}={value:.4g}")
        elif isinstance(value, int | str):
            parts.append(f"{name}={value!r}")
        else:
            parts.append(f"{name}={type(value).__name__}")
    return "the input " + ", ".join(parts)
