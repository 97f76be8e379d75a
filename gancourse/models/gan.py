"""The GAN: a generator and a discriminator trained against each other by ``fit``.

One training step is Goodfellow et al. 2014 ("Generative Adversarial Nets", arXiv:1406.2661),
Algorithm 1: ``d_steps`` updates of D, each on its own real batch and fresh noise, then one
update of G; each with its own tape and optimizer, so there is no stacked model and nothing to
freeze.  With ``d_steps = k > 1`` a training step therefore consumes ``k`` real batches (as in
Gulrajani et al. 2017, arXiv:1704.00028, Algorithm 1): feed batches of ``k * batch_size``
examples (:meth:`GAN.examples_per_step`); the step splits them into ``k`` equal parts.
Both networks run with ``training=True`` (batch norm uses and updates batch statistics in
both phases).

What each player minimises is its **objective** (:mod:`gancourse.losses.adversarial`: ``bce``,
``lsgan``, ``hinge``, ``wgan``) plus the **terms** it holds (:mod:`gancourse.terms`): a
gradient penalty on D, weight clipping after D's update, feature matching in place of G's
objective, historical averaging on both.  ``d_loss`` and ``g_loss`` report everything a
player minimises; ``d_real``/``d_fake`` are D's mean probability of "real" for ``bce`` and the
mean raw scores otherwise (for ``wgan``, ``d_real - d_fake`` estimates W1); ``gp`` the penalty.

Scale: it works with ``jit_compile=True`` (XLA; its stateless random kernels give other,
equally valid draws for a seed), under ``tf.distribute.MirroredStrategy`` (build and compile in
``strategy.scope()``; per-example losses are averaged over the *global* batch with
``tf.nn.compute_average_loss`` and Keras sums gradients over replicas, so an update equals the
single-device update on the whole batch - exactly so with synchronised batch norm,
``sync_bn=True``; terms that are batch statistics are divided by the number of replicas;
XLA does not combine with a multi-device strategy) and with the ``mixed_float16`` (loss
scaling by :meth:`AdversarialModel.prepare_optimizer`) and ``mixed_bfloat16`` policies; set
the policy before building the networks.
"""
from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from gancourse.checks import non_negative_float, positive_int
from gancourse.losses.adversarial import (
    REAL_LABEL,
    Objective,
    check_real_label,
    get_objective,
)
from gancourse.models.base import AdversarialModel, average_loss
from gancourse.terms import (
    FeatureMatching,
    GradientPenalty,
    HistoricalAverage,
    HistoricalAveraging,
    WeightClipping,
)

__all__ = ["GAN", "mean_probability", "mean_score"]


def mean_probability(logits: Any) -> tf.Tensor:
    """Mean of ``sigmoid(logits)``: D's average probability of "real", as float32."""
    return tf.reduce_mean(tf.sigmoid(tf.cast(logits, tf.float32)))


def mean_score(scores: Any) -> tf.Tensor:
    """Mean raw score, as float32 (what ``d_real``/``d_fake`` report for a critic)."""
    return tf.reduce_mean(tf.cast(scores, tf.float32))


