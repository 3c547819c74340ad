"""How good are generated digits? Measured by a digit classifier, not by eye.

A GAN can fool its own discriminator with one digit drawn over and over (mode collapse).
A separate classifier, trained on the real digits bundled with mynn, reads each generated
image. From its readings come these measures:

- **classes covered** (the mode-collapse measure): a digit class counts when at least
  :data:`COVER_FRACTION` (2%) of the images are *confidently* read as it, meaning the
  classifier gives that class a probability of at least :data:`CONFIDENT` (0.8). Real
  digits cover 10 of 10; a collapsed GAN covers 1 or 2; blurry scribbles, none.
- **confident share**: the share of the images read with that confidence (at least 0.8) as
  any digit. Real held-out digits: about 0.94 (see :func:`reference_quality`).
- **mean confidence**: the classifier's top probability averaged over the images. Real
  held-out digits score about 0.95; blurry or broken digits less.
- **variety**: how much the images differ from one another, the standard deviation of each
  pixel across the images, averaged over the 784 pixels. One image repeated gives 0; real
  digits about 0.2. It needs no classifier and sees collapse even in blurry images.
- **grey share** (:func:`grey_share`): how much of the ink is grey rather than solid, a
  measure of blurred strokes and faint speckle; real digits about 0.5. It needs no
  classifier either.
- **Fréchet distance** between the generated and the real training digits in the
  classifier's feature space (its 200 hidden values), the idea behind the FID score for
  photographs: fit a Gaussian to each set's features and measure
  ``|mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2))``. 0 means the same statistics; real
  held-out digits give the floor (see :func:`reference_quality`).
- **precision and recall** (Kynkäänniemi et al. 2019, "Improved precision and recall
  metric for assessing generative models"), also in the classifier's feature space, against
  :data:`REFERENCE_SIZE` real training digits. Around each real digit's features draw a
  ball reaching its k-th nearest real neighbour (k = :data:`NEIGHBOURS`); the union of the
  balls is the *real manifold*. **Precision** is the share of generated digits inside it
  (are they digits?); **recall** is the share of real digits inside the generated digits'
  manifold, built the same way (are all kinds of digits made?). A collapsed GAN can have
  high precision and low recall; noise has low precision. Compare sets of the same size
  (1,000 generated digits against the 1,000 real ones): the balls shrink as a set grows.

The classifier is the book's improved MNIST classifier (784 -> 200 LeakyReLU(0.02),
LayerNorm -> 10, Adam), trained with cross-entropy for :data:`CLASSIFIER_EPOCHS` epochs on
the 4,000 bundled training digits, each also shifted by a pixel or two so that a slightly
off-centre generated digit is still read. It takes a few seconds to train; it is then kept
in memory and on disk (``<data dir>/gan/digit_classifier-v1.pt``, see
:func:`mynn.datasets.data_dir`). A cache file that is unreadable or was made from other
data or settings is replaced by a freshly trained classifier; ``rebuild=True`` forces that.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from mynn import datasets
from mynn.errors import UsageError
from mynn.files import atomic_writer
from mynn.gan.training import torch_threads

CONFIDENT = 0.8
"""The probability at which the classifier's reading of an image counts as confident."""

COVER_FRACTION = 0.02
"""The share of images a class needs (read confidently) to count as covered."""

NEIGHBOURS = 3
"""k of the k-nearest-neighbour balls of precision and recall (the paper's choice)."""

REFERENCE_SIZE = 1000
"""How many real training digits form the real manifold of precision and recall."""

CLASSIFIER_EPOCHS = 8
CLASSIFIER_SEED = 0
CACHE_VERSION = 1
_MEMORY: dict[str, tuple[DigitClassifier, np.ndarray, np.ndarray, np.ndarray]] = {}


class DigitClassifier(nn.Module):
    """784 -> 200 (LeakyReLU(0.02), LayerNorm) -> 10: the book's improved MNIST classifier.

    ``forward`` returns the 10 logits; :meth:`features` the 200 hidden values used for the
    Fréchet distance.
    """

    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(784, 200), nn.LeakyReLU(0.02), nn.LayerNorm(200))
        self.output = nn.Linear(200, 10)

    def features(self, images: Tensor) -> Tensor:
        return self.hidden(images)

    def forward(self, images: Tensor) -> Tensor:
        return self.output(self.hidden(images))


