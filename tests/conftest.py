"""Fixtures for every test package; shared fixture modules are plugins (pytest_plugins), never
imported from one conftest into another."""

import uuid

import pytest

pytest_plugins = ["tests.support.databases", "tests.support.browser", "tests.support.followers"]


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    # Imported here: tests/k8s run without Django settings, and DRF's test client needs them.
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def alice() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def bob() -> uuid.UUID:
    return uuid.uuid4()
