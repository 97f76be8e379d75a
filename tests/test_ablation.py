"""Tests for gancourse.ablation: each configuration builds what it claims (asserted on the built
networks and optimisers, not on training outcomes), the ci-profile runner writes the documented
structure, and the committed laptop tables list exactly the script's configurations, seeds and
budget (so they cannot go stale silently)."""
from __future__ import annotations

import json
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from gancourse import ablation as A
from gancourse import stabilize as S
from gancourse.objectives import discriminator_objective

REGENERATE = ("regenerate with `python -m gancourse.ablation --profile laptop --part {part} "
              "--force` and commit course/results/ablation_{part}.json")
BASELINE = A.get_config("baseline")


def _kinds(model: keras.Model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


# --------------------------------------------------------------------------------------------
# the list of configurations
# --------------------------------------------------------------------------------------------
def test_every_configuration_changes_one_thing():
    base = BASELINE.settings()
    assert A.CONFIG_NAMES[0] == "baseline" and len(set(A.CONFIG_NAMES)) == len(A.CONFIGS)
    for config in A.CONFIGS[1:]:
        changed = {k for k, v in config.settings().items() if k != "parts" and v != base[k]}
        expected = 2 if config.name == "sn_ttur" else 1
        assert len(changed) == expected, (config.name, changed)
    assert {c.name for c in A.configs_for("mnist")} == set(A.CONFIG_NAMES)
    assert "instance_norm" not in {c.name for c in A.configs_for("grid")}  # no norm to replace


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unknown configuration"):
        A.get_config("dropout")
    with pytest.raises(ValueError, match="part must be one of"):
        A.configs_for("cifar")
    with pytest.raises(ValueError, match="does not run in the 'grid' part"):
        A.build_networks("grid", A.get_config("instance_norm"), "ci")
    with pytest.raises(ValueError, match="seeds must be distinct"):
        A.run_part("grid", "ci", seeds=[0, 0], write=False)
    with pytest.raises(ValueError, match="non-empty subset"):
        A.run_part("grid", "ci", configs=["instance_norm"], write=False)


# --------------------------------------------------------------------------------------------
# each configuration builds what it claims
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gans() -> dict[tuple[str, str], object]:
    """Every (part, configuration) built and compiled in the ci profile (not trained)."""
    return {(part, c.name): A.build_gan(part, c, 0, "ci")
            for part in A.PARTS for c in A.configs_for(part)}


@pytest.mark.parametrize("part", A.PARTS)
def test_baseline_is_the_plain_recipe(gans, part):
    gan = gans[(part, "baseline")]
    hp = A.hyperparameters(part, "ci")
    assert gan.objective == "bce" and gan.real_label == 1.0 and gan.d_steps == 1
    assert gan.feature_matching is None and gan.historical_weight == 0.0
    assert gan.gp_weight == 0.0 and gan.clip_value is None
    assert np.isclose(float(gan.d_optimizer.learning_rate), hp["d_lr"])
    assert np.isclose(float(gan.g_optimizer.learning_rate), hp["g_lr"])
    kinds = _kinds(gan.discriminator)
    assert "SpectralNormalization" not in kinds and "MinibatchDiscrimination" not in kinds
    if part == "mnist":  # the DCGAN recipe's discriminator, batch norm included
        from gancourse.gan import build_dcgan_discriminator

        assert hp["d_lr"] == hp["g_lr"] == 2e-4 and hp["beta_1"] == 0.5
        assert "BatchNormalization" in kinds
        ref = build_dcgan_discriminator(hp["base"])
        assert [w.shape for w in gan.discriminator.weights] == [w.shape for w in ref.weights]


@pytest.mark.parametrize("part", A.PARTS)
def test_label_smoothing_targets_are_09_for_real_and_0_for_fake(gans, part):
    gan = gans[(part, "label_smoothing")]
    assert gan.real_label == A.SMOOTH_REAL_LABEL == 0.9
    u = np.array([-3.0, -0.5, 0.0, 2.0, 7.0], np.float32)  # real logits
    v = np.array([-6.0, -1.0, 0.3, 1.0, 4.0], np.float32)  # fake logits

    def bce(logits, target):  # numpy, stable: softplus(u) - target * u
        return np.logaddexp(0.0, logits) - target * logits

    loss = float(discriminator_objective(gan.objective, u, v, real_label=gan.real_label))
    assert np.isclose(loss, bce(u, 0.9).mean() + bce(v, 0.0).mean(), rtol=1e-5)
    # at D's optimum on a real example sigmoid(u) = 0.9, on a fake one 0 (one-sided)
    with tf.GradientTape() as tape:
        t = tf.constant([np.log(9.0)], tf.float32)  # logit of 0.9
        tape.watch(t)
        real_part = discriminator_objective(gan.objective, t, tf.constant([-50.0]),
                                            real_label=gan.real_label)
    assert abs(float(tape.gradient(real_part, t)[0])) < 1e-5


@pytest.mark.parametrize("part", A.PARTS)
def test_feature_matching_uses_the_penultimate_layer(gans, part):
    gan = gans[(part, "feature_matching")]
    d = gan.discriminator
    names = [layer.name for layer in d.layers]
    assert names[-1] == "logit"
    assert gan.feature_matching == names[-2]  # the input of D's last Dense
    extractor = gan.feature_matcher.extractor
    x = np.zeros((3,) + tuple(d.input_shape[1:]), np.float32)
    assert extractor(x).shape[1:] == d.layers[-1].input.shape[1:]
    assert gans[(part, "baseline")].feature_matcher is None


@pytest.mark.parametrize("part", A.PARTS)
def test_minibatch_discrimination_sits_before_the_last_dense(gans, part):
    d = gans[(part, "minibatch")].discriminator
    layer = d.layers[-2]
    assert isinstance(layer, S.MinibatchDiscrimination)
    assert (layer.num_kernels, layer.kernel_dim) == (A.MINIBATCH_KERNELS, A.MINIBATCH_DIM)
    base = gans[(part, "baseline")].discriminator
    a = base.layers[-1].input.shape[-1]
    assert d.layers[-1].input.shape[-1] == a + A.MINIBATCH_KERNELS
    # everything else is the baseline's architecture
    assert [n for n in _kinds(d) if n != "MinibatchDiscrimination"] == _kinds(base)


@pytest.mark.parametrize("part", A.PARTS)
def test_historical_averaging_penalises_both_players(gans, part):
    gan = gans[(part, "historical")]
    assert gan.historical_weight == A.HISTORICAL_WEIGHT > 0
    assert len(gan.d_history.variables) == len(gan.discriminator.trainable_variables)
    assert len(gan.g_history.variables) == len(gan.generator.trainable_variables)
    assert float(gan.d_history.penalty()) == 0.0  # theta[1] is the current value


def test_instance_norm_replaces_batch_norm():
    d = A.build_gan("mnist", A.get_config("instance_norm"), 0, "ci").discriminator
    kinds = _kinds(d)
    assert "InstanceNormalization" in kinds and "BatchNormalization" not in kinds
    base = A.build_gan("mnist", BASELINE, 0, "ci").discriminator
    assert [k.replace("InstanceNormalization", "BatchNormalization") for k in kinds] == \
        _kinds(base)
    # each example is normalised on its own: its score does not depend on the rest of the batch
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32)
    y = x.copy()
    y[1:] = rng.uniform(-1, 1, (3, 28, 28, 1))
    np.testing.assert_allclose(d(x, training=True)[0], d(y, training=True)[0], rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("config_name", ["spectral_norm", "sn_ttur"])
@pytest.mark.parametrize("part", A.PARTS)
def test_spectral_norm_kernels_have_largest_singular_value_1(part, config_name):
    gan = A.build_gan(part, A.get_config(config_name), 0, "ci")
    d = gan.discriminator
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    weighted = [layer for layer in d.layers if isinstance(layer, (keras.layers.Dense,
                                                                  keras.layers.Conv2D))]
    assert wrapped and not weighted  # every Dense and Conv2D of D is wrapped
    x = np.random.default_rng(1).normal(size=(8,) + tuple(d.input_shape[1:])).astype(np.float32)
    for _ in range(100):  # one power iteration per training call
        d(x, training=True)
    for layer in wrapped:
        kernel = np.asarray(layer.layer.kernel)
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        assert abs(sigma - 1.0) < 0.02, (layer.name, sigma)


@pytest.mark.parametrize("config_name", ["ttur", "sn_ttur"])
@pytest.mark.parametrize("part", A.PARTS)
def test_ttur_sets_the_two_learning_rates(gans, part, config_name):
    gan, base = gans[(part, config_name)], gans[(part, "baseline")]
    d_lr, g_lr = float(gan.d_optimizer.learning_rate), float(gan.g_optimizer.learning_rate)
    assert np.isclose(d_lr, A.TTUR_D_FACTOR * float(base.d_optimizer.learning_rate))
    assert np.isclose(g_lr, A.TTUR_G_FACTOR * float(base.g_optimizer.learning_rate))
    assert gan.d_optimizer is not gan.g_optimizer
    assert np.isclose(float(gan.d_optimizer.beta_1), float(base.d_optimizer.beta_1))
    if part == "mnist":  # Heusel et al.'s / SAGAN's rates
        assert np.isclose(d_lr, 4e-4) and np.isclose(g_lr, 1e-4)


def test_seeds_give_different_and_reproducible_initial_weights():
    w0 = A.build_gan("grid", BASELINE, 0, "ci").generator.get_weights()[0]
    w0_again = A.build_gan("grid", BASELINE, 0, "ci").generator.get_weights()[0]
    w1 = A.build_gan("grid", BASELINE, 1, "ci").generator.get_weights()[0]
    np.testing.assert_array_equal(w0, w0_again)
    assert not np.allclose(w0, w1)
    # the generator is built before the discriminator: its initial weights do not depend on the
    # configuration, so runs with the same seed differ only by the trick
    for name in ("minibatch", "spectral_norm"):
        w = A.build_gan("grid", A.get_config(name), 0, "ci").generator.get_weights()
        for a, b in zip(w, A.build_gan("grid", BASELINE, 0, "ci").generator.get_weights()):
            np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------------------
# the runner in the ci profile
# --------------------------------------------------------------------------------------------
def _check_structure(record: dict, part: str, profile: str, configs: list[str],
                     seeds: list[int]) -> None:
    b = A.budget(part, profile)
    assert record["part"] == part and record["profile"] == profile
    assert record["seeds"] == seeds == record["budget"]["seeds"]
    assert {k: v for k, v in record["budget"].items() if k != "seeds"} == \
        {k: v for k, v in b.record().items() if k != "seeds"}
    assert record["hyperparameters"] == A.hyperparameters(part, profile)
    assert [c["name"] for c in record["configs"]] == configs
    for c in record["configs"]:
        assert c["settings"] == A.get_config(c["name"]).settings()
    assert record["metrics"] == list(A.METRICS[part])
    pairs = [(r["config"], r["seed"]) for r in record["runs"]]
    assert pairs == [(c, s) for c in configs for s in seeds]
    for r in record["runs"]:
        assert r["steps"] == b.steps and r["wall_time_s"] > 0 and r["train_time_s"] > 0
        assert set(r["metrics"]) >= set(A.METRICS[part]) | {"diverged"}
        if not r["metrics"]["diverged"]:
            assert all(np.isfinite(r["metrics"][m]) for m in A.METRICS[part])
        assert len(r["losses"]["d_loss"]) == len(r["losses"]["g_loss"]) == b.log_blocks
        assert r["losses"]["block_steps"] * b.log_blocks == b.steps
    assert list(record["summary"]) == configs
    assert record["summary"] == A.summarize(record["runs"], part)
    prov = record["provenance"]
    assert prov["command"].startswith(A.SCRIPT_COMMAND) or prov["command"].startswith(
        "gancourse.ablation.run_part")
    assert prov["script"] == "gancourse/ablation.py"
    assert re.fullmatch(r"[0-9a-f]{64}", prov["script_sha256"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", prov["created_utc"])
    assert prov["wall_time_s"] > 0
    for key in ("tensorflow", "keras", "numpy", "cpu", "cpu_count"):
        assert prov["environment"].get(key), key
    assert "commit" in prov["git"] and "dirty" in prov["git"]
    table = A.markdown_table(record)
    assert table.count("\n") == len(configs) + 1


def test_ci_grid_ablation_through_the_command_line(tmp_path, capsys):
    assert A.main(["--profile", "ci", "--part", "grid", "--out", str(tmp_path), "--quiet"]) == 0
    record = json.loads((tmp_path / "ablation_grid.json").read_text())
    configs = [c.name for c in A.configs_for("grid")]
    _check_structure(record, "grid", "ci", configs, list(A.budget("grid", "ci").seeds))
    assert record["provenance"]["command"] == (
        f"python -m gancourse.ablation --profile ci --part grid --out {tmp_path} --quiet")
    assert record["n_modes"] == 25 and record["min_count"] >= 1
    for r in record["runs"]:
        if not r["metrics"]["diverged"]:
            assert 0 <= r["metrics"]["modes_covered"] <= 25
            assert 0 <= r["metrics"]["high_quality_fraction"] <= 1
            assert sum(r["metrics"]["counts"]) <= record["budget"]["eval_samples"]
    # an existing table is never overwritten without --force
    with pytest.raises(SystemExit):
        A.main(["--profile", "ci", "--part", "grid", "--out", str(tmp_path), "--quiet"])
    with pytest.raises(FileExistsError, match="--force"):
        A.run_part("grid", "ci", configs=["baseline"], out=tmp_path, quiet=True)
    assert "--force" in capsys.readouterr().err
    assert json.loads((tmp_path / "ablation_grid.json").read_text()) == record


def test_ci_mnist_ablation_runs(tmp_path):
    configs = ["instance_norm"]  # the MNIST-only configuration (the grid test runs the rest)
    record = A.run_part("mnist", "ci", configs=configs, out=tmp_path, quiet=True)
    assert json.loads((tmp_path / "ablation_mnist.json").read_text()) == \
        json.loads(json.dumps(record))
    _check_structure(record, "mnist", "ci", configs, list(A.budget("mnist", "ci").seeds))
    for r in record["runs"]:
        m = r["metrics"]
        assert m["fid"] >= 0 and 0 <= m["precision"] <= 1 and 0 <= m["recall"] <= 1
    assert "sha256" in record["reference"]


def test_summary_statistics():
    runs = [{"config": "a", "metrics": {"fid": 2.0, "precision": 0.5, "recall": 0.1,
                                        "diverged": False}},
            {"config": "a", "metrics": {"fid": 4.0, "precision": 0.7, "recall": 0.3,
                                        "diverged": False}},
            {"config": "b", "metrics": {"fid": None, "precision": None, "recall": None,
                                        "diverged": True}}]
    s = A.summarize(runs, "mnist")
    assert s["a"]["fid"] == {"mean": 3.0, "std": pytest.approx(np.sqrt(2.0)), "n": 2,
                             "values": [2.0, 4.0]}
    assert s["a"]["diverged"] == 0
    assert s["b"]["diverged"] == 1 and s["b"]["fid"]["mean"] is None


# --------------------------------------------------------------------------------------------
# the committed laptop tables
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("part", A.PARTS)
def test_committed_results_match_the_script(part):
    path = A.results_path(part)
    assert path.is_file(), f"{path} is missing: " + REGENERATE.format(part=part)
    record = json.loads(path.read_text())
    configs = [c.name for c in A.configs_for(part)]
    seeds = list(A.budget(part, "laptop").seeds)
    try:
        _check_structure(record, part, "laptop", configs, seeds)
    except AssertionError as exc:
        raise AssertionError(f"{path.name} is stale ({exc}): "
                             + REGENERATE.format(part=part)) from exc
    prov = record["provenance"]
    assert prov["command"].startswith(A.SCRIPT_COMMAND), prov["command"]
    assert re.fullmatch(r"[0-9a-f]{40}", prov["git"]["commit"] or ""), prov["git"]
    assert record["runs"] and not all(r["metrics"]["diverged"] for r in record["runs"])
