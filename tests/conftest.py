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


@pytest.fixture(scope="session")
def protections() -> dict[str, str]:
    """What the grading sandbox provides on this machine (``python -m grader.sandbox --check``)."""
    from grader.sandbox import check

    return check()


@pytest.fixture(scope="session")
def network_isolated(protections) -> bool:
    """Can the sandbox keep a kernel off the network here? Yes where it enters a user+network
    namespace, or where Landlock (ABI >= 4, Linux 6.7) refuses TCP; otherwise the README's
    documented fallback applies and a kernel can connect."""
    from grader.landlock import landlock_abi

    return not protections["namespaces"].startswith("none") or landlock_abi() >= 4
