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

from hornet.errors import INTERNAL_ERROR_MESSAGE, ErrorCode, error_body

_ANSWERS = {
    400: (ErrorCode.MALFORMED_REQUEST, "The request could not be parsed."),
    403: (ErrorCode.FORBIDDEN, "Request forbidden."),
    414: (ErrorCode.URI_TOO_LONG, "The request line is too long."),
    417: (ErrorCode.EXPECTATION_FAILED, "The Expect header cannot be met."),
    431: (ErrorCode.HEADER_FIELDS_TOO_LARGE, "Too many header fields, or one too large."),
    500: (ErrorCode.INTERNAL_ERROR, INTERNAL_ERROR_MESSAGE),
    501: (ErrorCode.NOT_IMPLEMENTED, "The transfer coding is not supported."),
}


def json_error_response(
    status: int, reason: str, code: ErrorCode | None = None, message: str | None = None
) -> bytes:
    """The whole HTTP/1.1 response for ``status``, then the connection closes: gunicorn's own
    refusals (the fixed text per status) and hornet.gunicorn_worker's (its own code and text)."""
    fixed = _ANSWERS.get(status, (ErrorCode.ERROR, reason or "The request was refused."))
    body = json.dumps(error_body(code or fixed[0], message or fixed[1])).encode()
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