class GAN(AdversarialModel):
    """A generator and a discriminator trained against each other by ``fit``.

    ``fit`` data: batches of real examples ``x`` (N, ...), or pairs ``(x, z)`` whose noise z
    (N, latent_dim) is used for every update of that step instead of fresh noise (to compare
    runs exactly, e.g. distributed against single-device).

    Args:
        generator: z (N, latent_dim) -> examples.
        discriminator: examples -> scores (N, 1) (logits for ``bce``; no sigmoid).
        latent_dim: size of z; default: the generator's input size.
        seed: seed of the noise and gradient-penalty weights drawn inside the steps (None: from
            the global seed, :func:`gancourse.seeding.seed_everything`).
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model,
                 latent_dim: int | None = None, *, seed: int | None = None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.generator = generator
        self.discriminator = discriminator
        if latent_dim is None:
            latent_dim = generator.input_shape[-1]
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        for name in ("d_loss", "g_loss", "d_real", "d_fake"):
            self.add_tracker(name)
        self.d_optimizer: keras.optimizers.Optimizer | None = None
        self.g_optimizer: keras.optimizers.Optimizer | None = None
        self.objective, self.g_loss_kind, self.real_label, self.d_steps = (
            "bce", "non_saturating", REAL_LABEL, 1)
        self.penalty: GradientPenalty | None = None
        self.clipping: WeightClipping | None = None
        self.feature_matcher: FeatureMatching | None = None
        self.d_averaging: HistoricalAveraging | None = None
        self.g_averaging: HistoricalAveraging | None = None
        self.built = True  # both networks are built; nothing for fit() to infer from data

    def call(self, z, training: bool = False):
        """``G(z)``: the GAN used as a model is its generator."""
        return self.generator(z, training=training)

    def compile(self, d_optimizer: keras.optimizers.Optimizer,
                g_optimizer: keras.optimizers.Optimizer, g_loss_kind: str = "non_saturating",
                d_steps: int = 1, real_label: float = REAL_LABEL, *, objective: str = "bce",
                gp_weight: float = 0.0, clip_value: float | None = None,
                feature_matching: str | None = None, historical_weight: float = 0.0,
                **kwargs) -> None:
        """Set the two optimizers and the training recipe.

        Args:
            d_optimizer, g_optimizer: two *distinct* optimizer instances (each keeps state for
                its own network), e.g. ``keras.optimizers.Adam(2e-4, beta_1=0.5)``.
            g_loss_kind: ``"non_saturating"`` or ``"minimax"`` (``bce`` only).
            d_steps: discriminator updates per generator update (k in Goodfellow's algorithm;
                5 for WGAN and WGAN-GP).  Each update gets its own real batch: ``train_step``
                splits its batch into ``d_steps`` equal parts (see :meth:`examples_per_step`).
            real_label: target of real examples; < 1 is one-sided label smoothing (``bce``).
            objective: a registered objective (:data:`gancourse.losses.OBJECTIVES`).
            gp_weight: lambda >= 0 of :class:`gancourse.terms.GradientPenalty` (0: none);
                refused for a discriminator with batch norm.  WGAN-GP (Gulrajani et al. 2017,
                arXiv:1704.00028) is ``objective="wgan", gp_weight=10, d_steps=5`` with
                Adam(1e-4, beta_1=0, beta_2=0.9).
            clip_value: c > 0 clips D's weights to [-c, c] after every D update (the original
                WGAN, c = 0.01); None: no clipping.
            feature_matching: name of a layer of D: G minimises feature matching on it instead
                of its objective (Salimans et al. 2016, arXiv:1606.03498); None: off.
            historical_weight: weight of historical averaging on both players' losses, >= 0.
            **kwargs: passed to ``keras.Model.compile``: ``jit_compile``,
                ``steps_per_execution``, ``run_eagerly``.
        """
        spec = self.check_players(d_optimizer, g_optimizer, objective, g_loss_kind, kwargs)
        d_steps = positive_int(d_steps, "d_steps")
        real_label = check_real_label(real_label)
        if not spec.label_smoothing and real_label != REAL_LABEL:
            raise ValueError(f"real_label (one-sided label smoothing) applies to the 'bce' "
                             f"objective only, got real_label={real_label!r} with {objective!r}")
        penalty = GradientPenalty(gp_weight) if non_negative_float(gp_weight, "gp_weight") else None
        historical_weight = non_negative_float(historical_weight, "historical_weight")
        clipping = WeightClipping(clip_value) if clip_value is not None else None
        if penalty is not None:
            penalty.check(self.discriminator)
        matcher = (FeatureMatching(self.discriminator, feature_matching)
                   if feature_matching is not None else None)
        self.compile_players(d_optimizer, g_optimizer, **kwargs)
        self.objective, self.g_loss_kind, self.real_label, self.d_steps = (
            objective, g_loss_kind, real_label, d_steps)
        self.penalty, self.clipping, self.feature_matcher = penalty, clipping, matcher
        self.reported = tuple(n for n in self.reported if n != GradientPenalty.metric)
        if penalty is not None:
            self.add_tracker(GradientPenalty.metric)
        self.d_averaging = self.g_averaging = None
        if historical_weight > 0:  # theta[1]: the weights now
            self.d_averaging = HistoricalAveraging(historical_weight,
                                                   self.discriminator.trainable_variables)
            self.g_averaging = HistoricalAveraging(historical_weight,
                                                   self.generator.trainable_variables)

    # -- the recipe, as set by compile ---------------------------------------------------------
    @property
    def objective_spec(self) -> Objective:
        return get_objective(self.objective)

    @property
    def gp_weight(self) -> float:
        return self.penalty.weight if self.penalty is not None else 0.0

    @property
    def clip_value(self) -> float | None:
        return self.clipping.clip_value if self.clipping is not None else None

    @property
    def feature_matching(self) -> str | None:
        return self.feature_matcher.layer_name if self.feature_matcher is not None else None

    @property
    def historical_weight(self) -> float:
        return self.d_averaging.weight if self.d_averaging is not None else 0.0

    @property
    def d_history(self) -> HistoricalAverage | None:
        return self.d_averaging.history if self.d_averaging is not None else None

    @property
    def g_history(self) -> HistoricalAverage | None:
        return self.g_averaging.history if self.g_averaging is not None else None

    def d_output(self, scores: Any) -> tf.Tensor:
        """``d_real``/``d_fake``: mean probability for a probabilistic objective, else mean score."""
        return (mean_probability(scores) if self.objective_spec.probabilities
                else mean_score(scores))

    # -- the losses, composed once (training and evaluation) -----------------------------------
    def discriminator_losses(self, real, fake, alpha=None, *, training: bool = True) -> dict:
        """D's loss on a real and a fake batch: its objective plus the terms it holds.

        Returns ``loss`` (what D minimises, averaged over the global batch) and the reports
        ``d_loss``, ``d_real``, ``d_fake`` (and one per penalty, e.g. ``gp``).
        """
        real_scores = self.discriminator(real, training=training)
        fake_scores = self.discriminator(fake, training=training)
        per_example = self.objective_spec.discriminator(
            real_scores, fake_scores, real_label=self.real_label, reduction="none")
        penalties, batch_terms = self.discriminator_terms(real, fake, alpha, training)
        loss, d_loss = average_loss(tf.add_n([per_example, *penalties.values()]), batch_terms)
        return {"loss": loss, "d_loss": d_loss, "d_real": self.d_output(real_scores),
                "d_fake": self.d_output(fake_scores),
                **{name: tf.reduce_mean(value) for name, value in penalties.items()}}

    def discriminator_terms(self, real, fake, alpha, training: bool) -> tuple[dict, list]:
        """The tricks D holds (lectures 08-09; none in the plain GAN): per-example penalties
        by metric name, and penalties that are batch statistics."""
        penalties = {}
        if self.penalty is not None:
            penalties[self.penalty.metric] = self.penalty(self.discriminator, real, fake, alpha,
                                                          training=training)
        return penalties, [self.d_averaging.penalty()] if self.d_averaging is not None else []

    def generator_losses(self, fake, real_features=None, *, training: bool = True) -> dict:
        """G's loss on a fake batch: its objective (or feature matching) plus its terms;
        ``loss`` (what G minimises) and the report ``g_loss``."""
        batch_terms = [self.g_averaging.penalty()] if self.g_averaging is not None else []
        if self.feature_matcher is not None:  # lecture 08: match D's features instead
            matching = self.feature_matcher(real_features, fake, training=training)
            loss, g_loss = average_loss(None, [matching, *batch_terms])
        else:
            per_example = self.objective_spec.generator(
                self.discriminator(fake, training=training), kind=self.g_loss_kind,
                reduction="none")
            loss, g_loss = average_loss(per_example, batch_terms)
        return {"loss": loss, "g_loss": g_loss}

    # -- the two phases of a step ------------------------------------------------------------
    def discriminator_step(self, real, noise=None, alpha=None) -> dict[str, tf.Tensor]:
        """One update of D on a real batch and fakes G(noise); returns ``d_loss``, ``d_real``,
        ``d_fake`` (and ``gp``).  ``noise``, ``alpha`` (the penalty's weights): default fresh."""
        if self.d_optimizer is None:
            raise RuntimeError("compile() the GAN before training it")
        z = self.noise(tf.shape(real)[0]) if noise is None else noise
        fake = self.generator(z, training=True)  # outside the tape: no gradient flows to G
        if self.penalty is not None and alpha is None:
            alpha = self.penalty.draw(self.step_seed(), tf.shape(real)[0])
        out = self.minimize(self.d_optimizer, self.discriminator.trainable_variables,
                            lambda: self._with_loss(self.discriminator_losses(real, fake, alpha)))
        for term in (self.clipping, self.d_averaging):
            if term is not None:
                term.after_update(self.discriminator)
        return out

    def generator_step(self, noise=None, batch_size=None, real=None) -> dict[str, tf.Tensor]:
        """One update of G (D only passes gradients); returns ``g_loss``.  ``noise``: default
        fresh noise of ``batch_size`` rows; ``real``: the real batch (feature matching only)."""
        if self.g_optimizer is None:
            raise RuntimeError("compile() the GAN before training it")
        if self.feature_matcher is not None and real is None:
            raise ValueError("feature matching compares D's features on real and fake "
                             "examples: pass the real batch, generator_step(..., real=x)")
        if noise is None:
            if batch_size is None:
                raise ValueError("pass noise or batch_size")
            noise = self.noise(batch_size)
        real_features = (self.feature_matcher.features(real)  # no gradient through them
                         if self.feature_matcher is not None else None)
        out = self.minimize(self.g_optimizer, self.generator.trainable_variables, lambda: (
            self._with_loss(self.generator_losses(self.generator(noise, training=True),
                                                  real_features))))
        if self.g_averaging is not None:
            self.g_averaging.after_update(self.generator)
        return out

    @staticmethod
    def _with_loss(losses: dict) -> tuple[tf.Tensor, dict]:
        """(the loss to minimise, the reports) for :meth:`minimize`."""
        return losses.pop("loss"), losses

    def examples_per_step(self, batch_size: int) -> int:
        """Rows of a training batch for ``batch_size`` real examples per D update:
        ``d_steps * batch_size`` (one fresh real batch per D update, none reused)."""
        return self.d_steps * positive_int(batch_size, "batch_size")

    def train_step(self, data) -> dict[str, tf.Tensor]:
        """``d_steps`` D updates, each on the next ``1 / d_steps`` of the batch (and of the
        noise, when the data carry it), then one G update on a batch of the same size."""
        real, noise, _ = keras.utils.unpack_x_y_sample_weight(data)
        reals, noises = self._split(real, "real"), self._split(noise, "noise")
        for k in range(self.d_steps):  # Goodfellow et al. 2014, Algorithm 1
            d = self.discriminator_step(reals[k], noises[k])
        g = self.generator_step(noises[-1], batch_size=tf.shape(reals[-1])[0], real=reals[-1])
        return self.track(**d, **g)

    def _split(self, batch, name: str) -> list:
        """``batch`` in ``d_steps`` equal parts (``[None] * d_steps`` for None)."""
        if batch is None or self.d_steps == 1:
            return [batch] * self.d_steps
        rows = batch.shape[0]
        if rows is not None and rows % self.d_steps:
            raise ValueError(
                f"with d_steps={self.d_steps} every D update gets its own real batch, so a "
                f"training batch holds d_steps * batch_size rows; got {rows} {name} rows, not "
                f"divisible by {self.d_steps} (batch the data with "
                f"gan.examples_per_step(batch_size))")
        return tf.split(batch, self.d_steps, axis=0)

    def test_step(self, data) -> dict[str, tf.Tensor]:
        """The training losses and D's outputs on a batch, in inference mode, updating nothing
        (``evaluate``); fresh noise and penalty weights as in training."""
        real, noise, _ = keras.utils.unpack_x_y_sample_weight(data)
        z = self.noise(tf.shape(real)[0]) if noise is None else noise
        fake = self.generator(z, training=False)
        alpha = (self.penalty.draw(self.step_seed(), tf.shape(real)[0])
                 if self.penalty is not None else None)
        d = self.discriminator_losses(real, fake, alpha, training=False)
        real_features = (self.feature_matcher.features(real, training=False)
                         if self.feature_matcher is not None else None)
        g = self.generator_losses(fake, real_features, training=False)
        return self.track(**self._with_loss(d)[1], **self._with_loss(g)[1])
