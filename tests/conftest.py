"""Shared pytest fixtures for the gancourse test suite.

Keep this file small: fixtures used by a single test module belong in that module.
"""
import pytest


@pytest.fixture
def no_profile_env(monkeypatch):
    """Run with neither ``GANCOURSE_PROFILE`` nor ``NBGRADER_EXECUTION`` set.

    ``make test`` exports ``GANCOURSE_PROFILE=ci``; tests that check profile selection (or that
    depend on the default profile) start from a clean slate with this fixture.
    """
    monkeypatch.delenv("GANCOURSE_PROFILE", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return monkeypatch
