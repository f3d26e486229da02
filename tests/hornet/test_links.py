"""Issue 13 item 9: Link headers never echo the request's Host; PUBLIC_BASE_URL or relative."""

import subprocess
import sys
import uuid

import pytest

from tests.helpers import ROOT, headers_for, next_link

HOSTS = ["evil.example", "evil.example:8443", "127.0.0.1", "a" * 200 + ".example"]


@pytest.mark.parametrize("host", HOSTS)
def test_without_a_public_base_url_links_are_relative(api, settings, host):
    settings.HORNET_PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    response = api.get(
        "/numbers?limit=5", HTTP_HOST=host, HTTP_X_FORWARDED_HOST=host, **headers_for(uuid.uuid4())
    )
    link = next_link(response)
    assert link is not None
    assert link.startswith("/numbers?")
    assert host not in response["Link"]


@pytest.mark.parametrize("host", HOSTS)
def test_with_a_public_base_url_links_use_it_whatever_the_host(api, settings, host):
    settings.HORNET_PUBLIC_BASE_URL = "https://api.hornet.example"
    settings.ALLOWED_HOSTS = ["*"]
    response = api.get("/numbers?limit=5", HTTP_HOST=host, **headers_for(uuid.uuid4()))
    link = next_link(response)
    assert link is not None
    assert link.startswith("https://api.hornet.example/numbers?")
    assert host not in response["Link"]


@pytest.mark.parametrize("base", ["ftp://x", "https://", "https://x/?a=1", "x.example"])
def test_a_malformed_public_base_url_stops_the_service(base):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings", "settings.test_posts"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PUBLIC_BASE_URL": base},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PUBLIC_BASE_URL" in result.stderr


def test_a_well_formed_public_base_url_is_accepted():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings", "settings.test_posts"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PUBLIC_BASE_URL": "https://api.hornet.example/v2/"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
