"""Minibatch discrimination: a layer that lets D see how alike the examples of a batch are."""
from __future__ import annotations

from typing import Any

import keras
from keras import ops

from gancourse.checks import positive_int

__all__ = ["MinibatchDiscrimination"]


@keras.saving.register_keras_serializable(package="gancourse")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans et al. 2016, arXiv:1606.03498, section 3.2).

    For features ``x`` (n, A) and a learned tensor ``T`` (A, B*C) (the weight ``kernel``):

    * ``M = x T`` reshaped to (n, B, C): every example gets B rows of C numbers;
    * ``c_b(i, j) = exp(-||M_{i,b} - M_{j,b}||_1)``, the closeness of examples i and j under
      kernel b;
    * ``o(x_i)_b = sum_{j=1}^{n} c_b(i, j)``;
    * output ``concat([x, o], axis=-1)``, shape (n, A + B).

    The sum runs over the whole batch, **j = i included**, as in the paper's formula: the self
    term ``c_b(i, i) = exp(0) = 1`` adds exactly 1 to every ``o_b`` - a constant the next layer
    absorbs in its bias.  So ``o_b`` is between 1 (example i is unlike any other) and n (all n
    examples are identical under kernel b, as in a collapsed generator's batch).

    The output of an example depends on the rest of its batch: feed D batches of only real or
    only generated examples (as :class:`gancourse.models.GAN` does), never mixed ones, and keep
    the batch size of training at inference.  Under a distribution strategy the "batch" is each
    replica's share.  Do not use it in a WGAN-GP critic (the penalty assumes independent
    examples).

    Args:
        num_kernels: B, the number of kernels (added features).
        kernel_dim: C, the size of each kernel's rows.
        kernel_initializer: initialiser of T; default N(0, 0.05^2).
    """

    def __init__(self, num_kernels: int, kernel_dim: int,
                 kernel_initializer: Any = None, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = positive_int(num_kernels, "num_kernels")
        self.kernel_dim = positive_int(kernel_dim, "kernel_dim")
        if kernel_initializer is None:
            kernel_initializer = keras.initializers.RandomNormal(stddev=0.05)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape) -> None:
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"MinibatchDiscrimination takes features of shape (n, A) with a "
                             f"known A (flatten them first), got {tuple(input_shape)}")
        self.kernel = self.add_weight(
            shape=(int(input_shape[-1]), self.num_kernels * self.kernel_dim),
            initializer=self.kernel_initializer, trainable=True, name="kernel")

    def call(self, inputs):
        m = ops.reshape(ops.matmul(inputs, self.kernel), (-1, self.num_kernels, self.kernel_dim))
        # diff[i, j, b, :] = M_{i,b} - M_{j,b}: every pair of the batch, (n, n, B, C)
        diff = ops.expand_dims(m, 1) - ops.expand_dims(m, 0)
        closeness = ops.exp(-ops.sum(ops.abs(diff), axis=-1))  # c_b(i, j), (n, n, B)
        o = ops.sum(closeness, axis=1)  # sum over j (self included), (n, B)
        return ops.concatenate([inputs, ops.cast(o, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + self.num_kernels)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_kernels": self.num_kernels,
                "kernel_dim": self.kernel_dim,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}
