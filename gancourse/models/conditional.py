"""The conditional GAN: G(z, y) and a discriminator told (or asked) the class, trained by ``fit``
on labelled batches ``(x, y)``.

The game (Mirza & Osindero 2014, arXiv:1411.1784)::

    min_G max_D  E_{(x,y) ~ data} log D(x, y) + E_{z, y} log(1 - D(G(z, y), y))

is the unconditional game played once per class: for a fixed y the optimal discriminator is
``p(x|y) / (p(x|y) + p_g(x|y))`` and G then minimises ``E_y JS(p(.|y) || p_g(.|y))`` (lecture
"Conditional GANs" derives it and checks it numerically).  Every update pairs each image with
its label: D's real pairs are the batch's ``(x, y)``; its fake pairs ``(G(z, y), y)`` reuse the
batch's labels, so the generated classes follow the data's class frequencies and every class in
the batch is compared with its own fakes.

Two kinds of discriminator (:mod:`gancourse.nets.conditional`):

* *conditional*: inputs ``[x, y]``, one output (the score) - concatenation or projection;
* *AC-GAN* (Odena et al. 2017, arXiv:1610.09585): input ``x``, outputs ``[score, class
  logits]``; both players add ``aux_weight`` times the class cross-entropy on generated images
  (D also on real ones) to their adversarial loss (:func:`gancourse.losses.conditional.class_loss`).

The adversarial losses are the registered objectives (``bce``, ``lsgan``, ``hinge``, ``wgan``),
unchanged.  Reported: ``d_loss``, ``g_loss``, ``d_real``, ``d_fake`` and, for AC-GAN,
``class_loss`` (on real images) and ``class_acc`` (D's classification accuracy on real images).
"""
from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from gancourse.checks import non_negative_float, positive_int
from gancourse.losses.adversarial import get_objective
from gancourse.losses.conditional import class_accuracy, class_loss
from gancourse.models.base import AdversarialModel, average_loss
from gancourse.models.gan import mean_probability, mean_score

__all__ = ["ConditionalGAN"]


