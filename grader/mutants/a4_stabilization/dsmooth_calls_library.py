# cell: discriminator_loss_smoothed
# kills: test_discriminator_loss_smoothed
# why: calls the course library's loss with real_label = 1 - smoothing instead of implementing it
from gancourse.gan import discriminator_loss as _library_loss


def discriminator_loss_smoothed(real_logits, fake_logits, smoothing=0.1):
    if not 0.0 <= float(smoothing) < 1.0:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing!r}")
    return _library_loss(real_logits, fake_logits, real_label=1.0 - float(smoothing))
