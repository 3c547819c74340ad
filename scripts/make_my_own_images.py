"""Make the sample "own handwriting" images in mynn/data/my_own_images/ (deterministic).

Every digit 0..9 is drawn from pen strokes (a skeleton of lines and arcs per digit, two
shapes for 1, 4 and 7), each drawing with its own slant, proportions, wobble and pen width,
rendered with Pillow's ImageDraw at 4x and reduced with an anti-aliasing filter. The
images come in the kinds a reader meets:

- ``2828_my_own_<d>.png``: 28 x 28 grey PNG, black on white, like the book's paint-program
  digits (filling the box, not MNIST-centred);
- ``photo_my_own_<d>_pen.png``: 400 x 300 RGB, thin blue pen, off-centre, paper shaded
  from one side;
- ``photo_my_own_<d>_marker.jpg``: 640 x 480 RGB JPEG, thick black marker on grey paper
  with a shadow across it and sensor noise;
- ``photo_my_own_<d>_pencil.png``: 200 x 200, 16-bit grey, faint pencil on light grey;
- ``photo_my_own_<d>_transparent.png``: 120 x 120 RGBA, black ink, the paper fully
  transparent (its hidden colour is black, as some paint programs save it);
- ``photo_my_own_<d>_palette.png``: 64 x 64, a 16-colour palette image, dark green ink on a
  cream card.

The digit is in the name after ``my_own_`` (the book's convention), read by
``mynn.images.load_my_own_images``. Run ``python scripts/make_my_own_images.py`` (optionally
``--out FOLDER``); the same Pillow and libjpeg give byte-identical files.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from mynn.files import atomic_writer
from mynn.images import MY_OWN_IMAGES_DIR

SEED = 2016
SUPERSAMPLE = 4


def arc(cx, cy, rx, ry, start, stop, points=24):
    """Points on an ellipse; angles in degrees, 0 = right, 90 = down (image coordinates)."""
    angles = np.radians(np.linspace(start, stop, points))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


#: Each digit as strokes (polylines) in a unit box: x right, y down.
DIGITS = {
    0: [[*arc(0.5, 0.5, 0.33, 0.46, -90, 275)]],
    1: [[(0.3, 0.22), (0.55, 0.04), (0.55, 0.96)]],
    2: [[*arc(0.5, 0.3, 0.3, 0.26, 195, 380, 16), (0.18, 0.95), (0.85, 0.95)]],
    3: [[*arc(0.48, 0.28, 0.27, 0.23, 200, 450, 16), *arc(0.48, 0.72, 0.31, 0.23, 270, 515, 16)]],
    4: [[(0.62, 0.96), (0.62, 0.04), (0.12, 0.66), (0.88, 0.66)]],
    5: [[(0.8, 0.05), (0.32, 0.05), (0.26, 0.46), *arc(0.5, 0.67, 0.3, 0.28, 230, 505, 18)]],
    6: [[(0.72, 0.04), (0.42, 0.3), (0.22, 0.66), *arc(0.5, 0.7, 0.28, 0.26, 180, 540, 24)]],
    7: [[(0.12, 0.05), (0.86, 0.05), (0.42, 0.96)]],
    8: [
        [*arc(0.5, 0.27, 0.24, 0.22, 0, 360, 20)],
        [*arc(0.5, 0.72, 0.3, 0.25, -90, 270, 20)],
    ],
    9: [[*arc(0.48, 0.3, 0.28, 0.25, 0, 360, 24), (0.76, 0.3), (0.68, 0.96)]],
}
#: Second shapes: a 1 with a foot, an open 4, a 7 with a bar.
VARIANTS = {
    1: [[(0.3, 0.22), (0.55, 0.04), (0.55, 0.96)], [(0.3, 0.96), (0.8, 0.96)]],
    4: [[(0.45, 0.04), (0.18, 0.62), (0.86, 0.62)], [(0.66, 0.3), (0.66, 0.97)]],
    7: [[(0.12, 0.05), (0.86, 0.05), (0.42, 0.96)], [(0.32, 0.5), (0.78, 0.5)]],
}


def draw_digit(digit, rng, height, width, pen, variant=False):
    """Ink coverage 0..1, shape (height, width), of one hand-drawn digit filling the box.

    ``pen`` is the stroke width as a fraction of the height. Each drawing gets a random
    slant, width and wobble, so no two are alike.
    """
    strokes = VARIANTS[digit] if variant and digit in VARIANTS else DIGITS[digit]
    slant = rng.uniform(-0.25, 0.1)  # x shift per unit of height (most people lean right)
    squash = rng.uniform(0.75, 1.05)
    big_h, big_w = height * SUPERSAMPLE, width * SUPERSAMPLE
    pen_px = max(1.0, pen * big_h)
    margin = pen_px / 2 + 1
    usable_h = big_h - 2 * margin
    usable_w = min(big_w - 2 * margin, usable_h * 0.75 * squash)
    left = (big_w - usable_w) / 2
    canvas = Image.new("L", (big_w, big_h), 0)
    draw = ImageDraw.Draw(canvas)
    wobble_phase = rng.uniform(0, 2 * np.pi, 2)
    wobble = rng.uniform(0.0, 0.03)
    for stroke in strokes:
        points = []
        for x, y in stroke:
            x = x + slant * (0.5 - y) + wobble * np.sin(7 * y + wobble_phase[0])
            y = y + wobble * np.sin(5 * x + wobble_phase[1])
            x = 0.5 + (x - 0.5) / (1 + abs(slant))
            points.append((left + x * usable_w, margin + y * usable_h))
        draw.line(points, fill=255, width=round(pen_px), joint="curve")
        radius = pen_px / 2
        for px, py in (points[0], points[-1]):  # round pen ends
            draw.ellipse((px - radius, py - radius, px + radius, py + radius), fill=255)
    small = canvas.resize((width, height), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float64) / 255.0


def place(coverage, height, width, rng):
    """Put a drawn digit at a random, off-centre place in a (height, width) field."""
    field = np.zeros((height, width))
    h, w = coverage.shape
    top = int(rng.integers(0, height - h + 1))
    left = int(rng.integers(0, width - w + 1))
    field[top : top + h, left : left + w] = coverage
    return field


def shaded_paper(height, width, level, drop, rng):
    """Paper brightness with light falling off across the sheet in a random direction."""
    angle = rng.uniform(0, 2 * np.pi)
    rows, columns = np.mgrid[0:height, 0:width]
    ramp = np.cos(angle) * columns / width + np.sin(angle) * rows / height
    ramp = (ramp - ramp.min()) / (np.ptp(ramp) or 1.0)
    return level - drop * ramp


def make_images(rng_seed: int = SEED) -> dict[str, tuple[Image.Image, str]]:
    """All sample images by file name, with the Pillow format to save them in."""
    images = {}
    for digit in range(10):
        rng = np.random.default_rng([rng_seed, digit])

        # The book's kind: drawn 28 x 28 in a paint program, black on white.
        coverage = draw_digit(digit, rng, 24, 28, pen=0.1, variant=digit == 7)
        field = np.zeros((28, 28))
        field[2:26, :] = coverage
        grey = np.round(255 * (1 - field)).astype(np.uint8)
        images[f"2828_my_own_{digit}.png"] = (Image.fromarray(grey), "PNG")

        # A thin blue pen, off-centre on white paper lit from one side.
        coverage = place(draw_digit(digit, rng, 150, 130, pen=0.045), 300, 400, rng)
        paper = shaded_paper(300, 400, 245, 45, rng)[..., None] * np.array([1.0, 0.98, 0.93])
        ink = np.array([40.0, 50.0, 150.0])
        rgb = paper * (1 - coverage[..., None]) + ink * coverage[..., None]
        images[f"photo_my_own_{digit}_pen.png"] = (
            Image.fromarray(np.round(rgb).astype(np.uint8)),
            "PNG",
        )

        # A thick black marker on grey paper with a shadow, sensor noise, saved as JPEG.
        coverage = place(
            draw_digit(digit, rng, 260, 220, pen=0.14, variant=digit in (1, 4)), 480, 640, rng
        )
        paper = shaded_paper(480, 640, 190, 35, rng)
        rows, columns = np.mgrid[0:480, 0:640]
        shadow_edge = rng.uniform(200, 440) + 0.4 * (rows - 240)
        paper = paper - 45 / (1 + np.exp(-(columns - shadow_edge) / 25))  # a soft shadow
        grey = paper * (1 - coverage) + 30 * coverage
        rgb = grey[..., None] * np.array([1.0, 0.97, 0.9]) + rng.normal(0, 4, (480, 640, 3))
        images[f"photo_my_own_{digit}_marker.jpg"] = (
            Image.fromarray(np.clip(np.round(rgb), 0, 255).astype(np.uint8)),
            "JPEG",
        )

        # Faint pencil on light grey, a 16-bit grey scan.
        coverage = place(draw_digit(digit, rng, 120, 110, pen=0.06), 200, 200, rng)
        grey = 215 * (1 - coverage) + 120 * coverage
        grey16 = np.round(grey / 255 * 65535).astype(np.uint16)
        images[f"photo_my_own_{digit}_pencil.png"] = (Image.fromarray(grey16), "PNG")

        # A paint program's RGBA export: black ink, transparent paper whose RGB is black.
        coverage = place(draw_digit(digit, rng, 90, 80, pen=0.1), 120, 120, rng)
        rgba = np.zeros((120, 120, 4), dtype=np.uint8)
        rgba[..., 3] = np.round(255 * coverage).astype(np.uint8)
        images[f"photo_my_own_{digit}_transparent.png"] = (Image.fromarray(rgba), "PNG")

        # A 16-colour palette image: dark green ink on a cream card.
        coverage = place(draw_digit(digit, rng, 48, 44, pen=0.1, variant=True), 64, 64, rng)
        card, ink = np.array([240.0, 230.0, 200.0]), np.array([20.0, 90.0, 40.0])
        rgb = card * (1 - coverage[..., None]) + ink * coverage[..., None]
        palette_image = Image.fromarray(np.round(rgb).astype(np.uint8)).quantize(
            colors=16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        images[f"photo_my_own_{digit}_palette.png"] = (palette_image, "PNG")
    return images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MY_OWN_IMAGES_DIR)
    args = parser.parse_args()
    images = make_images()
    for name, (image, image_format) in sorted(images.items()):
        buffer = io.BytesIO()
        options = {"quality": 85} if image_format == "JPEG" else {"optimize": False}
        image.save(buffer, format=image_format, **options)
        with atomic_writer(args.out / name) as handle:
            handle.write(buffer.getvalue())
    print(f"wrote {len(images)} images to {args.out}")


if __name__ == "__main__":
    main()
