"""Exercises for the GAN notebooks (20, 21, 22), in PyTorch.

This module imports torch; :mod:`mynn.exercises` loads it only when one of its exercises
is asked for, so ``import mynn.exercises`` stays light.

* 20: the discriminator's step on the generator's output (the book's second training
  step, :func:`mynn.gan.training.train_gan`): G's output is *detached*, so the loss
  trains D alone; the target is 0 (fake)::

      loss = loss_function(D(G(seeds).detach()), 0);  zero_grad, backward, step

* 21: the generator's loss: D's loss on G's output with target 1 (real), *not* detached,
  so that ``loss.backward()`` reaches G's weights through D::

      loss = loss_function(D(G(seeds)), 1)

* 22: a transposed convolution that doubles a 7 x 7 map to 14 x 14, as the convolutional
  GAN's generator does (:class:`mynn.gan.conv`): kernel 4, stride 2, padding 1, since
  (7 - 1)*2 - 2*1 + 4 = 14.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

from mynn.exercises.core import Exercise, Mistake

_TORCH_RTOL = 1e-5
_TORCH_ATOL = 1e-7

# ---------------------------------------------------------------------------- small networks


def _networks(seed: int, sizes: tuple[int, int, int]):
    """A small D and G like the book's 1010 GAN, built from ``seed``.

    Call it inside ``torch.random.fork_rng()``: the reader's own random state is left alone.
    """
    n_data, n_hidden, n_seed = sizes
    torch.manual_seed(seed)
    discriminator = nn.Sequential(
        nn.Linear(n_data, n_hidden), nn.Sigmoid(), nn.Linear(n_hidden, 1), nn.Sigmoid()
    )
    generator = nn.Sequential(
        nn.Linear(n_seed, n_hidden), nn.Sigmoid(), nn.Linear(n_hidden, n_data), nn.Sigmoid()
    )
    seeds = torch.rand(4, n_seed)
    return discriminator, generator, seeds


def _loss_function(name: str) -> nn.Module:
    return nn.MSELoss() if name == "mse" else nn.BCELoss()


def _flat(module: nn.Module) -> np.ndarray:
    return torch.cat([p.detach().reshape(-1) for p in module.parameters()]).numpy().copy()


def _loss_value(value):
    """The returned loss as a float, or the returned object itself if it is not a number."""
    if torch.is_tensor(value) and value.numel() == 1:
        return float(value.detach())
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value


def _describe_recipe(args) -> str:
    seed, n, loss, optimiser = args
    return f"the test with seed {seed}, {n} seed(s), {loss.upper()} loss and {optimiser}"


# ---------------------------------------------------------------------------- 20.discriminator_step


def my_discriminator_step(
    D: torch.nn.Module,
    G: torch.nn.Module,
    optimiser: torch.optim.Optimizer,
    loss_function: torch.nn.Module,
    seeds: torch.Tensor,
) -> torch.Tensor:
    fake = G(seeds).detach()  # G's output, cut off from G: this step trains D only
    outputs = D(fake)
    loss = loss_function(outputs, torch.zeros_like(outputs))  # target 0: "fake"
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return loss


def _gan_recipes(rng):
    return [
        (int(rng.integers(1000)), 1, "mse", "SGD"),
        (7, 4, "bce", "Adam"),
        (11, 3, "mse", "Adam"),
    ]


def _observe_discriminator_step(function, args):
    """Run the step on freshly built networks; what changed in D and G, and the loss.

    D's gradients hold stale values from an earlier step (as in a training loop), so a step
    without ``zero_grad`` shows.
    """
    with torch.random.fork_rng(devices=[]):
        return _discriminator_step_outcome(function, *args)


def _discriminator_step_outcome(function, seed, n, loss_name, optimiser_name):
    discriminator, generator, seeds = _networks(seed, (4, 3, 1))
    seeds = seeds[:n]
    optimiser_class = torch.optim.SGD if optimiser_name == "SGD" else torch.optim.Adam
    optimiser = optimiser_class(discriminator.parameters(), lr=0.1)
    for parameter in discriminator.parameters():
        parameter.grad = torch.full_like(parameter, 0.5)
    generator_before = _flat(generator)
    value = function(discriminator, generator, optimiser, _loss_function(loss_name), seeds)
    return {
        "loss": _loss_value(value),
        "d": _flat(discriminator),
        "g_changed": not np.array_equal(_flat(generator), generator_before),
        "g_grad": any(p.grad is not None for p in generator.parameters()),
    }


def _compare_loss(expected, got) -> str | None:
    if got is None:
        return "your function returned None: return the loss (the value loss_function gave)"
    if not isinstance(got, float):
        return f"your function returned a {type(got).__name__}, not the loss (one number)"
    if not np.isclose(got, expected, rtol=_TORCH_RTOL, atol=_TORCH_ATOL):
        return f"the loss you return is {got:.6g} but should be {expected:.6g}"
    return None


def _compare_discriminator_step(expected, got) -> str | None:
    if got["g_grad"] and not expected["g_grad"]:
        return (
            "gradients reached G: detach G's output (G(seeds).detach()) so that this step "
            "trains D only"
        )
    if got["g_changed"] and not expected["g_changed"]:
        return "G's weights changed: this step must change D's weights only"
    if not np.allclose(got["d"], expected["d"], rtol=_TORCH_RTOL, atol=_TORCH_ATOL):
        return (
            "D's weights after your step are not those of the book's step: the order is "
            "optimiser.zero_grad(), loss.backward(), optimiser.step()"
        )
    if got["g_grad"] != expected["g_grad"] or got["g_changed"] != expected["g_changed"]:
        return "G's gradients or weights are not as the book's step leaves them"
    return _compare_loss(expected["loss"], got["loss"])


def _not_detached(D, G, optimiser, loss_function, seeds):
    outputs = D(G(seeds))
    loss = loss_function(outputs, torch.zeros_like(outputs))
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return loss


def _discriminator_variant(target=0.0, zero_grad=True, step=True):
    def variant(D, G, optimiser, loss_function, seeds):
        outputs = D(G(seeds).detach())
        loss = loss_function(outputs, torch.full_like(outputs, target))
        if zero_grad:
            optimiser.zero_grad()
        loss.backward()
        if step:
            optimiser.step()
        return loss

    return variant


DISCRIMINATOR_STEP = Exercise(
    id="20.discriminator_step",
    title="the discriminator's training step on the generator's output, detached",
    function_name="my_discriminator_step",
    parameters="D, G, optimiser, loss_function, seeds",
    task="train D one step on G(seeds), detached, with target 0 (fake); return the loss",
    reference=my_discriminator_step,
    cases=_gan_recipes,
    observe=_observe_discriminator_step,
    compare=_compare_discriminator_step,
    describe=_describe_recipe,
    imports="import torch",
    mistakes=(
        Mistake(
            "not detached",
            _not_detached,
            "G's output is not detached, so loss.backward() also filled G's gradients (and an "
            "optimiser step over G would move it the wrong way): use G(seeds).detach()",
        ),
        Mistake(
            "target 1",
            _discriminator_variant(target=1.0),
            "you used target 1, the target for real data: D should learn to call G's output "
            "fake, target 0 (torch.zeros_like(outputs))",
        ),
        Mistake(
            "no zero_grad",
            _discriminator_variant(zero_grad=False),
            "optimiser.zero_grad() is missing: PyTorch adds new gradients to the old ones, so "
            "clear them before loss.backward()",
        ),
        Mistake(
            "no step",
            _discriminator_variant(step=False),
            "D's weights did not change: call optimiser.step() after loss.backward() (and "
            "optimiser.zero_grad() before backward, not between backward and step)",
        ),
    ),
    hints=(
        "Four lines: G's output detached, D's output on it, the loss with target 0, then "
        "zero_grad / backward / step.",
        "fake = G(seeds).detach(); outputs = D(fake); loss = loss_function(outputs, "
        "torch.zeros_like(outputs)).",
        "optimiser.zero_grad(); loss.backward(); optimiser.step(); return loss.",
    ),
)

# ---------------------------------------------------------------------------- 21.generator_loss


def my_generator_loss(
    D: torch.nn.Module, G: torch.nn.Module, loss_function: torch.nn.Module, seeds: torch.Tensor
) -> torch.Tensor:
    outputs = D(G(seeds))  # not detached: the gradient must flow back through D into G
    return loss_function(outputs, torch.ones_like(outputs))  # G wants D to say "real"


def _observe_generator_loss(function, args):
    """The loss, and G's gradients after ``loss.backward()`` (None when none reach G)."""
    with torch.random.fork_rng(devices=[]):
        return _generator_loss_outcome(function, *args)