class ConditionalGAN(AdversarialModel):
    """A class-conditional generator and discriminator trained against each other by ``fit``.

    ``fit`` data: batches ``(x, y)``: images (N, ...) and integer labels (N,).

    Args:
        generator: ``[z (N, latent_dim), y (N,)] -> images``.
        discriminator: ``[x, y] -> scores (N, 1)`` (conditional) or ``x -> [scores (N, 1),
            class logits (N, num_classes)]`` (AC-GAN); no sigmoid, no softmax.
        num_classes: number of classes.
        latent_dim: size of z; default: the generator's first input's size.
        seed: seed of the noise drawn inside the steps.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, num_classes: int,
                 latent_dim: int | None = None, *, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if len(generator.inputs) != 2:
            raise ValueError("the generator must take two inputs, [z, y] "
                             f"(got {len(generator.inputs)})")
        shape = (len(discriminator.inputs), len(discriminator.outputs))
        if shape not in ((2, 1), (1, 2)):
            raise ValueError("the discriminator must map [x, y] to scores (conditional) or x "
                             f"to [scores, class logits] (AC-GAN); got {shape[0]} input(s) and "
                             f"{shape[1]} output(s)")
        self.acgan = shape == (1, 2)
        self.generator, self.discriminator = generator, discriminator
        self.num_classes = positive_int(num_classes, "num_classes")
        if self.acgan and discriminator.outputs[1].shape[-1] != self.num_classes:
            raise ValueError(f"the class head has {discriminator.outputs[1].shape[-1]} logits, "
                             f"num_classes is {self.num_classes}")
        if latent_dim is None:
            latent_dim = generator.inputs[0].shape[-1]
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        for name in ("d_loss", "g_loss", "d_real", "d_fake"):
            self.add_tracker(name)
        if self.acgan:
            self.add_tracker("class_loss")
            self.add_tracker("class_acc")
        self.d_optimizer: keras.optimizers.Optimizer | None = None
        self.g_optimizer: keras.optimizers.Optimizer | None = None
        self.objective, self.g_loss_kind, self.aux_weight = "bce", "non_saturating", 1.0
        self.built = True

    def call(self, inputs, training: bool = False):
        """``G(z, y)`` for ``inputs = [z, y]``."""
        return self.generator(inputs, training=training)

    def compile(self, d_optimizer: keras.optimizers.Optimizer,
                g_optimizer: keras.optimizers.Optimizer, *, objective: str = "bce",
                g_loss_kind: str = "non_saturating", aux_weight: float = 1.0,
                **kwargs) -> None:
        """Two distinct optimizers, the adversarial ``objective`` (a registered name),
        ``g_loss_kind`` (``bce`` only: ``"non_saturating"`` or ``"minimax"``) and, for AC-GAN,
        the weight >= 0 of the class loss (Odena et al. use 1).  ``**kwargs``: passed to
        ``keras.Model.compile`` (``jit_compile``, ``steps_per_execution``, ``run_eagerly``)."""
        self.check_players(d_optimizer, g_optimizer, objective, g_loss_kind, kwargs)
        aux_weight = non_negative_float(aux_weight, "aux_weight")
        if aux_weight != 1.0 and not self.acgan:
            raise ValueError("aux_weight weighs AC-GAN's class loss; this discriminator has no "
                             "class head")
        self.compile_players(d_optimizer, g_optimizer, **kwargs)
        self.objective, self.g_loss_kind, self.aux_weight = objective, g_loss_kind, aux_weight

    # -- the losses ----------------------------------------------------------------------------
    def judge(self, x, y, training: bool = True) -> tuple[tf.Tensor, tf.Tensor | None]:
        """D's scores (N, 1) of the pairs (x, y), and its class logits (AC-GAN; else None)."""
        if self.acgan:
            scores, logits = self.discriminator(x, training=training)
            return scores, logits
        return self.discriminator([x, y], training=training), None

    def d_output(self, scores) -> tf.Tensor:
        """Mean probability of "real" (``bce``) or mean raw score (the other objectives)."""
        return (mean_probability(scores) if get_objective(self.objective).probabilities
                else mean_score(scores))

    def discriminator_losses(self, real, fake, labels, *, training: bool = True) -> dict:
        """D's loss on real pairs ``(real, labels)`` and fake pairs ``(fake, labels)``."""
        real_scores, real_logits = self.judge(real, labels, training)
        fake_scores, fake_logits = self.judge(fake, labels, training)
        per_example = get_objective(self.objective).discriminator(real_scores, fake_scores,
                                                                  reduction="none")
        reports = {"d_real": self.d_output(real_scores), "d_fake": self.d_output(fake_scores)}
        if self.acgan:
            real_class = class_loss(real_logits, labels, reduction="none")
            per_example += self.aux_weight * (
                real_class + class_loss(fake_logits, labels, reduction="none"))
            reports.update(class_loss=tf.reduce_mean(real_class),
                           class_acc=class_accuracy(real_logits, labels))
        loss, d_loss = average_loss(per_example)
        return {"loss": loss, "d_loss": d_loss, **reports}

    def generator_losses(self, fake, labels, *, training: bool = True) -> dict:
        """G's loss on its images ``fake`` of classes ``labels``."""
        scores, logits = self.judge(fake, labels, training)
        per_example = get_objective(self.objective).generator(scores, kind=self.g_loss_kind,
                                                              reduction="none")
        if self.acgan:
            per_example += self.aux_weight * class_loss(logits, labels, reduction="none")
        loss, g_loss = average_loss(per_example)
        return {"loss": loss, "g_loss": g_loss}

    # -- a step ----------------------------------------------------------------------------------
    def train_step(self, data) -> dict[str, tf.Tensor]:
        """One D update on the batch's real pairs and fresh fakes of the same labels, then one
        G update on fresh noise and the same labels."""
        if self.d_optimizer is None:
            raise RuntimeError("compile() the ConditionalGAN before training it")
        real, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if labels is None:
            raise ValueError("a conditional GAN trains on batches (images, labels)")
        n = tf.shape(real)[0]
        fake = self.generator([self.noise(n), labels], training=True)  # no gradient to G
        d = self.minimize(self.d_optimizer, self.discriminator.trainable_variables,
                          lambda: _split_loss(self.discriminator_losses(real, fake, labels)))
        z = self.noise(n)
        g = self.minimize(self.g_optimizer, self.generator.trainable_variables, lambda: (
            _split_loss(self.generator_losses(self.generator([z, labels], training=True),
                                              labels))))
        return self.track(**d, **g)

    def test_step(self, data) -> dict[str, tf.Tensor]:
        """The training losses on a batch in inference mode, updating nothing (``evaluate``)."""
        real, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if labels is None:
            raise ValueError("a conditional GAN evaluates batches (images, labels)")
        fake = self.generator([self.noise(tf.shape(real)[0]), labels], training=False)
        d = _split_loss(self.discriminator_losses(real, fake, labels, training=False))[1]
        g = _split_loss(self.generator_losses(fake, labels, training=False))[1]
        return self.track(**d, **g)


def _split_loss(losses: dict[str, Any]) -> tuple[tf.Tensor, dict]:
    """(the loss to minimise, the reports)."""
    return losses.pop("loss"), losses
