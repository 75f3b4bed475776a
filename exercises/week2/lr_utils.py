"""Data for the week-2 logistic regression exercise ("cat" vs "non-cat").

The images are **synthetic**: nothing is downloaded and no file is read. They are
drawn deterministically from a fixed seed, so every learner (and the grader) sees
exactly the same data set. A "cat" is a warm-coloured round head with two pointed
ears and dark eyes; a "non-cat" is a cool-coloured box or disc. Backgrounds, sizes,
positions and pixel noise vary from picture to picture, so the two classes overlap
a little: a linear model fits the training set but does not get the test set
entirely right, which is the point of the exercise.
"""

from __future__ import annotations

import numpy as np

SEED = 20170818
IMAGE_SIZE = 64
TRAIN_SIZE, TRAIN_CATS = 209, 72
TEST_SIZE, TEST_CATS = 50, 33
CLASSES = np.array([b"non-cat", b"cat"])

# Colour palettes (RGB in 0..255). Cats draw from warm tones, other objects from
# cool ones; the spread given with each draw makes the two families overlap.
_CAT_COLOURS = np.array(
    [[205, 130, 60], [170, 110, 70], [230, 190, 120], [120, 100, 90], [215, 160, 100]],
    dtype=np.float32,
)
_OTHER_COLOURS = np.array(
    [[60, 110, 190], [70, 160, 90], [150, 150, 170], [40, 140, 150], [110, 90, 170]],
    dtype=np.float32,
)


def _uniform(rng: np.random.Generator, low: float, high: float, shape) -> np.ndarray:
    """Uniform draws; only ``Generator.random`` is used, whose stream numpy keeps stable."""
    return (low + (high - low) * rng.random(shape)).astype(np.float32)


def _pick(rng: np.random.Generator, palette: np.ndarray, n: int, spread: float) -> np.ndarray:
    """n colours from a palette, each jittered per channel; shape (n, 3)."""
    idx = np.minimum((rng.random(n) * len(palette)).astype(int), len(palette) - 1)
    return palette[idx] + _uniform(rng, -spread, spread, (n, 3))


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """Pixel row and column coordinates, shaped (1, H, W) to broadcast over images."""
    rows, cols = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE].astype(np.float32)
    return rows[None], cols[None]


def _col(values: np.ndarray) -> np.ndarray:
    """Per-image parameters shaped (n, 1, 1) so they broadcast over the pixel grid."""
    return values.reshape(-1, 1, 1)


def _backgrounds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Vertical two-colour gradients, the same distribution for both classes."""
    top = _uniform(rng, 20, 235, (n, 1, 1, 3))
    bottom = _uniform(rng, 20, 235, (n, 1, 1, 3))
    t = np.linspace(0, 1, IMAGE_SIZE, dtype=np.float32).reshape(1, -1, 1, 1)
    gradient = top + (bottom - top) * t  # (n, H, 1, 3): constant along each row
    return np.repeat(gradient, IMAGE_SIZE, axis=2)


def _cat_masks(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Head-and-ears masks and eye masks for n cats; each of shape (n, H, W)."""
    rows, cols = _grid()
    cy, cx = _col(_uniform(rng, 26, 42, n)), _col(_uniform(rng, 20, 44, n))
    r = _col(_uniform(rng, 10, 17, n))
    head = ((rows - cy) ** 2 + (cols - cx) ** 2) <= r**2
    # Each ear is a triangle: apex above the head, widening downwards.
    ears = np.zeros_like(head)
    apex_y = cy - 1.6 * r
    for side in (-1.0, 1.0):
        apex_x = cx + side * 0.6 * r
        depth = rows - apex_y
        inside = (depth >= 0) & (rows <= cy - 0.3 * r)
        ears |= inside & (np.abs(cols - apex_x) <= 0.5 * depth)
    eyes = np.zeros_like(head)
    for side in (-1.0, 1.0):
        eyes |= ((rows - (cy - 0.2 * r)) ** 2 + (cols - (cx + side * 0.4 * r)) ** 2) <= (
            0.18 * r
        ) ** 2
    return head | ears, eyes


def _other_masks(rng: np.random.Generator, n: int) -> np.ndarray:
    """A box or a disc anywhere in the picture, for n non-cats; shape (n, H, W)."""
    rows, cols = _grid()
    cy, cx = _col(_uniform(rng, 12, 52, n)), _col(_uniform(rng, 12, 52, n))
    hy, hx = _col(_uniform(rng, 6, 20, n)), _col(_uniform(rng, 6, 20, n))
    box = (np.abs(rows - cy) <= hy) & (np.abs(cols - cx) <= hx)
    disc = ((rows - cy) / hy) ** 2 + ((cols - cx) / hx) ** 2 <= 1
    is_box = _col(rng.random(n) < 0.5)
    return np.where(is_box, box, disc)


def _paint(images: np.ndarray, mask: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """Fill the masked pixels of each image with that image's colour."""
    return np.where(mask[..., None], colours[:, None, None, :], images)


def _make_images(rng: np.random.Generator, labels: np.ndarray) -> np.ndarray:
    """Draw one picture per label (1 = cat) and return them as uint8 (n, H, W, 3)."""
    n = labels.size
    images = _backgrounds(rng, n)
    cats = labels == 1
    n_cats = int(cats.sum())

    shape, eyes = _cat_masks(rng, n_cats)
    cat_pictures = _paint(images[cats], shape, _pick(rng, _CAT_COLOURS, n_cats, 45))
    images[cats] = _paint(cat_pictures, eyes, _uniform(rng, 0, 60, (n_cats, 3)))

    others = ~cats
    n_others = n - n_cats
    images[others] = _paint(
        images[others], _other_masks(rng, n_others), _pick(rng, _OTHER_COLOURS, n_others, 45)
    )

    images += _uniform(rng, -40, 40, images.shape)  # sensor-like pixel noise
    return np.clip(images, 0, 255).astype(np.uint8)


def _labels(rng: np.random.Generator, size: int, positives: int) -> np.ndarray:
    """A shuffled 0/1 label vector with exactly ``positives`` ones."""
    labels = np.zeros(size, dtype=np.int64)
    labels[:positives] = 1
    return labels[np.argsort(rng.random(size), kind="stable")]


def load_dataset() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Build the synthetic cat / non-cat data set (same arrays on every call).

    Returns:
    train_set_x_orig -- training images, uint8 array of shape (209, 64, 64, 3)
    train_set_y -- training labels (1 = cat, 0 = non-cat), int array of shape (1, 209)
    test_set_x_orig -- test images, uint8 array of shape (50, 64, 64, 3)
    test_set_y -- test labels, int array of shape (1, 50)
    classes -- np.array([b"non-cat", b"cat"]): the name of each label value
    """
    rng = np.random.default_rng(SEED)
    train_y = _labels(rng, TRAIN_SIZE, TRAIN_CATS)
    test_y = _labels(rng, TEST_SIZE, TEST_CATS)
    train_x = _make_images(rng, train_y)
    test_x = _make_images(rng, test_y)
    return train_x, train_y.reshape(1, -1), test_x, test_y.reshape(1, -1), CLASSES.copy()