def _generator_loss_outcome(function, seed, n, loss_name, _optimiser_name):
    discriminator, generator, seeds = _networks(seed, (6, 5, 3))
    value = function(discriminator, generator, _loss_function(loss_name), seeds[:n])
    gradients = None
    if torch.is_tensor(value) and value.numel() == 1 and value.requires_grad:
        value.backward()
        if any(p.grad is not None for p in generator.parameters()):
            gradients = torch.cat(
                [
                    (p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1)
                    for p in generator.parameters()
                ]
            ).numpy()
    return {"loss": _loss_value(value), "tensor": torch.is_tensor(value), "g_grad": gradients}


def _compare_generator_loss(expected, got) -> str | None:
    problem = _compare_loss(expected["loss"], got["loss"])
    if problem:
        return problem
    if expected["tensor"] and not got["tensor"]:
        return (
            "you returned a plain number (.item()?): return the loss tensor itself, so that "
            "G's step can call loss.backward()"
        )
    if (expected["g_grad"] is None) != (got["g_grad"] is None):
        if got["g_grad"] is None:
            return (
                "no gradient reaches G: G's loss must not detach G's output (no .detach(), "
                "no torch.no_grad()), since G learns through D's judgement"
            )
        return "gradients reach G where they should not"
    if got["g_grad"] is not None and not np.allclose(
        got["g_grad"], expected["g_grad"], rtol=_TORCH_RTOL, atol=_TORCH_ATOL
    ):
        return "the loss has the right value but G's gradients from it are wrong"
    return None


