"""DCGAN's initialisation (Radford, Metz, Chintala 2015, arXiv:1511.06434): kernels from
N(0, 0.02), batch-norm scales from N(1, 0.02)."""
from __future__ import annotations

import keras
from keras import layers

__all__ = ["INIT_STD", "dcgan_init", "batch_norm"]

INIT_STD = 0.02  #: DCGAN weight initialisation: N(0, 0.02) (Radford et al. 2015)


def dcgan_init(seed: int | None = None) -> keras.initializers.Initializer:
    """Kernel initializer N(0, 0.02), as in DCGAN (Radford, Metz, Chintala 2015,
    arXiv:1511.06434)."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=INIT_STD, seed=seed)


def batch_norm(name: str, sync: bool = False) -> layers.BatchNormalization:
    """DCGAN's batch norm: scale initialised from N(1, 0.02), as in its reference code;
    ``sync``: statistics over the global batch under a distribution strategy."""
    return layers.BatchNormalization(
        gamma_initializer=keras.initializers.RandomNormal(1.0, INIT_STD),
        synchronized=sync, name=name)
