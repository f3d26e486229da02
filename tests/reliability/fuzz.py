"""Run schemathesis against one service's OpenAPI on a real gunicorn (the CLI, as CI would).

Bounded: a fixed seed, ``max_examples`` per operation and a time budget, so a run stays
under two minutes. Every default check runs (not_a_server_error, status code, content type,
response headers and schema conformance, positive/negative data handling, ignored_auth...).
Cursors are opaque, server-signed values: a random string is rightly a 400, so the fuzzer is
given a valid cursor per list (forged cursors are tested explicitly in test_hostile.py).
"""

import json
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import ROOT

CALLER = "6f1b6a3e-2d0c-4b8e-9b3a-1c2d3e4f5a6b"


@dataclass
class FuzzResult:
    returncode: int
    output: str
    cases: int
    failures: int


def run_schemathesis(
    base_url: str,
    schema_path: str,
    workdir: Path,
    *,
    parameters: dict[str, str],
    operations: list[dict[str, object]] | None = None,
    max_examples: int = 25,
    max_time: int = 90,
) -> FuzzResult:
    # The identity as the schema's apiKey scheme (not a blanket header), so the auth checks
    # (ignored_auth, missing_required_header) can really leave it out.
    config = ["[auth.openapi.meshIdentity]", f'api_key = "{CALLER}"', ""]
    # A request line or headers too long for gunicorn are refused by it (414, 431, documented
    # on every operation): that is a rejection of negative data too.
    config += [
        "[checks.negative_data_rejection]",
        'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "414", "415",'
        ' "422", "428", "429", "431", "5xx"]',
        "",
        "[parameters]",
    ]
    config += [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in parameters.items()]
    for operation in operations or []:
        config.append("\n[[operations]]")
        config += [f"{k} = {_toml(v)}" for k, v in operation.items()]
    config_file = workdir / "schemathesis.toml"
    config_file.write_text("\n".join(config) + "\n")
    command = [
        str(ROOT / ".venv/bin/st"),
        "--config-file",
        str(config_file),
        "run",
        base_url + schema_path,
        "--max-examples",
        str(max_examples),
        "--max-time",
        str(max_time),
        "--seed",
        "20261125",
        "--workers",
        "1",  # one caller identity for every scenario: parallel ones would race each other
        "--request-timeout",
        "10",
        "--no-color",
        "--report",
        "ndjson",
        "--report-dir",
        str(workdir / "report"),
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.reliability.fuzz_hooks",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=max_time + 120
    )
    output = done.stdout + done.stderr
    (workdir / "schemathesis.txt").write_text(output)
    return FuzzResult(done.returncode, output, *_counts(output))


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def _counts(output: str) -> tuple[int, int]:
    import re

    cases = re.search(r"(\d+) generated", output)
    failures = re.search(r"(\d+) found (\d+) unique failures", output)
    return (
        int(cases.group(1)) if cases else 0,
        int(failures.group(2)) if failures else 0,
    )


def new_user() -> str:
    return str(uuid.uuid4())
