"""Generators trained longer than a notebook can: shipped for notebooks 21 and 22.

Notebook 21 compares the book's six stages of the MNIST GAN (:data:`mynn.gan.models.BOOK_STEPS`,
from the first attempt to the improved GAN). Two epochs per stage, all a notebook can train
in a minute, leave every stage drawing noise; the differences appear after about
:data:`STAGE_EPOCHS` epochs each. So ``scripts/train_gan_showcase.py`` trains every stage
for that budget once (fixed seed, one torch thread) with :func:`train_stage`, and ships the
generators' weights in ``mynn/gan/pretrained/book_stages.npz`` (float16, about 2 MB), with
the losses of each stage's first :data:`CHECKED_STEPS` steps so a test can check that the
script, re-run, starts exactly as the shipped run did. :func:`load_stages` reads them back.

Notebook 22 compares the convolutional generator with the fully connected one; its live
run has a minute, the command line's recipes have 2 to 3 minutes each. The same script
(``--recipes``) trains :data:`SHOWN_RECIPES` with their command-line defaults and ships
their averaged generators in ``recipe_generators.npz`` (:func:`train_recipe`,
:func:`load_recipes`), checked the same way.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import numpy as np
import torch

from mynn.gan.models import BOOK_STEPS, BookStep, Generator, MnistGenerator
from mynn.gan.training import GanHistory

STAGE_EPOCHS = 10
"""Epochs of the 4,000 bundled digits per stage in the shipped run."""

STAGE_BATCH = 8
"""Minibatch size of every stage (the book: 1; 8 trains 7x as many digits per CPU second)."""

SEED = 0
CHECKED_STEPS = 20
"""Steps whose losses are stored, to check a re-run of the script against the shipped run."""

FILE_NAME = "book_stages.npz"

SHOWN_RECIPES = ("conv", "mnist")
"""The recipes (``python -m mynn gan --model NAME``) whose generators notebook 22 shows."""

RECIPES_FILE_NAME = "recipe_generators.npz"


def train_stage(
    stage: BookStep,
    images: np.ndarray,
    epochs: int,
    batch_size: int = STAGE_BATCH,
    seed: int = SEED,
    device=None,
) -> tuple[MnistGenerator, GanHistory]:
    """Train one of the book's stages as the book sets it up: its networks, loss, optimiser.

    :meth:`BookStep.recipe <mynn.gan.models.BookStep.recipe>` trained: weights from
    ``seed``, one torch thread.
    Returns the trained generator and the history.
    """
    recipe = stage.recipe(epochs, batch_size)
    _, generator, history = recipe.train(images, seed=seed, device=device, progress=False)
    return generator, history


def train_recipe(
    name: str, epochs: int | None = None, seed: int = SEED, device=None
) -> tuple[Generator, GanHistory]:
    """Train the recipe ``name`` with its defaults (``epochs`` overrides its epochs).

    Returns the generator samples are drawn from (the weight average, for recipes that
    keep one) and the history.
    """
    from mynn.gan.recipes import get_recipe

    _, generator, history = get_recipe(name).train(
        epochs=epochs, seed=seed, device=device, progress=False
    )
    return generator, history


def first_losses(history: GanHistory) -> np.ndarray:
    """The losses of the first :data:`CHECKED_STEPS` steps: (steps, 3) D real, D fake, G."""
    steps = slice(0, CHECKED_STEPS)
    return np.stack([history.d_real[steps], history.d_fake[steps], history.g[steps]], axis=1)


def _state_arrays(prefix: str, generator) -> dict[str, np.ndarray]:
    return {
        f"{prefix}/{name}": tensor.detach().cpu().numpy().astype(np.float16)
        for name, tensor in generator.state_dict().items()
    }


def _load_state(saved, prefix: str, generator):
    state = {
        name: torch.from_numpy(saved[f"{prefix}/{name}"].astype(np.float32))
        for name in generator.state_dict()
    }
    generator.load_state_dict(state)
    return generator.eval()


def save_generators(path, generators: dict[str, Any], losses, info: dict) -> None:
    """Write generators (float16, each under its key) and first losses to an ``.npz`` file."""
    arrays = {"info": np.array(json.dumps(info)), "first_losses": np.asarray(losses)}
    for key, generator in generators.items():
        arrays.update(_state_arrays(key, generator))
    np.savez_compressed(path, **arrays)


def _read_shipped(file_name: str, fresh: dict[str, Any]):
    """Load ``fresh`` generators (key -> untrained network) from a shipped file."""
    shipped = resources.files("mynn.gan") / "pretrained" / file_name
    with shipped.open("rb") as handle, np.load(handle) as saved:
        info = json.loads(str(saved["info"]))
        generators = {key: _load_state(saved, key, generator) for key, generator in fresh.items()}
        return generators, saved["first_losses"].astype(np.float64), info


def load_stages() -> tuple[dict[str, MnistGenerator], np.ndarray, dict]:
    """The shipped generators by stage name, the first losses (stage, step, 3), and the info.

    ``info`` holds how they were trained: epochs, batch size, seed, CPU seconds per stage.
    """
    fresh = {str(i): stage.build()[1] for i, stage in enumerate(BOOK_STEPS)}
    generators, losses, info = _read_shipped(FILE_NAME, fresh)
    return {stage.name: generators[str(i)] for i, stage in enumerate(BOOK_STEPS)}, losses, info


def load_recipes() -> tuple[dict[str, Generator], np.ndarray, dict]:
    """The shipped generators of :data:`SHOWN_RECIPES` by name, their first losses
    (recipe, step, 3) and the info (epochs, seed, CPU seconds per recipe)."""
    from mynn.gan.recipes import get_recipe

    fresh = {name: get_recipe(name).build()[1] for name in SHOWN_RECIPES}
    return _read_shipped(RECIPES_FILE_NAME, fresh)
