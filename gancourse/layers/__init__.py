"""Layers and layer factories the course's networks are built from."""
from gancourse.layers.init import INIT_STD, batch_norm, dcgan_init
from gancourse.layers.minibatch import MinibatchDiscrimination
from gancourse.layers.normalization import (
                                            NORMS,
                                            InstanceNormalization,
                                            has_batch_norm,
                                            norm_layer,
                                            spectral_norm,
)

__all__ = ["INIT_STD", "batch_norm", "dcgan_init", "MinibatchDiscrimination", "NORMS",
           "InstanceNormalization", "has_batch_norm", "norm_layer", "spectral_norm"]
