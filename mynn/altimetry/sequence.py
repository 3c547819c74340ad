"""A sequence network over consecutive waveforms: which echo is the sea, and how high are its waves.

Needs PyTorch (``pip install 'mynn[torch]'``); ``import mynn.altimetry`` does not import it,
the names here load on first use (like :mod:`mynn.gan`).

:class:`PassNet` reads a pass, an ``(n, n_gates)`` block of consecutive waveforms, and
gives for every waveform a score for each gate ("the sea's leading-edge mid-point is
here") and the significant wave height. Per waveform it applies the same small encoder:

    x      = log(p / min(S)) / 5            (S: p over 3 gates; the shape, not the power)
    h      = ReLU(conv5(ReLU(conv5(x))))    (8 channels, 5-gate kernels, along the gates)
    f_k    = ReLU(W h + b)                  (64 features of waveform k)

then, with ``recurrent=True``, a bidirectional GRU along the pass, g_k = GRU(f_1 .. f_n)_k,
so each waveform's answer sees the waveforms before and after it; with
``recurrent=False`` (the **per-waveform network**, the baseline) g_k = ReLU(V f_k + c)
sees waveform k alone. Two heads: gate logits z_k = A g_k (softmax over gates), and
SWH_k = 10 m x softplus(a . g_k). The picked epoch is the probability-weighted mean gate
within 2 gates of the most probable one.

Training (:func:`train_pass_net`): cross-entropy of the true epoch's nearest gate plus
the squared SWH error in units of 2 m, Adam, on windows of consecutive waveforms cut from
:func:`~mynn.altimetry.passes.simulate_contaminated_pass` passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mynn.altimetry.model import JASON, Instrument, check_instrument
from mynn.altimetry.passes import simulate_contaminated_pass
from mynn.altimetry.retrackers import as_waveforms, running_mean
from mynn.errors import UsageError

SWH_SCALE = 10.0
"""Metres per unit of the SWH head's output."""

SWH_METRE_LOSS = 2.0
"""SWH errors enter the loss as (error / 2 m)^2: a 2 m error costs as much as the
cross-entropy of a gate picked with probability 1/e."""


def pass_inputs(waveforms) -> np.ndarray:
    """The network's input: log(p / min(S)) / 5 per gate (S the 3-gate running mean)."""
    power = as_waveforms(waveforms)
    if np.any(power < 0):
        raise UsageError("waveforms must hold non-negative powers")
    floor = np.maximum(running_mean(power, 3).min(axis=1, keepdims=True), 1e-300)
    if np.any(power.max(axis=1) <= 0):
        raise UsageError("a waveform is all zeros: there is no echo to read")
    return (np.log(np.maximum(power, 1e-3 * floor) / floor) / 5.0).astype(np.float32)


