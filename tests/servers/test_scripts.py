"""The MongoDB-wire server script: a missing or failing build is a clear message, never a hang,
and never leaves a half-built server behind for the next run to start."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "db" / "secantus.sh"


def build(tmp_path: Path, cargo: str | None, **env: str) -> subprocess.CompletedProcess[str]:
    """``secantus.sh build`` with an empty cache and, instead of the real cargo, none or a
    stand-in running ``cargo`` (the real one takes ten minutes)."""
    fake_dir = tmp_path / "bin"
    fake_dir.mkdir(exist_ok=True)
    if cargo is not None:
        fake = fake_dir / "cargo"
        fake.write_text("#!/bin/bash\n" + cargo + "\n")
        fake.chmod(0o755)
    path = [d for d in os.environ["PATH"].split(":") if d and not Path(d, "cargo").exists()]
    return subprocess.run(
        [str(SCRIPT), "build"],
        env={
            "PATH": ":".join([str(fake_dir), *path]),
            "HOME": str(tmp_path),
            "HORNET_CACHE_DIR": str(tmp_path / "c"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_cargo_the_build_says_what_is_missing_and_how_to_do_without(tmp_path):
    result = build(tmp_path, cargo=None)
    assert result.returncode != 0
    assert "cargo not found" in result.stderr
    assert "HORNET_MONGO_SERVER=ferretdb" in result.stderr


def test_a_failing_build_shows_its_log_and_leaves_nothing_half_built(tmp_path):
    result = build(tmp_path, cargo='echo "error: no route to the crate registry"; exit 101')
    assert result.returncode != 0
    assert "no route to the crate registry" in result.stderr  # the log's tail
    assert "failed" in result.stderr
    assert not any((tmp_path / "c").glob("secantus-*/bin/secantusd-rs"))
    assert not any((tmp_path / "c").glob("*.tmp"))


def test_a_build_that_hangs_is_stopped_at_its_time_limit(tmp_path):
    result = build(tmp_path, cargo="exec sleep 600", SECANTUS_BUILD_TIMEOUT="2")
    assert result.returncode != 0
    assert "took over 2s" in result.stderr


@pytest.mark.skipif(
    os.environ.get("HORNET_MONGO_SERVER", "secantus") != "secantus", reason="FerretDB run"
)
def test_the_pinned_build_is_reused_from_the_cache_outside_the_checkout():
    result = subprocess.run(
        [str(SCRIPT), "build"], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stderr == ""  # nothing built: the cached binary was found
