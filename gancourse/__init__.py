"""gancourse: the library every notebook of the GAN course imports.

Importing ``gancourse`` is cheap (no TensorFlow); the submodules import what they need:

* :mod:`gancourse.profiles` - ``GANCOURSE_PROFILE=ci|laptop|gpu`` sizes every run
* :mod:`gancourse.seeding`  - one call to make a run reproducible
* :mod:`gancourse.data`     - offline-first MNIST, 2-D toy distributions, scaling, tf.data pipelines
* :mod:`gancourse.viz`      - image grids, loss curves, 2-D sample and density plots
* :mod:`gancourse.divergences` - KL, JS (discrete), closed-form Gaussian KL, 1-D Wasserstein-1
* :mod:`gancourse.games`    - Nash equilibria of small games, gradient dynamics on min_x max_y xy
* :mod:`gancourse.metrics`  - FID, classifier score (IS), KID, precision/recall, mode coverage
* :mod:`gancourse.features` - the MNIST feature network behind the course's classifier-FID
* :mod:`gancourse.gan`      - losses on logits, dense/DCGAN builders, the ``GAN`` keras.Model,
  callbacks (sample grids, FID, checkpoints), strict ``.npz`` weights files
* :mod:`gancourse.diagnostics` - measurements of GAN failure modes (gradient norms, mode coverage
  over training, sweeps, batch-norm checks)
* :mod:`gancourse.objectives` - Wasserstein (gradient penalty, weight clipping), least-squares
  and hinge losses, chosen by name
* :mod:`gancourse.stabilize` - feature matching, minibatch discrimination, historical averaging,
  instance and spectral normalisation, TTUR, critic builders
* :mod:`gancourse.train`    - ``python -m gancourse.train dcgan``: reference runs with provenance
  (XLA, mixed precision, MirroredStrategy)
* :mod:`gancourse.provenance` - git state, file hashes, CPU and library versions for artifacts
* :mod:`gancourse.testing`  - helpers for assignment test cells
* :mod:`gancourse.quiet_import` - keeps TensorFlow's import-time C++ log lines out of notebooks
"""
import os as _os

# TensorFlow's C++ log lines (e.g. "failed call to cuInit" on machines without a GPU) go to
# stderr when the first op runs; nbgrader counts any stderr output of a test cell as a failure,
# and they bury what matters in notebooks.  Python exceptions are unaffected.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from gancourse import quiet_import as _quiet_import  # noqa: E402
from gancourse.profiles import Profile, describe, get_profile, show_profile  # noqa: E402
from gancourse.seeding import seed_everything  # noqa: E402

# ... and the block of absl/oneDNN/CUDA-stub lines it writes while being imported
_quiet_import.install()

__version__ = "0.1.0"
__all__ = ["Profile", "describe", "get_profile", "show_profile", "seed_everything", "__version__"]
