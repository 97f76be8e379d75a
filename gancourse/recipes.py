"""Training recipes of the course's reference models, one registry entry per model.

A recipe is the profile's sizes (:mod:`gancourse.profiles`: steps, batch size, logging) plus
what a model changes: its networks and its departures from DCGAN's optimiser settings.
``python -m gancourse.train <model>`` trains any registered model in any profile; a new
variant adds one :class:`ModelRecipe` with :func:`register` (and changes nothing else here).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gancourse.profiles import Profile

__all__ = ["LATENT_DIM", "Recipe", "ModelRecipe", "RECIPES", "MODELS", "OVERRIDES", "register",
           "recipe"]

LATENT_DIM = 100


@dataclass(frozen=True)
class Recipe:
    """How one reference model is trained in one profile."""

    model: str
    steps: int  #: generator updates
    batch_size: int  #: global batch (real examples per step)
    d_lr: float
    g_lr: float
    beta_1: float  #: Adam's first-moment decay (0.5 in DCGAN)
    real_label: float  #: 1.0, or < 1 for one-sided label smoothing
    d_steps: int
    g_loss_kind: str
    base: int | None  #: DCGAN filters (None for the dense model)
    log_every: int  #: steps per logged block (one Keras "epoch")

    def builders(self) -> dict[str, str]:
        """The calls that rebuild the networks (recorded in the provenance)."""
        return RECIPES[self.model].builder_calls(self)

    def build(self, *, sync_bn: bool = False) -> tuple[Any, Any]:
        """Fresh (generator, discriminator) of this recipe (seed first)."""
        return RECIPES[self.model].build(self, sync_bn=sync_bn)


@dataclass(frozen=True)
class ModelRecipe:
    """A reference model: its networks and its departures from the shared recipe.

    Attributes:
        name: the model's name on the command line.
        build: ``(recipe, *, sync_bn) -> (generator, discriminator)``.
        builder_calls: ``recipe -> {"generator": call, "discriminator": call}`` as text.
        settings: fields of :class:`Recipe` that differ from the shared defaults.
        overrides: ``{profile name: {field: value}}``, per-profile departures.
    """

    name: str
    build: Callable[..., tuple[Any, Any]]
    builder_calls: Callable[[Recipe], dict[str, str]]
    settings: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


RECIPES: dict[str, ModelRecipe] = {}
#: the registered model names: a live view of :data:`RECIPES`
MODELS = RECIPES.keys()


def register(model: ModelRecipe) -> ModelRecipe:
    """Add ``model`` to :data:`RECIPES` (a name may be registered once)."""
    if model.name in RECIPES:
        raise ValueError(f"model {model.name!r} is already registered")
    RECIPES[model.name] = model
    return model


def recipe(model: str, profile: Profile, steps: int | None = None) -> Recipe:
    """The training recipe of ``model`` in ``profile`` (``steps`` overrides the step count)."""
    if model not in RECIPES:
        raise ValueError(f"model must be one of {tuple(RECIPES)}, got {model!r}")
    spec = RECIPES[model]
    fields = dict(model=model, steps=profile.train_steps, batch_size=profile.batch_size,
                  d_lr=2e-4, g_lr=2e-4, beta_1=0.5, d_steps=1, g_loss_kind="non_saturating",
                  real_label=1.0, base=None, log_every=profile.log_every)
    fields.update(spec.settings)
    fields.update(spec.overrides.get(profile.name, {}))
    if steps is not None:
        if isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0:
            raise ValueError(f"steps must be a positive int, got {steps!r}")
        fields["steps"] = steps
    return Recipe(**fields)


# --------------------------------------------------------------------------------------------
# the registered models (networks imported when built: this module stays light to import)
# --------------------------------------------------------------------------------------------
def _build_dcgan(rec: Recipe, *, sync_bn: bool = False):
    from gancourse.nets.dcgan import build_dcgan_discriminator, build_dcgan_generator

    return (build_dcgan_generator(LATENT_DIM, rec.base, sync_bn=sync_bn),
            build_dcgan_discriminator(rec.base, sync_bn=sync_bn))


def _build_vanilla(rec: Recipe, *, sync_bn: bool = False):
    from gancourse.nets.dense import build_dense_discriminator, build_dense_generator

    return build_dense_generator(LATENT_DIM, sync_bn=sync_bn), build_dense_discriminator()


# DCGAN (Radford et al. 2015), laptop: the profile's 2,000 steps leave digits that are only half
# recognisable. FID (n = 1,000, seed 0) after 500 / 1,000 / ... / 4,000 steps of 64, measured on
# a 2-core Xeon: 41.4, 25.2, 18.7, 16.3, 15.0, 14.1, 13.4, 12.3.  3,000 steps: 180 s of training
# on an idle 2-core Xeon (16.7 steps/s, course/results/dcgan-laptop/provenance.json); 7-9
# steps/s, so 6-7 minutes, when other jobs share the two cores.
register(ModelRecipe(
    "dcgan", _build_dcgan,
    lambda r: {"generator": f"gancourse.gan.build_dcgan_generator(latent_dim={LATENT_DIM}, "
                            f"base={r.base})",
               "discriminator": f"gancourse.gan.build_dcgan_discriminator(base={r.base})"},
    settings={"base": 64}, overrides={"laptop": {"steps": 3000}}))

# Carter's dense MNIST GAN: one-sided label smoothing of the real targets.
register(ModelRecipe(
    "vanilla", _build_vanilla,
    lambda r: {"generator": f"gancourse.gan.build_dense_generator(latent_dim={LATENT_DIM})",
               "discriminator": "gancourse.gan.build_dense_discriminator()"},
    settings={"real_label": 0.9}))

#: ``{(model, profile): {field: value}}``: every model's per-profile departures, for reading.
OVERRIDES: dict[tuple[str, str], dict] = {
    (name, profile): values for name, spec in RECIPES.items()
    for profile, values in spec.overrides.items()}
