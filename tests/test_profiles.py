"""Tests for gancourse.profiles: selecting, validating and showing run profiles."""
import dataclasses

import pytest

import gancourse
from gancourse import profiles
from gancourse.profiles import PROFILES, Profile, describe, get_profile, profile_name, show_profile

NAMES = ("ci", "laptop", "gpu")
INT_FIELDS = [f.name for f in dataclasses.fields(Profile) if f.name not in ("name", "description")]


def test_exactly_the_three_documented_profiles_exist():
    assert tuple(PROFILES) == NAMES
    for name, p in PROFILES.items():
        assert p.name == name
        assert p.description


def test_default_is_laptop_when_env_unset(no_profile_env):
    assert profile_name() == "laptop"
    assert get_profile() is PROFILES["laptop"]
    assert "the default" in describe()


@pytest.mark.parametrize("name", NAMES)
def test_each_profile_selectable_by_env(no_profile_env, name):
    no_profile_env.setenv("GANCOURSE_PROFILE", name)
    assert profile_name() == name
    p = get_profile()
    assert p is PROFILES[name]
    assert p.name == name
    assert "from GANCOURSE_PROFILE" in describe()


@pytest.mark.parametrize("raw, expected", [
    ("GPU", "gpu"), ("  ci ", "ci"), ("Laptop\n", "laptop"), ("\tGpU  ", "gpu"),
])
def test_env_value_is_case_and_whitespace_tolerant(no_profile_env, raw, expected):
    no_profile_env.setenv("GANCOURSE_PROFILE", raw)
    assert get_profile().name == expected


def test_blank_env_value_means_default(no_profile_env):
    no_profile_env.setenv("GANCOURSE_PROFILE", "   ")
    assert get_profile().name == "laptop"


def test_unknown_env_profile_raises_listing_valid_names(no_profile_env):
    no_profile_env.setenv("GANCOURSE_PROFILE", "supercomputer")
    with pytest.raises(ValueError) as info:
        get_profile()
    msg = str(info.value)
    assert "supercomputer" in msg
    for name in NAMES:
        assert name in msg


def test_unknown_explicit_profile_raises_listing_valid_names():
    with pytest.raises(ValueError) as info:
        get_profile("tpu")
    msg = str(info.value)
    assert "tpu" in msg
    for name in NAMES:
        assert name in msg


@pytest.mark.parametrize("name", NAMES)
def test_explicit_name_ignores_env(no_profile_env, name):
    no_profile_env.setenv("GANCOURSE_PROFILE", "ci")
    assert get_profile(name) is PROFILES[name]


@pytest.mark.parametrize("env_profile", ["gpu", "laptop", "not-a-profile", None])
def test_nbgrader_execution_forces_ci(no_profile_env, env_profile):
    no_profile_env.setenv("NBGRADER_EXECUTION", "autograde")
    if env_profile is not None:
        no_profile_env.setenv("GANCOURSE_PROFILE", env_profile)
    assert profile_name() == "ci"
    assert get_profile() is PROFILES["ci"]
    assert "forced by nbgrader" in describe()


def test_sizes_grow_from_ci_to_laptop_to_gpu():
    ci, laptop, gpu = (PROFILES[n] for n in NAMES)
    for field in INT_FIELDS:
        a, b, c = getattr(ci, field), getattr(laptop, field), getattr(gpu, field)
        if field == "batch_size":  # the same minibatch size is fine on a CPU
            assert a <= b < c, field
        else:
            assert a < b < c, field


@pytest.mark.parametrize("name", NAMES)
def test_profile_sizes_are_positive_ints_and_consistent(name):
    p = PROFILES[name]
    for field in INT_FIELDS:
        value = getattr(p, field)
        assert type(value) is int and value > 0, (name, field, value)
    assert p.batch_size <= p.mnist_train  # at least one full batch per epoch
    assert p.log_every <= p.train_steps  # at least one log line per run


def test_profiles_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PROFILES["ci"].train_steps = 5


def test_scaled_returns_modified_copy():
    base = PROFILES["laptop"]
    small = base.scaled(train_steps=7, batch_size=16)
    assert small.train_steps == 7 and small.batch_size == 16
    assert small.name == base.name and small.mnist_train == base.mnist_train
    assert base.train_steps == 2_000 and base.batch_size == 64  # original untouched
    assert PROFILES["laptop"] is base


@pytest.mark.parametrize("field", INT_FIELDS)
@pytest.mark.parametrize("bad", [0, -1, -100])
def test_scaled_rejects_zero_and_negative(field, bad):
    with pytest.raises(ValueError, match=field):
        PROFILES["ci"].scaled(**{field: bad})


@pytest.mark.parametrize("bad", [2.5, 10.0, "10", None])
def test_scaled_rejects_non_int(bad):
    with pytest.raises(ValueError, match="train_steps"):
        PROFILES["ci"].scaled(train_steps=bad)


def test_scaled_rejects_bool():
    # bool is an int subclass; the rest of gancourse (seeds, n, batch_size) rejects it explicitly.
    with pytest.raises(ValueError, match="batch_size"):
        PROFILES["ci"].scaled(batch_size=True)


def test_scaled_rejects_unknown_field():
    with pytest.raises(TypeError):
        PROFILES["ci"].scaled(epochs=3)


@pytest.mark.parametrize("name", NAMES)
def test_show_profile_prints_and_returns_active_profile(no_profile_env, capsys, name):
    no_profile_env.setenv("GANCOURSE_PROFILE", name)
    p = show_profile()
    out = capsys.readouterr().out
    assert p is PROFILES[name]
    assert out == describe(p) + "\n"
    assert f"gancourse profile: {name} " in out
    assert f"MNIST {p.mnist_train} train / {p.mnist_test} test" in out
    assert f"batch {p.batch_size}" in out


def test_show_profile_default(no_profile_env, capsys):
    p = gancourse.show_profile()  # re-exported at package level
    out = capsys.readouterr().out
    assert p.name == "laptop"
    assert "laptop" in out and "the default" in out


def test_package_exports():
    assert gancourse.get_profile is profiles.get_profile
    assert gancourse.Profile is Profile
    assert callable(gancourse.seed_everything)
