"""Checkpoints for :func:`mynn.training.fit`: save where training stands, resume exactly.

A checkpoint is a normal mynn network file (:func:`~mynn.storage.save`) with a
:class:`~mynn.storage.TrainingState`: epochs done, the position within the current epoch,
the chunk size and a fingerprint of the training data. ``fit`` trains in chunks of
consecutive samples; checkpoints are written only at the end of a chunk, where the
weights are complete, and a resumed run continues on the same grid of chunks. It
therefore repeats the uninterrupted run's floating-point operations one for one, and ends
with bitwise the same weights.

Ctrl-C during a checkpointed run is held back until the current chunk is finished (a
fraction of a second); then a checkpoint is written and ``KeyboardInterrupt`` raised. A
second Ctrl-C stops at once, without a checkpoint (the last one written stays valid).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from mynn.checks import check_whole_number
from mynn.errors import UsageError
from mynn.network import NeuralNetwork
from mynn.storage.files import (
    TrainingState,
    check_output_path,
    data_fingerprint,
    load_checkpoint,
    put_weights,
    save,
)
from mynn.storage.format import HDF5_SUFFIXES, NPZ_SUFFIXES, StorageError


class Checkpointing:
    """The bookkeeping of a checkpointed (or resumed) ``fit`` run.

    Parameters
    ----------
    network : NeuralNetwork
        The network being trained. With ``resume`` its weights and learning rate are
        replaced by the checkpoint's (the node counts and bias setting must match).
    images, labels : arrays
        The training set, fingerprinted so that a resume on other data is refused.
    epochs : int
        The run's total number of epochs (when resuming: the total, not the extra ones).
    chunk : int
        Samples per training call. When resuming, the checkpoint's chunk is used instead,
        so the run continues on the same grid.
    path : path-like, optional
        Where to write checkpoints (.npz or .h5), atomically, replacing the previous one.
    every : int, optional
        Write a checkpoint once at least this many samples were trained since the last
        one (at the next chunk end). Without it: at the end of each epoch. A checkpoint is
        always written at the end of the run and when it is interrupted.
    resume : path-like, optional
        A checkpoint to continue from.
    callback : callable, optional
        Called as ``callback(network, epochs_done, position)`` after every chunk (and
        after any checkpoint due then). It may raise ``KeyboardInterrupt`` to stop the
        run, which then writes a checkpoint first.
    """

    def __init__(
        self,
        network: NeuralNetwork,
        images: np.ndarray,
        labels: np.ndarray,
        epochs: int,
        chunk: int,
        path: str | os.PathLike | None = None,
        every: int | None = None,
        resume: str | os.PathLike | None = None,
        callback: Callable[[NeuralNetwork, int, int], None] | None = None,
    ) -> None:
        self.network, self.epochs, self.chunk = network, int(epochs), int(chunk)
        self.n_samples = len(labels)
        self.path = None if path is None else Path(path)
        self.callback = callback
        if self.path is not None and self.path.suffix.lower() not in NPZ_SUFFIXES + HDF5_SUFFIXES:
            raise StorageError(
                f"{self.path}: name the checkpoint file .npz (or .h5/.hdf5 for HDF5)"
            )
        if self.path is not None:
            check_output_path(self.path, create_parents=True)  # fail now, not after an epoch
        if every is not None:
            check_whole_number("checkpoint_every", every)
        if every is not None and self.path is None:
            raise UsageError("checkpoint_every needs checkpoint=PATH, the file to write")
        self.every = None if every is None else int(every)
        needs_fingerprint = self.path is not None or resume is not None
        self.fingerprint = data_fingerprint(images, labels) if needs_fingerprint else ""
        self.epochs_done, self.position = 0, 0
        if resume is not None:
            self._resume(Path(resume))
        self._since_save = 0
        self.last_saved: TrainingState | None = None

    def _resume(self, path: Path) -> None:
        saved, state = load_checkpoint(path)
        if state is None:
            raise StorageError(
                f"{path}: a saved network without a training state, so there is nothing to "
                "resume; load it with mynn.load and train it further with fit"
            )
        if state.n_samples != self.n_samples or state.data_fingerprint != self.fingerprint:
            raise StorageError(
                f"{path}: this checkpoint was trained on different data ({state.n_samples} "
                f"samples, fingerprint {state.data_fingerprint[:12]}; these are "
                f"{self.n_samples}, fingerprint {self.fingerprint[:12]}); resume with the same "
                "images and labels in the same order"
            )
        if self.epochs < state.epochs_done or (
            self.epochs == state.epochs_done and state.position == 0
        ):
            raise UsageError(
                f"{path}: the run has already done {state.epochs_done} epoch"
                f"{'' if state.epochs_done == 1 else 's'}; ask for more epochs than that to "
                f"train further (epochs is the run's total, e.g. {state.epochs_done + 1})"
            )
        put_weights(
            self.network,
            saved.wih,
            saved.who,
            getattr(saved, "bh", None),
            getattr(saved, "bo", None),
            source=str(path),
        )
        self.network.lr = saved.lr
        self.chunk = state.chunk
        self.epochs_done, self.position = state.epochs_done, state.position

    @property
    def samples_done(self) -> int:
        return self.epochs_done * self.n_samples + self.position

    def chunks(self) -> Iterator[tuple[int, int, int]]:
        """``(epoch, first, stop)`` for each chunk still to train, from where the run stands."""
        for epoch in range(self.epochs_done, self.epochs):
            start = self.position if epoch == self.epochs_done else 0
            for first in range(start, self.n_samples, self.chunk):
                yield epoch, first, min(first + self.chunk, self.n_samples)

    def chunk_done(self, epoch: int, stop: int, interrupted: bool = False) -> None:
        """Record a trained chunk; write a checkpoint if one is due; run the callback."""
        trained = stop - (self.position if epoch == self.epochs_done else 0)
        self._since_save += trained
        self.epochs_done, self.position = (
            (epoch + 1, 0) if stop == self.n_samples else (epoch, stop)
        )
        due = self.position == 0 if self.every is None else self._since_save >= self.every
        if due or self.epochs_done == self.epochs or interrupted:
            self.save()
        if self.callback is not None:
            try:
                self.callback(self.network, self.epochs_done, self.position)
            except KeyboardInterrupt:
                self.save()
                raise KeyboardInterrupt(self.interrupt_message()) from None
        if interrupted:
            raise KeyboardInterrupt(self.interrupt_message())

    def state(self) -> TrainingState:
        return TrainingState(
            epochs_done=self.epochs_done,
            position=self.position,
            epochs=self.epochs,
            chunk=self.chunk,
            n_samples=self.n_samples,
            data_fingerprint=self.fingerprint,
        )

    def save(self) -> None:
        if self.path is None:
            return
        state = self.state()
        if state != self.last_saved:
            save(self.network, self.path, training_state=state)
            self.last_saved = state
        self._since_save = 0

    def interrupt_message(self) -> str:
        epochs = f"{self.epochs_done} epoch{'' if self.epochs_done == 1 else 's'}"
        where = f"after {epochs}" + (
            f" and {self.position} of the next epoch's {self.n_samples} images"
            if self.position
            else ""
        )
        if self.path is None:
            return f"interrupted {where}; no checkpoint file was given, nothing was saved"
        return f"interrupted {where}; checkpoint saved in {self.path}"


@contextlib.contextmanager
def interrupts_deferred(enabled: bool = True) -> Iterator[Callable[[], bool]]:
    """Hold back Ctrl-C (SIGINT) inside the block; yields ``requested()`` to poll.

    The caller polls ``requested()`` at safe points and stops there. A second Ctrl-C
    raises ``KeyboardInterrupt`` at once. Only possible in the main thread (elsewhere,
    and with ``enabled=False``, nothing is deferred and ``requested()`` is always False).
    """
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    requested = False

    def handler(signum, frame):
        nonlocal requested
        if requested:
            raise KeyboardInterrupt("interrupted twice: stopped at once, without a checkpoint")
        requested = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: requested
    finally:
        signal.signal(signal.SIGINT, previous)
