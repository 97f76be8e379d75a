"""Models that train adversarial players with ``fit``: one ``keras.Model`` subclass per variant."""
from gancourse.models.base import AdversarialModel
from gancourse.models.gan import GAN

__all__ = ["AdversarialModel", "GAN"]
