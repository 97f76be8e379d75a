"""Tricks that make GAN training more stable, under the names released notebooks import
(``from gancourse import stabilize``).  No code lives here:

* layers (:mod:`gancourse.layers`): ``MinibatchDiscrimination``, ``InstanceNormalization``,
  ``spectral_norm``, ``has_batch_norm``, ``NORMS``;
* losses (:mod:`gancourse.losses.penalties`): ``feature_matching_loss``, ``feature_extractor``;
* training-time terms (:mod:`gancourse.terms`): ``HistoricalAverage``, ``ttur_optimizers``;
* critics (:mod:`gancourse.nets`): ``build_mlp_critic``, ``build_dcgan_critic``.

One-sided label smoothing is ``discriminator_loss(..., real_label=0.9)``.
"""
from gancourse.layers.minibatch import MinibatchDiscrimination
from gancourse.layers.normalization import (
    NORMS,
    InstanceNormalization,
    has_batch_norm,
    spectral_norm,
)
from gancourse.losses.penalties import feature_extractor, feature_matching_loss
from gancourse.nets.dcgan import build_dcgan_critic
from gancourse.nets.mlp import build_mlp_critic
from gancourse.terms import HistoricalAverage, ttur_optimizers

__all__ = [
    "MinibatchDiscrimination", "feature_matching_loss", "feature_extractor",
    "HistoricalAverage", "InstanceNormalization", "spectral_norm", "ttur_optimizers",
    "build_mlp_critic", "build_dcgan_critic", "NORMS", "has_batch_norm",
]
