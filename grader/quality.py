"""Quality of a submitted generator: classifier-FID of its samples, the way the grader measures it.

    python -m grader.quality a3_dcgan --weights a3_generator.npz

Used in two places, so that thresholds and grades come from one code path:

* the hidden quality tests of an assignment (through :func:`evaluate_weights`);
* ``python -m grader.reference_a3``, which trains the reference and derives the thresholds.

The submitted weights are loaded *strictly* (:func:`gancourse.gan.load_weights_npz`) into the
**reference architecture**: the instructor's ``build_generator`` answer, executed from the
solution notebook (``solutions/<assignment>/``).  A student's architecture has already been
checked against it by the weight-transplant tests; the quality score depends only on the
submitted numbers.  Evaluation settings (sample count, noise seed, reference digits) are fixed
here and recorded next to the thresholds: FID values are comparable only at equal settings.
"""
from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path

from grader.submissions import read, solution_answers
from grader.workspace import REPO, SOLUTIONS

REFERENCE = REPO / "grader" / "reference"

#: Per assignment: the answer cell that builds the generator, its arguments, and how samples
#: are evaluated.
SETTINGS = {
    "a3_dcgan": {
        "notebook": "a3_dcgan.ipynb",
        "builder": "build_generator",
        "builder_args": [64],
        "n": 1000,  # generated digits, compared with the first n bundled test digits
        "noise_seed": 1,  # gancourse.gan.sample_noise(n, latent_dim, seed=noise_seed)
    },
}


def _settings(assignment: str) -> dict:
    if assignment not in SETTINGS:
        raise ValueError(f"no quality settings for {assignment!r}; known: {sorted(SETTINGS)}")
    return SETTINGS[assignment]


def reference_builder(assignment: str, solutions: Path = SOLUTIONS):
    """The instructor's generator builder, executed from the solution notebook's answer cell."""
    s = _settings(assignment)
    nb = read(solutions / assignment / s["notebook"])
    source = solution_answers(nb)[s["builder"]]
    import keras
    import numpy as np
    import tensorflow as tf

    namespace = {"keras": keras, "np": np, "tf": tf}
    exec(compile(source, f"<{assignment}:{s['builder']}>", "exec"), namespace)  # noqa: S102
    return namespace[s["builder"]]


@lru_cache(maxsize=4)
def _real_features(n: int):
    from gancourse.data import load_mnist
    from gancourse.features import load_feature_net

    net = load_feature_net()
    real, _ = load_mnist("test", n=n, source="bundled")
    return net, net.features(real)


def evaluate_weights(assignment: str, weights: str | Path) -> dict:
    """FID, precision and recall of the generator saved in ``weights``.

    Raises ``gancourse.gan.WeightsFileError`` for a missing file or one that does not fit the
    reference architecture.
    """
    import gancourse.gan as G

    s = _settings(assignment)
    generator = reference_builder(assignment)(*s["builder_args"])
    G.load_weights_npz(generator, weights)
    net, real_features = _real_features(s["n"])
    result = G.evaluate_generator(generator, s["n"], None, seed=s["noise_seed"],
                                  feature_net=net, real_features=real_features)
    return {k: float(v) if k in ("fid", "precision", "recall", "density", "coverage") else v
            for k, v in result.items()}


def thresholds(assignment: str, reference: Path = REFERENCE) -> dict:
    """The recorded thresholds (``reference/<assignment>/quality.json``)."""
    path = reference / assignment / "quality.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `python -m grader.reference_a3` "
                                "(it trains the reference and writes the thresholds)")
    return json.loads(path.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment", choices=sorted(SETTINGS))
    parser.add_argument("--weights", type=Path, required=True)
    args = parser.parse_args(argv)
    import gancourse.gan as G

    try:
        result = evaluate_weights(args.assignment, args.weights)
    except G.WeightsFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
