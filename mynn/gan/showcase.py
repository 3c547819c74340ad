"""The book's refinements trained long enough to see them: shipped generators for notebook 21.

Notebook 21 compares the book's six stages of the MNIST GAN (:data:`mynn.gan.models.BOOK_STEPS`,
from the first attempt to the improved GAN). Two epochs per stage, all a notebook can train
in a minute, leave every stage drawing noise; the differences appear after about
:data:`STAGE_EPOCHS` epochs each. So ``scripts/train_gan_showcase.py`` trains every stage
for that budget once (fixed seed, one torch thread) with :func:`train_stage`, and ships the
generators' weights in ``mynn/gan/pretrained/book_stages.npz`` (float16, about 2 MB), with
the losses of each stage's first :data:`CHECKED_STEPS` steps so a test can check that the
script, re-run, starts exactly as the shipped run did. :func:`load_stages` reads them back.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import torch

from mynn.gan.models import BOOK_STEPS, BookStep, MnistGenerator
from mynn.gan.training import GanHistory

STAGE_EPOCHS = 10
"""Epochs of the 4,000 bundled digits per stage in the shipped run."""

STAGE_BATCH = 8
"""Minibatch size of every stage (the book: 1; 8 trains 7x as many digits per CPU second)."""

SEED = 0
CHECKED_STEPS = 20
"""Steps whose losses are stored, to check a re-run of the script against the shipped run."""

FILE_NAME = "book_stages.npz"


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


def save_stages(path, generators, first_losses, info: dict) -> None:
    """Write the stages' generators (float16) and first losses to an ``.npz`` file."""
    arrays = {"info": np.array(json.dumps(info)), "first_losses": np.asarray(first_losses)}
    for i, generator in enumerate(generators):
        arrays.update(_state_arrays(str(i), generator))
    np.savez_compressed(path, **arrays)


def _shipped():
    return resources.files("mynn.gan") / "pretrained" / FILE_NAME


def load_stages() -> tuple[dict[str, MnistGenerator], np.ndarray, dict]:
    """The shipped generators by stage name, the first losses (stage, step, 3), and the info.

    ``info`` holds how they were trained: epochs, batch size, seed, CPU seconds per stage.
    """
    with _shipped().open("rb") as handle, np.load(handle) as saved:
        info = json.loads(str(saved["info"]))
        generators = {
            stage.name: _load_state(saved, str(i), stage.build()[1])
            for i, stage in enumerate(BOOK_STEPS)
        }
        return generators, saved["first_losses"].astype(np.float64), info
