"""schemathesis hooks for the fuzz runs (loaded through SCHEMATHESIS_HOOKS).

A generated ``Idempotency-Key`` that is valid gets a unique suffix: schemathesis reuses short
keys across unrelated bodies, and "same key, another body" is a 422 by design (tested on its
own in test_idempotency.py), not a finding. Invalid keys are sent as generated (they must be
400s).
"""

import re
import uuid

import schemathesis

_VALID = re.compile(r"^[\x21-\x7e]{1,222}$")


@schemathesis.hook
def before_call(context, case, kwargs):  # type: ignore[no-untyped-def]
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and _VALID.fullmatch(key):
        headers["Idempotency-Key"] = f"{key}-{uuid.uuid4().hex}"
