"""Exercises with instant feedback: the reader writes the key lines, mynn checks them.

Each exercise notebook ends with a "Your turn" section: a stub cell holding a function
that raises ``NotImplementedError``, and a check cell::

    import mynn.exercises

    mynn.exercises.get("01.sigmoid").check(my_sigmoid)

:meth:`Exercise.check` runs the reader's function on several generated inputs and returns a
:class:`Result` whose ``status`` is ``"correct"``, ``"incorrect"`` or ``"not attempted"``
and whose ``message`` says what exactly is wrong: a known mistake by name ("you used
exp(+x)"), an exception explained, ``None`` returned, the wrong shape or dtype.
``.hint()`` gives hints one at a time and ``.solution()`` shows the reference solution.

The reference solutions follow the books' maths exactly as mynn implements it (the tests
check each one against mynn's own functions). The GAN exercises use PyTorch, imported
only when one of them is asked for: ``import mynn.exercises`` never imports torch.
"""

from __future__ import annotations

import importlib

from mynn.errors import MynnError
from mynn.exercises.core import STATUSES, Exercise, Mistake, Result, Text

__all__ = [
    "STATUSES",
    "Exercise",
    "Mistake",
    "Result",
    "Text",
    "UnknownExercise",
    "catalogue",
    "get",
]

_MODULES = {
    "mynn.exercises.network": (
        "01.sigmoid",
        "01.query",
        "01.hidden_errors",
        "01.weight_update",
        "02.scale_inputs",
        "02.make_targets",
    ),
    "mynn.exercises.data": ("03.invert_and_scale", "04.save_weights", "05.backquery_layer"),
    "mynn.exercises.articles": (
        "10.conv_output_size",
        "10.transposed_output_size",
        "11.simultaneous_step",
    ),
    "mynn.exercises.gan": (
        "20.discriminator_step",
        "21.generator_loss",
        "22.upsampling_layer",
    ),
}
"""Which module defines which exercises (so that asking for one loads only its module)."""


class UnknownExercise(MynnError, KeyError):
    """An exercise id that :func:`get` does not know; the message lists the ids there are."""

    def __str__(self) -> str:
        return str(self.args[0])


_WHERE = {exercise_id: module for module, ids in _MODULES.items() for exercise_id in ids}


def catalogue() -> list[str]:
    """The ids of every exercise, in notebook order (``"01.sigmoid"``, ...)."""
    return list(_WHERE)


def get(exercise_id: str) -> Exercise:
    """The exercise with this id, e.g. ``get("01.sigmoid")``.

    The same object is returned each time, so ``.hint()`` moves on to the next hint.

    Raises
    ------
    UnknownExercise
        (a KeyError) for an unknown id, listing the ids there are.
    ImportError
        For a GAN exercise when PyTorch is not installed, saying how to install it.
    """
    if exercise_id not in _WHERE:
        raise UnknownExercise(
            f"no exercise {exercise_id!r}; the exercises are: {', '.join(catalogue())}"
        )
    module_name = _WHERE[exercise_id]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != "torch":
            raise
        raise ImportError(
            f"exercise {exercise_id} needs PyTorch: pip install 'mynn[torch]' (or see "
            "https://pytorch.org for a CPU-only build)"
        ) from None
    return next(e for e in module.EXERCISES if e.id == exercise_id)