def _generator_variant(target=1.0, detach=False):
    def variant(D, G, loss_function, seeds):
        fake = G(seeds)
        outputs = D(fake.detach() if detach else fake)
        return loss_function(outputs, torch.full_like(outputs, target))

    return variant


def _minimax(D, G, loss_function, seeds):
    outputs = D(G(seeds))
    return -loss_function(outputs, torch.zeros_like(outputs))


GENERATOR_LOSS = Exercise(
    id="21.generator_loss",
    title="the generator's loss: D's loss on G's output with target 1",
    function_name="my_generator_loss",
    parameters="D, G, loss_function, seeds",
    task="return loss_function(D(G(seeds)), target 1), without detaching G's output",
    reference=my_generator_loss,
    cases=_gan_recipes,
    observe=_observe_generator_loss,
    compare=_compare_generator_loss,
    describe=_describe_recipe,
    imports="import torch",
    mistakes=(
        Mistake(
            "target 0",
            _generator_variant(target=0.0),
            "you used target 0: G wants D to take its output for real, so G's loss uses "
            "target 1 (torch.ones_like(outputs))",
        ),
        Mistake(
            "detached",
            _generator_variant(detach=True),
            "G's output is detached, so no gradient reaches G and it cannot learn: G's loss "
            "goes through D without .detach()",
        ),
        Mistake(
            "minimax",
            _minimax,
            "this is minus D's loss on fakes (the original minimax form), which gives G almost "
            "no gradient while D wins easily; the book trains G on D's loss with target 1",
        ),
    ),
    hints=(
        "G is judged by D: outputs = D(G(seeds)).",
        "G wants D to answer 1 (real) for its output: loss_function(outputs, "
        "torch.ones_like(outputs)). Don't detach anything.",
    ),
)

# ---------------------------------------------------------------------------- 22.double_7x7


def my_upsampling_layer(in_channels: int, out_channels: int) -> torch.nn.Module:
    # (7 - 1)*2 - 2*1 + 4 = 14: a 7 x 7 map becomes 14 x 14
    return torch.nn.ConvTranspose2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1)


def _channel_cases(rng):
    return [(8, 4), (1, 1), (16, 8), (int(rng.integers(2, 6)), 3)]