class PassNet(nn.Module):
    """The per-waveform encoder, optionally a bidirectional GRU along the pass, two heads.

    Parameters
    ----------
    n_gates : int
        Gates per waveform (104 for Jason).
    recurrent : bool
        True: the sequence network (GRU over consecutive waveforms); False: the
        per-waveform network with the same encoder and heads.
    features : int
        Width of f_k and g_k.
    """

    def __init__(self, n_gates: int = 104, recurrent: bool = True, features: int = 64):
        super().__init__()
        self.n_gates, self.recurrent = int(n_gates), bool(recurrent)
        self.encoder = nn.Sequential(
            nn.Conv1d(1, 8, 5, padding=2),
            nn.ReLU(),
            nn.Conv1d(8, 8, 5, padding=2),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(8 * self.n_gates, features),
            nn.ReLU(),
        )
        if self.recurrent:
            self.mix = nn.GRU(features, features // 2, batch_first=True, bidirectional=True)
        else:
            self.mix = nn.Sequential(nn.Linear(features, features), nn.ReLU())
        self.gate_head = nn.Linear(features, self.n_gates)
        self.swh_head = nn.Linear(features, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (batch, n, n_gates) inputs -> (gate logits (batch, n, n_gates), SWH (batch, n))."""
        batch, n, gates = x.shape
        f = self.encoder(x.reshape(batch * n, 1, gates)).reshape(batch, n, -1)
        g = self.mix(f)[0] if self.recurrent else self.mix(f)
        swh = SWH_SCALE * nn.functional.softplus(self.swh_head(g)[..., 0])
        return self.gate_head(g), swh


@dataclass(frozen=True)
class PassEstimate:
    """:func:`estimate_pass`'s answer per waveform: ``epoch`` (gates), ``swh`` (m), ``probability``
    (of the most probable gate, 0..1)."""

    epoch: np.ndarray
    swh: np.ndarray
    probability: np.ndarray


def estimate_pass(model: PassNet, waveforms) -> PassEstimate:
    """Run ``model`` over one pass: the picked epoch, SWH and the pick's probability."""
    x = torch.from_numpy(pass_inputs(waveforms))[None]
    if x.shape[-1] != model.n_gates:
        raise UsageError(f"the model reads {model.n_gates} gates, the waveforms have {x.shape[-1]}")
    model.eval()
    with torch.no_grad():
        logits, swh = model(x)
    p = torch.softmax(logits[0], dim=-1).numpy().astype(np.float64)
    top = p.argmax(axis=1)
    gates = np.arange(p.shape[1])
    near = np.abs(gates[None, :] - top[:, None]) <= 2
    weights = np.where(near, p, 0.0)
    epoch = (weights * gates).sum(axis=1) / weights.sum(axis=1)
    return PassEstimate(
        epoch=epoch, swh=swh[0].numpy().astype(np.float64), probability=p.max(axis=1)
    )


@dataclass
class PassNetHistory:
    """Losses of :func:`train_pass_net`, one per step."""

    loss: list


def training_passes(
    n_passes: int, n_waveforms: int = 200, instrument: Instrument = JASON, seed: int = 0, **settings
) -> list:
    """``n_passes`` :func:`simulate_contaminated_pass` passes, seeded ``seed``, ``seed + 1``, ..."""
    return [
        simulate_contaminated_pass(n_waveforms, instrument=instrument, rng=seed + i, **settings)
        for i in range(int(n_passes))
    ]


def train_pass_net(
    model: PassNet,
    passes: list,
    steps: int = 600,
    window: int = 48,
    batch: int = 16,
    lr: float = 3e-3,
    seed: int = 0,
) -> PassNetHistory:
    """Train on random windows of ``window`` consecutive waveforms cut from ``passes``.

    Loss per window: mean over waveforms of cross-entropy(gate logits, round(true epoch))
    + ((SWH - true SWH) / 2 m)^2; Adam with learning rate ``lr``, ``steps`` steps of
    ``batch`` windows. Seeded by ``seed`` (torch and the window draws).
    """
    if not passes:
        raise UsageError("train_pass_net needs at least one pass to learn from")
    for name, value in (("steps", steps), ("window", window), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise UsageError(f"{name} must be a positive whole number, got {value!r}")
    if not (math.isfinite(lr) and lr > 0):
        raise UsageError(f"lr must be a positive number, got {lr!r}")
    check_instrument(passes[0].instrument)
    inputs = [torch.from_numpy(pass_inputs(p.waveforms)) for p in passes]
    targets = [
        torch.from_numpy(np.clip(np.round(p.epoch), 0, model.n_gates - 1).astype(np.int64))
        for p in passes
    ]
    swh = [torch.from_numpy(p.swh.astype(np.float32)) for p in passes]
    shortest = min(len(p) for p in passes)
    if window > shortest:
        raise UsageError(f"window ({window}) is longer than the shortest pass ({shortest})")
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    history = PassNetHistory([])
    model.train()
    for _ in range(steps):
        which = rng.integers(0, len(passes), batch)
        starts = [int(rng.integers(0, len(passes[i]) - window + 1)) for i in which]
        x = torch.stack([inputs[i][s : s + window] for i, s in zip(which, starts)])
        t = torch.stack([targets[i][s : s + window] for i, s in zip(which, starts)])
        h = torch.stack([swh[i][s : s + window] for i, s in zip(which, starts)])
        logits, predicted = model(x)
        loss = nn.functional.cross_entropy(logits.reshape(-1, model.n_gates), t.reshape(-1))
        loss = loss + (((predicted - h) / SWH_METRE_LOSS) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        history.loss.append(float(loss.detach()))
    model.eval()
    return history
