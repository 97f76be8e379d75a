"""The course's fixed feature network: a small MNIST classifier for FID, IS, KID, precision/recall.

GAN metrics compare *features* of real and generated images.  Papers use Inception-v3 on
ImageNet; for MNIST on a laptop, offline, the course uses one small CNN trained on MNIST by
:func:`train`, whose weights ship with the package (``gancourse/assets/mnist_classifier.weights.h5``,
about 0.7 MB) together with a provenance record (``mnist_classifier.json``: command, data, seed,
accuracies, versions, machine, git commit, sha256 of the weights).  Everybody therefore measures
with the same network, and numbers are comparable across students and machines.

Use::

    from gancourse.features import load_feature_net
    net = load_feature_net()               # loaded once per process (cached)
    f = net.features(images)               # (N, 128) float64: the "features" layer
    p = net.probabilities(images)          # (N, 10) softmax class probabilities
    y = net.predict_labels(images)         # (N,) int64

``images`` are either raw ``uint8`` digits in [0, 255], shape (N, 28, 28) or (N, 28, 28, 1), or
floats in [-1, 1] of those shapes (a generator's tanh output).

Retrain (a few minutes on a 2-core CPU; seeded, deterministic ops)::

    python -m gancourse.features train [--epochs N] [--source auto|bundled|full] [--out PATH] [--seed 0]

Architecture (:func:`build_classifier`, ~158k parameters): five 3x3 convolutions with batch norm
and ReLU (32, 32, max-pool, 64, 64, max-pool, 128), global average pooling, Dense(128) + batch
norm + ReLU (the ReLU is the layer named ``"features"``: the fixed feature layer), dropout, and
``Dense(10)`` logits named ``"logits"``.  Training uses the train split only, with random shifts,
small rotations and zooms.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import functools
import hashlib
import json
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gancourse.data import (
    IMAGE_SIZE,
    NUM_CLASSES,
    check_images,
    load_mnist,
    mnist_source,
    scale_images,
)
from gancourse.provenance import environment, file_sha256, git_record

if TYPE_CHECKING:  # pragma: no cover
    import keras

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
WEIGHTS_NAME = "mnist_classifier.weights.h5"
DEFAULT_WEIGHTS = ASSETS_DIR / WEIGHTS_NAME
FEATURE_LAYER = "features"
LOGITS_LAYER = "logits"
FEATURE_DIM = 128
INFERENCE_BATCH = 500
TRAIN_COMMAND = "python -m gancourse.features train"

# Training defaults (what the committed weights were trained with; see the provenance JSON).
EPOCHS = 30
BATCH_SIZE = 64
LEARNING_RATE = 2e-3
MAX_SHIFT = 0.1  # random translations of up to 10% (about 3 pixels) in each direction
MAX_ROTATION = 0.03  # random rotations of up to 3% of a full turn (about 11 degrees)
MAX_ZOOM = 0.1  # random zoom in or out by up to 10%


# --------------------------------------------------------------------------------------------
# the network
# --------------------------------------------------------------------------------------------
def build_classifier(dropout: float = 0.3) -> "keras.Model":
    """The feature network, untrained: 28x28x1 inputs in [-1, 1] to 10 logits.

    Layers (all named)::

        image (28, 28, 1)
        block1: conv1a, conv1b   32 @ 3x3, each + batch norm + ReLU;  pool1 max 2x2 -> 14x14
        block2: conv2a, conv2b   64 @ 3x3, each + batch norm + ReLU;  pool2 max 2x2 -> 7x7
        block3: conv3           128 @ 3x3 + batch norm + ReLU;        pool3 global average
        features_dense, features_bn, features
                                Dense(128) + batch norm + ReLU  <- "features": the fixed
                                feature layer of the metrics
        dropout                 Dropout(dropout)
        logits                  Dense(10)

    About 158k parameters (0.7 MB as a weights file).
    """
    import keras
    from keras import layers

    def conv_bn_relu(x, filters: int, name: str):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name)(x)
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
        return layers.ReLU(name=f"{name}_relu")(x)

    inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1), name="image")
    x = conv_bn_relu(inputs, 32, "conv1a")
    x = conv_bn_relu(x, 32, "conv1b")
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = conv_bn_relu(x, 64, "conv2a")
    x = conv_bn_relu(x, 64, "conv2b")
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = conv_bn_relu(x, 128, "conv3")
    x = layers.GlobalAveragePooling2D(name="pool3")(x)
    # Batch norm before the ReLU centres every unit's input, so no feature is dead (always 0):
    # with a plain Dense + ReLU on the non-negative pooled activations about a fifth of the 128
    # units never fire, and the feature covariance that FID uses would be singular.
    x = layers.Dense(FEATURE_DIM, use_bias=False, name="features_dense")(x)
    x = layers.BatchNormalization(name="features_bn")(x)
    x = layers.ReLU(name=FEATURE_LAYER)(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(NUM_CLASSES, name=LOGITS_LAYER)(x)
    return keras.Model(inputs, outputs, name="mnist_classifier")


def prepare_inputs(images: Any) -> np.ndarray:
    """Validate ``images`` and return ``float32`` (N, 28, 28, 1) in [-1, 1].

    Accepts ``uint8`` in [0, 255] (scaled with :func:`gancourse.data.scale_images`) or floats in
    [-1, 1] (checked with :func:`gancourse.data.check_images`), shaped (N, 28, 28) or
    (N, 28, 28, 1); NumPy arrays, lists or tensors.

    Raises:
        TypeError: integers other than ``uint8`` (ambiguous scale), booleans, non-numbers.
        ValueError: wrong shape, empty, NaN/inf, or floats outside [-1, 1].
    """
    if hasattr(images, "numpy") and callable(images.numpy):  # tf.Tensor
        images = images.numpy()
    arr = np.asarray(images)
    if arr.ndim == 3:
        expected = (None, IMAGE_SIZE, IMAGE_SIZE)
    else:
        expected = (None, IMAGE_SIZE, IMAGE_SIZE, 1)
    if arr.dtype == np.uint8:
        # shape and emptiness first (scale_images checks neither); uint8 is always in range
        check_images(arr, shape=expected, value_range=None)
        x = scale_images(arr)
    elif np.issubdtype(arr.dtype, np.integer) and arr.dtype != bool:
        raise TypeError(
            f"integer images must be uint8 in [0, 255], got dtype {arr.dtype}; convert with "
            "images.astype(np.uint8) if the values are pixels, or pass floats in [-1, 1]."
        )
    else:
        x = check_images(arr, shape=expected, value_range=(-1.0, 1.0))
    if x.ndim == 3:
        x = x[..., np.newaxis]
    return np.ascontiguousarray(x, dtype=np.float32)


class FeatureNet:
    """A trained classifier with batched, deterministic inference for the GAN metrics.

    Build with :func:`load_feature_net` (cached) rather than directly.

    Attributes:
        model: the Keras classifier (:func:`build_classifier` with trained weights).
        path: the weights file it was loaded from (None when wrapping an in-memory model).
        sha256: sha256 of that file (None without a file).
        provenance: the training record next to the weights (``mnist_classifier.json``), or None.
        batch_size: images per inference batch.
    """

    def __init__(self, model: "keras.Model", *, path: str | os.PathLike | None = None,
                 provenance: dict | None = None, batch_size: int = INFERENCE_BATCH):
        import keras
        import tensorflow as tf

        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        self.model = model
        self.path = Path(path) if path is not None else None
        self.sha256 = file_sha256(self.path) if self.path is not None else None
        self.provenance = provenance
        self.batch_size = int(batch_size)
        both = keras.Model(model.inputs, [model.get_layer(FEATURE_LAYER).output,
                                          model.get_layer(LOGITS_LAYER).output])
        spec = tf.TensorSpec((None, IMAGE_SIZE, IMAGE_SIZE, 1), tf.float32)

        # One trace for every batch size (the batch dimension is None): no retracing per call.
        @tf.function(input_signature=[spec], reduce_retracing=True)
        def _forward(x):
            feats, logits = both(x, training=False)
            return feats, logits

        self._forward = _forward

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "in memory"
        acc = (self.provenance or {}).get("test_accuracy")
        return (f"FeatureNet({where}, {FEATURE_DIM} features"
                + (f", test accuracy {acc:.4f}" if isinstance(acc, float) else "") + ")")

    def _run(self, images) -> tuple[np.ndarray, np.ndarray]:
        x = prepare_inputs(images)
        feats, logits = [], []
        for start in range(0, len(x), self.batch_size):
            f, lg = self._forward(x[start:start + self.batch_size])
            feats.append(f.numpy())
            logits.append(lg.numpy())
        return np.concatenate(feats), np.concatenate(logits)

    def features(self, images) -> np.ndarray:
        """Activations of the ``"features"`` layer: ``float64`` (N, 128), non-negative (ReLU)."""
        return self._run(images)[0].astype(np.float64)

    def logits(self, images) -> np.ndarray:
        """Class logits: ``float64`` (N, 10)."""
        return self._run(images)[1].astype(np.float64)

    def probabilities(self, images) -> np.ndarray:
        """Softmax class probabilities: ``float64`` (N, 10), rows sum to 1."""
        return _softmax(self.logits(images))

    def features_and_probabilities(self, images) -> tuple[np.ndarray, np.ndarray]:
        """Both at once (one pass over the images): ``(features (N, 128), probabilities (N, 10))``."""
        feats, logits = self._run(images)
        return feats.astype(np.float64), _softmax(logits.astype(np.float64))

    def predict_labels(self, images) -> np.ndarray:
        """The most likely digit for each image: ``int64`` (N,)."""
        return self._run(images)[1].argmax(axis=1).astype(np.int64)

    def accuracy(self, images, labels) -> float:
        """Fraction of ``images`` whose predicted digit equals ``labels``."""
        labels = np.asarray(labels)
        pred = self.predict_labels(images)
        if labels.shape != pred.shape:
            raise ValueError(f"labels has shape {labels.shape}, expected {pred.shape}")
        return float((pred == labels).mean())


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------
def provenance_path(weights_path: str | os.PathLike) -> Path:
    """``.../name.weights.h5`` -> ``.../name.json`` (the training record next to the weights)."""
    p = Path(weights_path)
    stem = p.name[: -len(".weights.h5")] if p.name.endswith(".weights.h5") else p.stem
    return p.with_name(stem + ".json")


def load_feature_net(path: str | os.PathLike | None = None) -> FeatureNet:
    """The course's feature network, loaded from ``path`` (default: the committed weights).

    Cached: every call with the same file returns the same :class:`FeatureNet`, so notebooks and
    metrics load it once per process.  ``load_feature_net.cache_clear()`` forgets it.

    Raises:
        FileNotFoundError: the weights file does not exist (the message says how to train it).
    """
    resolved = Path(path).expanduser().resolve() if path is not None else DEFAULT_WEIGHTS
    return _load_cached(str(resolved))


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> FeatureNet:
    p = Path(path)
    if not p.is_file():
        out = "" if p == DEFAULT_WEIGHTS else f" --out {shlex.quote(str(p))}"
        raise FileNotFoundError(
            f"feature-network weights not found at {p}. They are part of the course repository "
            f"(gancourse/assets/); restore them with git, or retrain (a few minutes on a CPU): "
            f"`{TRAIN_COMMAND}{out}`."
        )
    model = build_classifier()
    model.load_weights(str(p))
    prov_file = provenance_path(p)
    provenance = json.loads(prov_file.read_text()) if prov_file.is_file() else None
    net = FeatureNet(model, path=p, provenance=provenance)
    if provenance is not None and provenance.get("weights_sha256") not in (None, net.sha256):
        import warnings

        warnings.warn(f"{p} does not match the sha256 recorded in {prov_file}; the weights were "
                      "changed after training. Metrics may not be comparable.", stacklevel=3)
    return net


load_feature_net.cache_clear = _load_cached.cache_clear  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# training
# --------------------------------------------------------------------------------------------
def _resolve_out(out: str | os.PathLike | None) -> Path:
    if out is None:
        return DEFAULT_WEIGHTS
    p = Path(out).expanduser()
    if p.is_dir() or str(out).endswith(os.sep):
        return (p / WEIGHTS_NAME).resolve()
    if not p.name.endswith(".weights.h5"):
        raise ValueError(f"out must be a folder or a file name ending in '.weights.h5' "
                         f"(Keras' weights format), got {str(out)!r}")
    return p.resolve()


def _array_sha256(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def train(
    *,
    epochs: int = EPOCHS,
    source: str = "auto",
    out: str | os.PathLike | None = None,
    seed: int = 0,
    n: int | None = None,
    test_n: int | None = None,
    batch_size: int = BATCH_SIZE,
    learning_rate: float = LEARNING_RATE,
    augment: bool = True,
    deterministic_ops: bool = True,
    verbose: int = 1,
    command: str | None = None,
) -> dict:
    """Train the feature network and write its weights and provenance record.

    Args:
        epochs: passes over the training split.
        source: MNIST source (``auto``: full set if cached, else the bundled 4,000/1,000 split).
        out: weights file (``*.weights.h5``) or folder; default the package's
            ``assets/mnist_classifier.weights.h5``.  The JSON record goes next to it.
        seed: seeds everything (:func:`gancourse.seeding.seed_everything`).
        n, test_n: use only the first ``n`` training / ``test_n`` test images (quick runs, tests).
        batch_size, learning_rate: Adam with a cosine-decayed learning rate.
        augment: random shifts (``MAX_SHIFT``), rotations (``MAX_ROTATION``) and zooms
            (``MAX_ZOOM``) of the training images, seeded from ``seed``.
        deterministic_ops: make TensorFlow ops deterministic (process-wide and irreversible).
        verbose: 0 silent, 1 one line per epoch.
        command: how this run was started, for the record (the CLI fills it in).

    Returns:
        The provenance record (also written as JSON next to the weights).
    """
    from gancourse.seeding import seed_everything

    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    weights_path = _resolve_out(out)
    resolved_source = mnist_source(source)
    t0 = time.perf_counter()
    git_state = git_record(Path(__file__).resolve())  # when the run starts, before it writes
    seed_everything(seed, deterministic_ops=deterministic_ops)

    import keras
    from keras import layers

    from gancourse.data import make_dataset, prepare_mnist

    x_train_u8, y_train = load_mnist("train", n=n, source=resolved_source)
    x_test_u8, y_test = load_mnist("test", n=test_n, source=resolved_source)
    x_train, x_test = prepare_mnist(x_train_u8), prepare_mnist(x_test_u8)
    if batch_size > len(x_train):
        raise ValueError(f"batch_size={batch_size} exceeds the {len(x_train)} training images")

    model = build_classifier()
    if augment:
        # Background is -1 in the course's pixel convention, so fill uncovered pixels with -1.
        fill = dict(fill_mode="constant", fill_value=-1.0)
        augmentation = [
            layers.RandomTranslation(MAX_SHIFT, MAX_SHIFT, seed=seed, name="shift", **fill),
            layers.RandomRotation(MAX_ROTATION, seed=(seed + 1) % 2**32, name="rotate", **fill),
            layers.RandomZoom(MAX_ZOOM, seed=(seed + 2) % 2**32, name="zoom", **fill),
        ]
        trainer = keras.Sequential([keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1)), *augmentation,
                                    model], name="trainer")
    else:
        trainer = model
    steps_per_epoch = len(x_train) // batch_size
    schedule = keras.optimizers.schedules.CosineDecay(
        learning_rate, decay_steps=max(1, epochs * steps_per_epoch), alpha=0.01)
    trainer.compile(optimizer=keras.optimizers.Adam(schedule),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=["accuracy"])
    ds = make_dataset(x_train, batch_size, labels=y_train, shuffle=True, seed=seed,
                      drop_remainder=True)
    history = trainer.fit(ds, epochs=int(epochs), verbose=2 if verbose else 0)
    train_time = time.perf_counter() - t0

    net = FeatureNet(model)
    train_acc = net.accuracy(x_train, y_train)
    test_acc = net.accuracy(x_test, y_test)
    if verbose:
        print(f"train accuracy {train_acc:.4f}, test accuracy {test_acc:.4f} "
              f"({len(x_train)} / {len(x_test)} {resolved_source} images, {train_time:.0f} s)")

    weights_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = weights_path.with_name(f".tmp-{os.getpid()}-{weights_path.name}")
    try:
        model.save_weights(str(tmp))
        os.replace(tmp, weights_path)
    finally:
        tmp.unlink(missing_ok=True)

    if command is None:
        shown = {k: v for k, v in dict(epochs=epochs, source=source, out=str(out) if out else None,
                                        seed=seed, n=n, test_n=test_n).items() if v is not None}
        command = "gancourse.features.train(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"
    record = {
        "description": "gancourse feature network: small MNIST CNN; the 'features' layer "
                       "(Dense 128 + batch norm + ReLU) feeds FID/KID/precision-recall, the logits feed the "
                       "classifier (Inception) score",
        "command": command,
        "created_utc": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "weights_file": weights_path.name,
        "weights_sha256": file_sha256(weights_path),
        "weights_bytes": weights_path.stat().st_size,
        "architecture": {
            "builder": "gancourse.features.build_classifier",
            "params": int(model.count_params()),
            "layers": [layer.name for layer in model.layers],
            "feature_layer": FEATURE_LAYER,
            "feature_dim": FEATURE_DIM,
            "input": "float32 (N, 28, 28, 1) in [-1, 1]",
        },
        "data": {
            "source": resolved_source,
            "source_requested": source,
            "train_count": int(len(x_train)),
            "test_count": int(len(x_test)),
            "train_sha256": _array_sha256(x_train_u8, y_train),
            "test_sha256": _array_sha256(x_test_u8, y_test),
        },
        "training": {
            "seed": int(seed),
            "epochs": int(epochs),
            "batch_size": int(batch_size),
            "steps": int(epochs * steps_per_epoch),
            "optimizer": f"Adam, cosine-decayed learning rate from {learning_rate:g} (alpha 0.01)",
            "augmentation": (f"RandomTranslation({MAX_SHIFT}, {MAX_SHIFT}), "
                             f"RandomRotation({MAX_ROTATION}), RandomZoom({MAX_ZOOM}); fill -1"
                             if augment else None),
            "deterministic_ops": bool(deterministic_ops),
            "final_loss": float(history.history["loss"][-1]),
        },
        "seed": int(seed),
        "epochs": int(epochs),
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
        "wall_time_s": round(time.perf_counter() - t0, 1),
        "train_time_s": round(train_time, 1),
        "environment": environment(),
        "git": git_state,
    }
    prov = provenance_path(weights_path)
    tmp_json = prov.with_name(f".tmp-{os.getpid()}-{prov.name}")
    tmp_json.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(tmp_json, prov)
    _load_cached.cache_clear()  # a cached net for this path would be stale now
    if verbose:
        print(f"wrote {weights_path} ({record['weights_bytes'] / 1e3:.0f} kB) and {prov}")
    return record


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m gancourse.features",
                                     description="The course's MNIST feature network.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train it and write weights + provenance JSON")
    t.add_argument("--epochs", type=int, default=EPOCHS)
    t.add_argument("--source", choices=("auto", "bundled", "full"), default="auto")
    t.add_argument("--out", default=None,
                   help=f"weights file (*.weights.h5) or folder; default {DEFAULT_WEIGHTS}")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--n", type=int, default=None, help="use only the first N training images")
    t.add_argument("--test-n", type=int, default=None, help="use only the first N test images")
    t.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    t.add_argument("--lr", type=float, default=LEARNING_RATE)
    t.add_argument("--no-augment", action="store_true")
    t.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.cmd == "train":
        train(epochs=args.epochs, source=args.source, out=args.out, seed=args.seed, n=args.n,
              test_n=args.test_n, batch_size=args.batch_size, learning_rate=args.lr,
              augment=not args.no_augment, verbose=0 if args.quiet else 1,
              command=shlex.join([TRAIN_COMMAND.split()[0], "-m", "gancourse.features", *argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