def as_digit_array(images: Any) -> np.ndarray:
    """Digits as float32 (n, 784) in 0..1 (1 = ink) from uint8 0..255 or floats 0..1.

    Accepts (n, 784), (n, 28, 28) or (n, 1, 28, 28), numpy or torch.
    """
    if isinstance(images, Tensor):
        images = images.detach().cpu().numpy()
    array = np.asarray(images)
    if array.ndim < 2 or array.shape[0] == 0 or math.prod(array.shape[1:]) != 784:
        raise UsageError(
            f"digits must be shaped (n, 784), (n, 28, 28) or (n, 1, 28, 28), got {array.shape}"
        )
    array = array.reshape(len(array), 784)
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if not np.issubdtype(array.dtype, np.floating):
        raise UsageError(f"digits must be uint8 (0..255) or floats (0..1), got {array.dtype}")
    if not np.isfinite(array).all():
        raise UsageError("digits contain NaN or infinite values")
    if array.min() < -1e-6 or array.max() > 1 + 1e-6:
        raise UsageError(
            f"float digits must lie in 0..1 (1 = ink), got {array.min():.3g}..{array.max():.3g}; "
            "divide 0..255 pixels by 255"
        )
    return array.astype(np.float32)


def _shifted(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each image moved by up to 2 pixels in each direction (zeros fill the gap)."""
    squares = images.reshape(-1, 28, 28)
    out = np.zeros_like(squares)
    dy, dx = rng.integers(-2, 3, size=(2, len(squares)))
    for i, (y, x) in enumerate(zip(dy, dx)):
        out[i, max(y, 0) : 28 + min(y, 0), max(x, 0) : 28 + min(x, 0)] = squares[
            i, max(-y, 0) : 28 + min(-y, 0), max(-x, 0) : 28 + min(-x, 0)
        ]
    return out.reshape(-1, 784)


def train_classifier(images: np.ndarray, labels: np.ndarray, seed: int = CLASSIFIER_SEED):
    """Train a :class:`DigitClassifier` (Adam 1e-3, batch 32, cross-entropy, shifted copies).

    Runs on the CPU with one thread, so the same data and seed give the same weights.
    """
    x = as_digit_array(images)
    rng = np.random.default_rng(seed)
    x = np.concatenate([x, _shifted(x, rng)])
    y = np.concatenate([labels, labels]).astype(np.int64)
    with torch_threads(1), torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = DigitClassifier()
        optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
        criterion = nn.CrossEntropyLoss()
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        order_rng = torch.Generator().manual_seed(seed)
        for _ in range(CLASSIFIER_EPOCHS):
            order = torch.randperm(len(xt), generator=order_rng)
            for first in range(0, len(xt), 32):
                index = order[first : first + 32]
                optimiser.zero_grad()
                criterion(model(xt[index]), yt[index]).backward()
                optimiser.step()
    return model.eval()


def _fingerprint(images: np.ndarray, labels: np.ndarray) -> str:
    """The cache key: the training data's fingerprint plus the classifier's settings."""
    from mynn.storage import data_fingerprint

    settings = f"v{CACHE_VERSION} e{CLASSIFIER_EPOCHS} s{CLASSIFIER_SEED}"
    return f"{data_fingerprint(images, labels)}-{settings}"


def default_cache_path() -> Path:
    """Where the trained classifier is kept: ``<data dir>/gan/digit_classifier-v1.pt``."""
    return datasets.data_dir() / "gan" / f"digit_classifier-v{CACHE_VERSION}.pt"


def _load_cached(path: Path, fingerprint: str) -> DigitClassifier | None:
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
        if saved.get("fingerprint") != fingerprint:
            return None
        model = DigitClassifier()
        model.load_state_dict(saved["state_dict"])
        return model.eval()
    except Exception:  # unreadable, truncated, foreign: train afresh  # noqa: BLE001
        return None


def _save_cached(path: Path, model: DigitClassifier, fingerprint: str) -> None:
    buffer = io.BytesIO()
    torch.save({"fingerprint": fingerprint, "state_dict": model.state_dict()}, buffer)
    try:
        with atomic_writer(path) as handle:
            handle.write(buffer.getvalue())
    except OSError:
        pass  # a read-only cache folder: keep the classifier in memory only


def digit_classifier(rebuild: bool = False, cache: str | Path | None = None) -> DigitClassifier:
    """The classifier that scores generated digits, trained once and then cached.

    Parameters
    ----------
    rebuild : bool
        Train it afresh and overwrite the cache.
    cache : path, optional
        The cache file (default :func:`default_cache_path`).
    """
    return _classifier_and_reference(rebuild, cache)[0]


def _classifier_and_reference(rebuild: bool = False, cache: str | Path | None = None):
    path = Path(cache) if cache is not None else default_cache_path()
    key = str(path)
    if not rebuild and key in _MEMORY:
        return _MEMORY[key]
    images, labels = datasets.load_mnist("train")
    fingerprint = _fingerprint(images, labels)
    model = None if rebuild else _load_cached(path, fingerprint)
    if model is None:
        model = train_classifier(images, labels)
        _save_cached(path, model, fingerprint)
    features = _features(model, as_digit_array(images))
    mean, covariance = features.mean(axis=0), np.cov(features, rowvar=False)
    chosen = np.random.default_rng(CLASSIFIER_SEED).choice(
        len(features), size=min(REFERENCE_SIZE, len(features)), replace=False
    )
    _MEMORY[key] = (model, mean, covariance, features[np.sort(chosen)])
    return _MEMORY[key]


def _features(model: DigitClassifier, x: np.ndarray) -> np.ndarray:
    with torch_threads(1), torch.no_grad():
        return model.features(torch.from_numpy(x)).numpy().astype(np.float64)


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two sets of feature vectors (rows).

    ``|mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2))``, with the trace of the
    matrix square root computed as the sum of square roots of the eigenvalues of the
    symmetric ``S_a^(1/2) S_b S_a^(1/2)``. A set against itself gives 0 (to rounding).
    """
    a, b = np.asarray(features_a, dtype=np.float64), np.asarray(features_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise UsageError(
            f"need two sets of at least 2 feature rows of equal width, got {a.shape} and {b.shape}"
        )
    return _frechet(
        a.mean(axis=0), np.cov(a, rowvar=False), b.mean(axis=0), np.cov(b, rowvar=False)
    )


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def _frechet(mu_a, cov_a, mu_b, cov_b) -> float:
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    value = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_sqrt
    return float(max(value, 0.0))


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between every row of ``a`` and every row of ``b``: (len(a), len(b))."""
    squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.clip(squared, 0.0, None))


def _radii(features: np.ndarray, k: int) -> np.ndarray:
    """Each row's distance to its k-th nearest other row (the ball of the manifold)."""
    distances = _distances(features, features)
    np.fill_diagonal(distances, np.inf)
    return np.partition(distances, k - 1, axis=1)[:, k - 1]


def precision_recall(
    real_features: np.ndarray, fake_features: np.ndarray, k: int = NEIGHBOURS
) -> tuple[float, float]:
    """Improved precision and recall of generated samples (Kynkäänniemi et al. 2019).

    With ``B(x, r)`` the ball of radius ``r`` around ``x`` and ``NN_k(x, S)`` the distance
    from ``x`` to its k-th nearest neighbour in ``S`` (itself excluded):

    - precision = share of fakes ``f`` with ``|f - x| <= NN_k(x, real)`` for some real ``x``;
    - recall = share of reals ``x`` with ``|x - f| <= NN_k(f, fake)`` for some fake ``f``.

    Parameters
    ----------
    real_features, fake_features : arrays (n, d) and (m, d)
        Feature rows (here: the digit classifier's 200 hidden values); at least k + 1 each.
    k : int
        The neighbour that sets each ball's radius (the paper: 3).

    Returns
    -------
    (precision, recall), each in 0..1.
    """
    real = np.asarray(real_features, dtype=np.float64)
    fake = np.asarray(fake_features, dtype=np.float64)
    if k < 1:
        raise UsageError(f"k must be at least 1, got {k}")
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise UsageError(
            f"need two sets of feature rows of equal width, got {real.shape} and {fake.shape}"
        )
    if min(len(real), len(fake)) <= k:
        raise UsageError(
            f"each set needs more than k = {k} rows, got {len(real)} real and {len(fake)} fake"
        )
    between = _distances(fake, real)
    precision = (between <= _radii(real, k)[None, :]).any(axis=1).mean()
    recall = (between <= _radii(fake, k)[:, None]).any(axis=0).mean()
    return float(precision), float(recall)


@dataclass(frozen=True)
class DigitQuality:
    """The classifier's verdict on a set of digits (see the module docstring)."""

    n: int
    classes_covered: int
    confident_counts: tuple[int, ...]
    mean_confidence: float
    frechet_distance: float
    variety: float
    precision: float
    recall: float

    @property
    def confident_share(self) -> float:
        """The share of the images read confidently (probability >= :data:`CONFIDENT`)."""
        return sum(self.confident_counts) / self.n

    def lines(self) -> list[str]:
        """The numbers as printed by ``python -m mynn gan``."""
        counts = " ".join(f"{d}:{c}" for d, c in enumerate(self.confident_counts))
        return [
            f"classes covered: {self.classes_covered} of 10",
            f"confident readings: {self.confident_share:.0%} ({counts})",
            f"mean confidence: {self.mean_confidence:.2f}",
            f"variety (pixel spread across images): {self.variety:.2f}",
            f"Fréchet distance to real digits: {self.frechet_distance:.1f}",
            f"precision {self.precision:.2f}, recall {self.recall:.2f} "
            f"(k-NN manifolds, k = {NEIGHBOURS}, against {REFERENCE_SIZE} real digits)",
        ]


def quality_table(scores: dict[str, DigitQuality], variety: bool = False) -> str:
    """The scores of several sets of digits as one text table, a row per set.

    Columns: classes covered, confident share, precision, recall, Fréchet distance, and
    with ``variety`` the pixel spread across images. Notebooks 21 and 22 print their
    comparisons with it.
    """
    width = max(len(name) for name in scores) + 2
    header = (
        f"{'':{width}}{'classes':>8} {'confident':>9} {'precision':>9} {'recall':>6} {'Fréchet':>8}"
    )
    rows = [header + (f" {'variety':>7}" if variety else "")]
    for name, q in scores.items():
        row = (
            f"{name:{width}}{q.classes_covered:>5} of 10 {q.confident_share:>9.2f} "
            f"{q.precision:>9.2f} {q.recall:>6.2f} {q.frechet_distance:>8.0f}"
        )
        rows.append(row + (f" {q.variety:>7.3f}" if variety else ""))
    return "\n".join(rows)


def score_digits(images: Any, cache: str | Path | None = None) -> DigitQuality:
    """Score digits (uint8 0..255 or float 0..1, 784 values each, 1 = ink).

    Classes covered, confident readings per class, mean confidence, variety, the Fréchet
    distance to the 4,000 real training digits and precision and recall against
    :data:`REFERENCE_SIZE` of them, in the classifier's feature space (module docstring).
    """
    x = as_digit_array(images)
    if len(x) <= NEIGHBOURS:
        raise UsageError(f"score at least {NEIGHBOURS + 1} digits (1,000 gives stable numbers)")
    model, mean, covariance, reference = _classifier_and_reference(cache=cache)
    with torch_threads(1), torch.no_grad():
        xt = torch.from_numpy(x)
        features = model.features(xt)
        probabilities = torch.softmax(model.output(features), dim=1).numpy()
    features = features.numpy().astype(np.float64)
    top = probabilities.max(axis=1)
    reading = probabilities.argmax(axis=1)
    counts = np.bincount(reading[top >= CONFIDENT], minlength=10)
    needed = max(1, math.ceil(COVER_FRACTION * len(x)))
    precision, recall = precision_recall(reference, features)
    return DigitQuality(
        n=len(x),
        classes_covered=int((counts >= needed).sum()),
        confident_counts=tuple(int(c) for c in counts),
        mean_confidence=float(top.mean()),
        frechet_distance=_frechet(
            features.mean(axis=0), np.cov(features, rowvar=False), mean, covariance
        ),
        variety=variety(x),
        precision=precision,
        recall=recall,
    )


def variety(images: Any) -> float:
    """How different the images are: each pixel's standard deviation across them, averaged."""
    return float(as_digit_array(images).std(axis=0, dtype=np.float64).mean())


def grey_share(images: Any, ink: float = 0.1, solid: float = 0.9) -> float:
    """How blurred the strokes are: the share of inked pixels that are grey.

    Of all pixels above ``ink`` (0..1, 1 = ink), the share below ``solid``: 0 for strokes of
    solid ink on a blank background, 1 for a haze of grey. A stroke's anti-aliased edge is
    grey, so real digits sit in between (about 0.5 for the bundled test digits); a
    generator whose strokes are fringed with grey and whose background is dotted with
    faint pixels scores higher. Needs no classifier; images with no ink give NaN.
    """
    if not 0.0 <= ink < solid <= 1.0:
        raise UsageError(f"need 0 <= ink < solid <= 1, got ink={ink!r}, solid={solid!r}")
    x = as_digit_array(images)
    inked = x > ink
    if not inked.any():
        return float("nan")
    return float((inked & (x < solid)).sum() / inked.sum())


def read_digits(images: Any, cache: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """What the classifier reads in each image: ``(digits, probabilities)``, (n,) each."""
    x = as_digit_array(images)
    model = digit_classifier(cache=cache)
    with torch_threads(1), torch.no_grad():
        probabilities = torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()
    return probabilities.argmax(axis=1), probabilities.max(axis=1)


def reference_quality(cache: str | Path | None = None) -> DigitQuality:
    """The numbers real digits get: the 1,000 held-out test digits of the bundled sample."""
    images, _ = datasets.load_mnist("test")
    return score_digits(images, cache=cache)


def classifier_accuracy(cache: str | Path | None = None) -> float:
    """The classifier's accuracy on the 1,000 held-out test digits (about 0.95)."""
    images, labels = datasets.load_mnist("test")
    model = digit_classifier(cache=cache)
    with torch_threads(1), torch.no_grad():
        predicted = model(torch.from_numpy(as_digit_array(images))).argmax(dim=1).numpy()
    return float((predicted == labels).mean())
