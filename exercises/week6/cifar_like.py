"""A small synthetic "CIFAR-10-like" data set for the week-6 notebooks.

Nothing is downloaded and no file is read: the pictures are drawn by a program from a
fixed seed, so every learner gets the same data. Each of the ten CIFAR-10 classes has
its own colour palette and layout (a sky with a shape for planes, a road and a box for
cars, green noise for frogs...), and every picture varies its position, size, colours
and pixel noise, so the classes overlap: a linear classifier does clearly better than
chance (10%) but is far from perfect, as on the real CIFAR-10.

    X_train, y_train, X_test, y_test = load_cifar_like()
    X_train.shape == (2000, 32, 32, 3)   # float64 pixel values in [0, 255]
"""

from __future__ import annotations

import numpy as np

SEED = 231
IMAGE_SIZE = 32
CLASSES = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")

# Per class: background top colour, background bottom colour, object colour (RGB 0..255),
# and the object's shape: 0 = disc, 1 = box, 2 = horizontal bar, 3 = vertical bar.
_STYLE = {
    "plane": ((120, 170, 230), (170, 200, 240), (200, 200, 210), 2),
    "car":   ((110, 110, 120), (70, 70, 75), (200, 40, 40), 1),
    "bird":  ((130, 180, 220), (90, 140, 80), (140, 100, 60), 0),
    "cat":   ((150, 120, 100), (110, 90, 80), (210, 150, 90), 0),
    "deer":  ((90, 130, 70), (110, 90, 50), (160, 110, 60), 3),
    "dog":   ((160, 140, 120), (120, 110, 90), (150, 110, 70), 1),
    "frog":  ((60, 110, 50), (50, 90, 40), (110, 170, 60), 0),
    "horse": ((120, 150, 90), (100, 120, 60), (110, 70, 40), 3),
    "ship":  ((140, 180, 220), (40, 80, 150), (220, 220, 220), 2),
    "truck": ((150, 150, 150), (90, 90, 90), (60, 90, 170), 1),
}


def _pictures(rng: np.random.Generator, labels: np.ndarray) -> np.ndarray:
    n = len(labels)
    rows, cols = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE] / (IMAGE_SIZE - 1.0)
    images = np.empty((n, IMAGE_SIZE, IMAGE_SIZE, 3))
    for k, label in enumerate(labels):
        top, bottom, colour, shape = (np.array(v, dtype=float) if i < 3 else v
                                      for i, v in enumerate(_STYLE[CLASSES[label]]))
        jitter = rng.normal(0.0, 50.0, size=(3, 3))
        top, bottom, colour = top + jitter[0], bottom + jitter[1], colour + jitter[2]
        t = rows[..., None]
        image = (1 - t) * top + t * bottom
        cy, cx = rng.uniform(0.3, 0.7, size=2)
        size = rng.uniform(0.15, 0.3)
        if shape == 0:
            mask = (rows - cy) ** 2 + (cols - cx) ** 2 < size ** 2
        elif shape == 1:
            mask = (np.abs(rows - cy) < 0.7 * size) & (np.abs(cols - cx) < size)
        elif shape == 2:
            mask = (np.abs(rows - cy) < 0.35 * size) & (np.abs(cols - cx) < 1.6 * size)
        else:
            mask = (np.abs(rows - cy) < 1.4 * size) & (np.abs(cols - cx) < 0.4 * size)
        image[mask] = colour
        image += rng.normal(0.0, 40.0, size=image.shape)
        images[k] = np.clip(image, 0, 255)
    return np.round(images)


def load_cifar_like(num_training: int = 2000, num_test: int = 200) -> tuple[np.ndarray, ...]:
    """(X_train, y_train, X_test, y_test): images (n, 32, 32, 3) of floats in [0, 255], labels (n,) in 0..9."""
    rng = np.random.default_rng(SEED)
    y_train = rng.integers(0, len(CLASSES), size=num_training)
    y_test = rng.integers(0, len(CLASSES), size=num_test)
    return _pictures(rng, y_train), y_train, _pictures(rng, y_test), y_test
