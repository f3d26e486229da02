"""Header values in and out: the one place that decodes what arrives and vets what leaves.

In: HTTP/1.1 header values are bytes. Envoy's ``outputClaimToHeaders`` copies a claim's UTF-8
bytes into the header unchanged (istio/istio#45793, #49779: "Mikołaj" read as latin-1 shows as
"MikoÅaj"), and WSGI hands every header to Python decoded as latin-1 (PEP 3333). So a header
that may carry text (the username) is turned back into its bytes and decoded as UTF-8,
strictly: bytes that are not UTF-8 are an error, never mojibake.

Out: the headers a service forwards on a call made for a caller (identity, the bearer token,
the trace context and request id of hornet.tracing) come from that caller's request, so they
are vetted here before any outgoing call: a value that is not visible ASCII (or is too long) is
dropped, with a warning, instead of making the HTTP client raise. The username, the one header
that is text, is sent as its UTF-8 bytes, the way Envoy writes it. ``forwarded_headers`` is the
only builder: a view builds a ``Forward`` (``hornet.authentication.forward``) once, hands it to
the service, and the service's client (posts.clients, followers.clients) sends its headers as
they are.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from django.conf import settings

from hornet.tracing import trace_headers

if TYPE_CHECKING:  # hornet.identity reads headers through this module
    from hornet.identity import Identity

log = logging.getLogger(__name__)

# RFC 9110 field-value without obs-text: visible ASCII, spaces and tabs inside.
_FIELD_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?")
MAX_FORWARDED_VALUE = 4096  # a Keycloak access token is 1-2 kB; trace headers are far shorter


def utf8_header(raw: str | None) -> str | None:
    """A WSGI (latin-1 decoded) header value as the UTF-8 text it was sent as.

    Raises ``UnicodeError`` (a ``ValueError``) when the bytes are not UTF-8.
    """
    if raw is None:
        return None
    return raw.encode("latin-1").decode("utf-8")


def safe_value(value: str) -> str | None:
    """``value`` if it may be sent as a header value as is, else None."""
    if len(value) > MAX_FORWARDED_VALUE or not _FIELD_VALUE.fullmatch(value):
        return None
    return value


def forwarded_headers(identity: "Identity", incoming: Mapping[str, str]) -> httpx.Headers:
    """Headers for a call made on behalf of ``identity``: who the caller is, and the trace.

    In the mesh the receiving sidecar validates the forwarded token and overwrites the identity
    headers from it; in ``jwt`` mode the receiver verifies the token and requires the header to
    agree; on a loopback dev/test stack (no mesh) the headers are what the receiver reads.
    Trace headers continue the caller's trace (hornet.tracing, from ``incoming``); any value
    that could not be sent as is is dropped, so the caller's own request can never make the
    call fail. The result is an ``httpx.Headers``: it keeps the username's UTF-8 bytes as they
    are (passed to httpx as a plain dict of str, a non-ASCII value would raise).
    """
    headers: dict[str, str | bytes] = {settings.HORNET_IDENTITY_HEADER: str(identity.user_id)}
    if identity.username:
        # Already vetted by hornet.identity (no control characters); UTF-8, as Envoy writes it.
        headers[settings.HORNET_USERNAME_HEADER] = identity.username.encode("utf-8")
    if identity.token:
        token = safe_value(identity.token)
        if token is None:
            log.warning("caller's bearer token not forwarded: not a valid header value")
        else:
            headers["Authorization"] = f"Bearer {token}"
    for name, raw in trace_headers(incoming).items():
        value = safe_value(raw)
        if value is None:
            log.warning("trace header %s not forwarded: not a valid header value", name)
            continue
        headers[name] = value
    return httpx.Headers(
        [
            (k.encode("ascii"), v if isinstance(v, bytes) else v.encode("ascii"))
            for k, v in headers.items()
        ]
    )


@dataclass(frozen=True)
class Forward:
    """A call to the other service made on a caller's behalf: the caller and what to send.

    Built once by the view from its request; services take it as a plain value and hand it
    to their client, so they never see the request (or HTTP) themselves.
    """

    identity: "Identity"
    headers: Mapping[str, str]  # as built by forwarded_headers: an httpx.Headers

    @classmethod
    def of(cls, identity: "Identity", incoming: Mapping[str, str]) -> "Forward":
        """For ``identity``, with the trace headers of ``incoming`` (its request's headers)."""
        return cls(identity, forwarded_headers(identity, incoming))
