"""gancourse: the library every notebook of the GAN course imports.

Importing ``gancourse`` is cheap (no TensorFlow); the submodules import what they need:

* :mod:`gancourse.profiles` - ``GANCOURSE_PROFILE=ci|laptop|gpu`` sizes every run
* :mod:`gancourse.seeding`  - one call to make a run reproducible
* :mod:`gancourse.data`     - offline-first MNIST, 2-D toy distributions, scaling, tf.data pipelines
* :mod:`gancourse.viz`      - image grids, loss curves, 2-D sample and density plots
"""
import os as _os

# TensorFlow's C++ start-up chatter hides what matters in notebooks; errors still show.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gancourse.profiles import Profile, describe, get_profile, show_profile  # noqa: E402
from gancourse.seeding import seed_everything  # noqa: E402

__version__ = "0.1.0"
__all__ = ["Profile", "describe", "get_profile", "show_profile", "seed_everything", "__version__"]