def _observe_layer(function, args):
    """What the answer built, and the shape it makes of a batch of 7 x 7 maps."""
    in_channels, out_channels = args
    layer = function(in_channels, out_channels)
    if not isinstance(layer, nn.Module):
        return {"kind": type(layer).__name__, "shape": None}
    kinds = {type(m) for m in layer.modules()}
    kind = (
        "transposed" if nn.ConvTranspose2d in kinds else "conv" if nn.Conv2d in kinds else "other"
    )
    return {"kind": kind, "shape": _output_shape(layer, (2, in_channels, 7, 7))}


def _output_shape(layer: nn.Module, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The layer's output shape for an input of zeros, on one CPU thread (fast for one call)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            return tuple(layer(torch.zeros(shape)).shape)
    finally:
        torch.set_num_threads(threads)


def _compare_layer(expected, got) -> str | None:
    if got == expected:
        return None
    if got["shape"] is None:
        what = "None" if got["kind"] == "NoneType" else f"a {got['kind']}"
        return f"your function returned {what}, not a layer: return nn.ConvTranspose2d(...)"
    if got["kind"] != expected["kind"]:
        if got["kind"] == "conv":
            return (
                "a Conv2d makes maps smaller; to double the size use a transposed "
                "convolution, nn.ConvTranspose2d"
            )
        return (
            "this layer is not a transposed convolution (nn.Upsample, say, has no weights to "
            "learn): use nn.ConvTranspose2d"
        )
    size = " x ".join(str(s) for s in got["shape"][2:])
    return (
        f"a batch of 2 maps of 7 x 7 came out with shape {got['shape']} ({size}), not "
        f"{expected['shape']}: the size is (n - 1)*stride - 2*padding + kernel + output_padding"
    )


def _transposed(kernel, stride, padding, output_padding=0):
    def layer(in_channels, out_channels):
        return nn.ConvTranspose2d(
            in_channels, out_channels, kernel, stride, padding, output_padding=output_padding
        )

    return layer


UPSAMPLING_LAYER = Exercise(
    id="22.upsampling_layer",
    title="a transposed-convolution layer that doubles a 7 x 7 map to 14 x 14",
    function_name="my_upsampling_layer",
    parameters="in_channels, out_channels",
    task="return an nn.ConvTranspose2d from in_channels to out_channels making 7 x 7 into 14 x 14",
    reference=my_upsampling_layer,
    cases=_channel_cases,
    observe=_observe_layer,
    compare=_compare_layer,
    imports="import torch",
    mistakes=(
        Mistake(
            "kernel 3, no output_padding",
            _transposed(3, 2, 1),
            "kernel 3, stride 2, padding 1 gives (7-1)*2 - 2 + 3 = 13, one short: add "
            "output_padding=1, or use kernel_size=4 (the book's choice)",
        ),
        Mistake(
            "no padding",
            _transposed(4, 2, 0),
            "kernel 4, stride 2 without padding gives (7-1)*2 + 4 = 16: padding=1 takes one "
            "cell off each side, giving 14",
        ),
        Mistake(
            "convolution",
            lambda i, o: nn.Conv2d(i, o, kernel_size=4, stride=2, padding=1),
            "nn.Conv2d shrinks the map (7 x 7 to 3 x 3); to double it use nn.ConvTranspose2d "
            "with the same numbers",
        ),
        Mistake(
            "stride 1",
            _transposed(4, 1, 1),
            "with stride 1 a transposed convolution adds only kernel - 1 - 2*padding cells "
            "(7 to 8 here): stride=2 spaces the input cells out and doubles the size",
        ),
    ),
    hints=(
        "nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding); the "
        "size is (n - 1)*stride - 2*padding + kernel_size.",
        "Stride 2 doubles; with n = 7, (7 - 1)*2 = 12, so kernel_size - 2*padding must be 2.",
    ),
    exception_hints=(
        (
            RuntimeError,
            "channels",
            "the channel counts don't fit the input: nn.ConvTranspose2d takes in_channels "
            "first, then out_channels",
        ),
    ),
)

EXERCISES = (DISCRIMINATOR_STEP, GENERATOR_LOSS, UPSAMPLING_LAYER)
