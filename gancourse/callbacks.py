"""Callbacks for watching and keeping a GAN's run (``fit(..., callbacks=[...])``).

* :class:`SampleGrid` - images from fixed noise after every ``every`` epochs (kept, shown,
  saved as PNG);
* :class:`FIDCallback` - :func:`gancourse.evaluation.evaluate_generator` every ``every`` epochs;
* :class:`GeneratorCheckpoint` - the generator's weights (``*.weights.h5``) every epoch.
* :class:`ProgressBar` - one ``tqdm`` bar over the whole run (epochs of steps), the latest
  losses beside it: quieter than Keras' per-epoch bars for runs of many short epochs.
  ``keras.callbacks.ModelCheckpoint(path, save_weights_only=True)`` also works on a GAN: it
  saves generator *and* discriminator weights in one file.
* TensorBoard: ``keras.callbacks.TensorBoard(log_dir)`` logs the ``d_loss``, ``g_loss``,
  ``d_real`` and ``d_fake`` that ``train_step`` returns, like any other Keras metric
  (``tensorboard --logdir <log_dir>`` or the ``%tensorboard`` notebook magic).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from IPython.display import display

from gancourse.checks import positive_int
from gancourse.evaluation import evaluate_generator, generate
from gancourse.features import load_feature_net
from gancourse.viz import image_grid

__all__ = ["SampleGrid", "FIDCallback", "GeneratorCheckpoint", "ProgressBar"]


class SampleGrid(keras.callbacks.Callback):
    """Images from the same fixed noise after every ``every`` epochs.

    Keeps every grid (``images``: list of arrays (n, 28, 28, 1) in [-1, 1], ``epochs``: the
    epoch numbers, ``figures``: the matplotlib figures), saves ``samples_epoch0005.png`` and so
    on into ``out_dir`` when given, and displays each figure in a notebook when ``show``.

    Args:
        noise: fixed z (n, latent_dim), e.g. ``sample_noise(64, 100, seed=0)``.
        every: epochs between grids.
        out_dir: folder for PNG files (created), or None.
        show: display the figure (IPython) after each grid.
        generator: the network to sample; default the trained model's ``generator``.
    """

    def __init__(self, noise, every: int = 1, out_dir: str | os.PathLike | None = None, *,
                 show: bool = False, generator: keras.Model | None = None,
                 nrow: int | None = None):
        super().__init__()
        self.noise = tf.convert_to_tensor(noise, tf.float32)
        if self.noise.shape.rank != 2:
            raise ValueError(f"noise must have shape (n, latent_dim), got {self.noise.shape}")
        self.every = positive_int(every, "every")
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.show = bool(show)
        self._generator = generator
        self.nrow = nrow
        self.images: list[np.ndarray] = []
        self.epochs: list[int] = []
        self.figures: list = []

    @property
    def grids(self) -> list[np.ndarray]:
        """Alias of ``images``: one array per grid."""
        return self.images

    def sample(self) -> np.ndarray:
        generator = self._generator if self._generator is not None else self.model.generator
        return generate(generator, self.noise)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every:
            return
        images = self.sample()
        fig = image_grid(images, nrow=self.nrow, title=f"epoch {epoch + 1}")
        self.images.append(images)
        self.epochs.append(epoch + 1)
        self.figures.append(fig)
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            fig.savefig(self.out_dir / f"samples_epoch{epoch + 1:04d}.png", dpi=100)
        if self.show:
            display(fig)


class FIDCallback(keras.callbacks.Callback):
    """:func:`evaluate_generator` after every ``every`` epochs; results in ``history``.

    Each entry of ``history`` is the metrics dict plus ``"epoch"``; the FID is also written into
    the epoch's ``logs`` as ``fid``, so it shows up in the ``History`` that ``fit`` returns (and
    in callbacks listed after this one).  The real features are computed once.
    """

    def __init__(self, real_images: Any, n: int, every: int = 1, *, seed: int = 0,
                 verbose: bool = False):
        super().__init__()
        self.n = positive_int(n, "n")
        self.every = positive_int(every, "every")
        self.seed = seed
        self.verbose = verbose
        self.feature_net = load_feature_net()
        self.real_features = self.feature_net.features(real_images)
        self.history: list[dict[str, float]] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every:
            return
        result = evaluate_generator(self.model.generator, self.n, None, seed=self.seed,
                                    feature_net=self.feature_net,
                                    real_features=self.real_features)
        self.history.append({"epoch": epoch + 1, **result})
        if logs is not None:
            logs["fid"] = result["fid"]
        if self.verbose:
            print(f"epoch {epoch + 1}: FID {result['fid']:.2f}, precision "
                  f"{result['precision']:.3f}, recall {result['recall']:.3f}")


class GeneratorCheckpoint(keras.callbacks.Callback):
    """Save the generator's weights every ``every`` epochs.

    ``filepath`` must end in ``.weights.h5`` and may contain ``{epoch}`` (e.g.
    ``"ckpt/generator-{epoch:04d}.weights.h5"``); without it the file is overwritten each time.
    Reload with ``build_dcgan_generator(...).load_weights(path)``.
    """

    def __init__(self, filepath: str | os.PathLike, every: int = 1):
        super().__init__()
        if not str(filepath).endswith(".weights.h5"):
            raise ValueError(f"filepath must end in '.weights.h5', got {str(filepath)!r}")
        self.filepath = str(filepath)
        self.every = positive_int(every, "every")
        self.saved: list[str] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every:
            return
        path = Path(self.filepath.format(epoch=epoch + 1))
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model.generator.save_weights(str(path))
        self.saved.append(str(path))


class ProgressBar(keras.callbacks.Callback):
    """A ``tqdm`` bar (``tqdm.auto``: a widget in JupyterLab, text elsewhere) advanced after
    every epoch by ``steps_per_epoch`` steps, showing the epoch's ``d_loss`` and ``g_loss``.

    Args:
        total_steps: steps of the whole run (the bar's length).
        description: the text before the bar (e.g. ``"lsgan seed 0"``).
    """

    def __init__(self, total_steps: int, description: str = "training"):
        super().__init__()
        self.total_steps = positive_int(total_steps, "total_steps")
        self.description = str(description)
        self.bar = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        from tqdm.auto import tqdm

        self.bar = tqdm(total=self.total_steps, desc=self.description, unit="step",
                        leave=True)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self.bar.update(self.params.get("steps") or 0)
        shown = {k: f"{float(logs[k]):.3f}" for k in ("d_loss", "g_loss") if k in logs}
        if shown:
            self.bar.set_postfix(shown, refresh=False)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.bar is not None:
            self.bar.close()
