"""schemathesis hooks for the fuzz runs (loaded through SCHEMATHESIS_HOOKS).

A generated ``Idempotency-Key`` that is valid gets a unique suffix (a key too long for one is
cut first, so it stays within 255 characters): schemathesis reuses keys, the longest allowed
one too, across unrelated bodies, and "same key, another body" is a 422 by design (tested on its
own in test_idempotency.py), not a finding. Invalid keys are sent as generated (they must be
400s).
"""

import re
import uuid

import schemathesis

_VALID = re.compile(r"^[\x21-\x7e]{1,255}$")
_KEEP = 255 - 33  # room for "-" and 32 hex digits


@schemathesis.hook
def before_call(context, case, kwargs):  # type: ignore[no-untyped-def]
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and _VALID.fullmatch(key):
        headers["Idempotency-Key"] = f"{key[:_KEEP]}-{uuid.uuid4().hex}"
