import pytest


@pytest.fixture(autouse=True)
def plumbing_urls(settings):  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tests.hornet.urls"
    settings.HORNET_AUTH_MODE = "mesh"
