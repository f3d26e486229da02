"""gunicorn's own error answers in HorNet's ``{code, message, details}`` JSON.

gunicorn answers some requests itself, before any application code runs: a request line
longer than ``limit_request_line`` (414), too many or too large header fields (431), a request
line, header or chunked body it cannot parse (400), an unsupported transfer coding (501).
Every worker class writes these through ``gunicorn.util.write_error`` (called from
``Worker.handle_error``), which sends an HTML page. ``install()`` (run by hornet.gunicorn_conf,
whatever the worker class) replaces it with a JSON writer, so a client sees one error format
whatever refused it. The message is fixed per status: gunicorn's own text can quote the
offending request, which is not echoed back.
"""

import json
import socket
from typing import Any

from gunicorn import util

_ANSWERS = {
    400: ("malformed_request", "The request could not be parsed."),
    403: ("forbidden", "Request forbidden."),
    414: ("uri_too_long", "The request line is too long."),
    417: ("expectation_failed", "The Expect header cannot be met."),
    431: ("header_fields_too_large", "Too many header fields, or one too large."),
    500: ("internal_error", "Internal error; it has been logged."),
    501: ("not_implemented", "The transfer coding is not supported."),
}


def json_error_response(
    status: int, reason: str, code: str | None = None, message: str | None = None
) -> bytes:
    """The whole HTTP/1.1 response for ``status``, then the connection closes: gunicorn's own
    refusals (the fixed text per status) and hornet.gunicorn_worker's (its own code and text)."""
    fixed = _ANSWERS.get(status, ("error", reason or "The request was refused."))
    code, message = code or fixed[0], message or fixed[1]
    body = json.dumps({"code": code, "message": message, "details": None}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: Any) -> None:
    """Drop-in for ``gunicorn.util.write_error`` (same signature)."""
    util.write_nonblock(sock, json_error_response(int(status_int), str(reason)))


def install() -> None:
    util.write_error = write_json_error
