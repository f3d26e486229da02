"""gunicorn's gthread worker, reading each HTTP/1 request whole before a thread serves it.

gthread hands a connection to a thread as soon as its first byte arrives; the thread then
blocks reading the headers (gunicorn's parser) and the body (Django reads ``wsgi.input``).
A client that sends one byte every few seconds holds that thread for as long as it likes, so
``threads`` such clients stall a worker (issue 13: 9-10 slow connections stopped ``/healthz``
on 2 workers x 4 threads).

Here the worker's event loop (the main thread, non-blocking sockets) reads the request line,
the headers and the body (``Content-Length`` or chunked) into memory first, under one deadline
per request (``GUNICORN_READ_TIMEOUT``, 10 s), the way Envoy or nginx buffer in front of an
application. Only a complete request goes to the thread pool, where gunicorn's parser reads it
from that buffer and never waits on the client. A slow client costs one buffer of at most
``HEAD_MAX`` + ``HORNET_MAX_BODY_BYTES``, never a thread; ``worker_connections`` (1000 by
default) caps the connections a worker holds. A request that misses its deadline is answered
408 and closed; a header block above ``HEAD_MAX`` is 431, a body above the body limit 413 (the
same limit and JSON body as hornet.middleware, before anything is read).

Whatever this module does not frame itself (malformed heads, an unknown transfer coding) is
handed over as received, so gunicorn's parser answers it exactly as before; TLS and HTTP/2
connections (neither is configured here: Istio terminates TLS in the sidecar) keep gthread's
own path. Proved by tests/reliability/posts/test_slow_clients.py.
"""

import contextlib
import os
import re
import selectors
import socket
import time
from functools import partial

from gunicorn import http
from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import TConn, ThreadWorker

from hornet.errors import ErrorCode
from hornet.gunicorn_errors import json_error_response

HEAD_MAX = 64 * 1024  # request line + headers; gunicorn's own limits are per line and field
_READ_SIZE = 64 * 1024
_EXPECT_CONTINUE = re.compile(rb"\r\nexpect:[ \t]*100-continue[ \t]*(?=\r\n)", re.IGNORECASE)
_HEX = frozenset(b"0123456789abcdefABCDEF")

WAIT, READY = "wait", "ready"


class RequestBuffer:
    """One request being received: where the head ends, how the body is framed, how far the
    framing has been scanned (so each new byte costs O(1), not a rescan)."""

    def __init__(self, data: bytes, deadline: float, max_body: int):
        self.buf = bytearray(data)
        self.deadline = deadline
        self.max_body = max_body
        self.head_end = -1  # index of the blank line's "\r\n\r\n"
        self.scanned = 0
        self.length: int | None = None  # Content-Length
        self.chunked = False
        self.chunk_total = 0
        self.in_trailers = False
        self.expects_continue = False
        self.continued = False

    def feed(self, data: bytes) -> None:
        self.buf += data

    def state(self) -> str | tuple[int, str, ErrorCode, str]:
        """WAIT, READY (hand it over), or an error answer (status, reason, code, message)."""
        if self.head_end < 0:
            self.head_end = self.buf.find(b"\r\n\r\n", max(0, self.scanned - 3))
            if self.head_end < 0:
                self.scanned = len(self.buf)
                if len(self.buf) > HEAD_MAX:
                    return (
                        431,
                        "Request Header Fields Too Large",
                        ErrorCode.HEADER_FIELDS_TOO_LARGE,
                        f"Request line and headers larger than {HEAD_MAX} bytes.",
                    )
                return WAIT
            if not self._read_head():
                return READY  # let gunicorn's parser judge it
            self.scanned = self.head_end + 4
        if self.chunked:
            return self._scan_chunks()
        if self.length is not None:
            if self.length > self.max_body:
                return self._too_large()
            return READY if len(self.buf) - self.head_end - 4 >= self.length else WAIT
        return READY

    def _read_head(self) -> bool:
        """Framing from the headers; False when it is not ours to judge."""
        lengths, codings = [], []
        request_line, *fields = bytes(self.buf[: self.head_end]).split(b"\r\n")
        for line in fields:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip()
            if name == b"content-length":
                lengths.append(value)
            elif name == b"transfer-encoding":
                codings.append(value.lower())
            elif name == b"expect" and value.lower() == b"100-continue":
                # HTTP/1.0 clients never wait for it (RFC 9110 section 10.1.1)
                self.expects_continue = not request_line.endswith(b"HTTP/1.0")
        if codings:
            # Framed by chunks when chunked is the last coding (RFC 9112 section 6.3); any
            # other combination, or a Content-Length beside it, is the parser's to refuse.
            if lengths or b",".join(codings).split(b",")[-1].strip() != b"chunked":
                return False
            self.chunked = True
        elif lengths:
            if len(lengths) > 1 or not lengths[0].isdigit() or not lengths[0].isascii():
                return False
            self.length = int(lengths[0])
        return True

    def _scan_chunks(self) -> str | tuple[int, str, ErrorCode, str]:
        buf, pos = self.buf, self.scanned
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return READY if len(buf) - pos > 1024 else WAIT  # a silly line: parser's call
            if self.in_trailers:
                if eol == pos:
                    return READY
                pos = self.scanned = eol + 2
                continue
            size_field = bytes(buf[pos:eol]).split(b";", 1)[0].strip()
            if not size_field or not set(size_field) <= _HEX or len(size_field) > 8:
                return READY
            size = int(size_field, 16)
            if self.chunk_total + size > self.max_body:
                return self._too_large()
            if size == 0:
                self.in_trailers = True
                pos = self.scanned = eol + 2
                continue
            if len(buf) < eol + 2 + size + 2:
                return WAIT  # this size line is read again with the rest of its chunk
            self.chunk_total += size
            pos = self.scanned = eol + 2 + size + 2

    def _too_large(self) -> tuple[int, str, ErrorCode, str]:
        return (
            413,
            "Payload Too Large",
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"Request body larger than {self.max_body} bytes.",
        )

    def wants_continue(self) -> bool:
        """An ``Expect: 100-continue`` client waits for this before sending its body."""
        return self.head_end >= 0 and self.expects_continue and not self.continued

    def request_bytes(self) -> bytes:
        """What the parser gets: the head without the Expect we already answered."""
        if not self.continued:
            return bytes(self.buf)
        end = self.head_end + 2  # with the last field's CRLF
        return _EXPECT_CONTINUE.sub(b"", bytes(self.buf[:end])) + bytes(self.buf[end:])


class BufferedThreadWorker(ThreadWorker):
    """gthread, except that a thread only ever gets a request that is already received."""

    def init_process(self) -> None:
        self.read_timeout = float(os.environ.get("GUNICORN_READ_TIMEOUT", "10"))
        self.max_body = int(os.environ.get("HORNET_MAX_BODY_BYTES", str(64 * 1024)))
        self.receiving: dict[TConn, RequestBuffer] = {}
        super().init_process()

    def _ours(self, conn: TConn) -> bool:
        return not (
            self.cfg.is_ssl
            or conn.is_http2
            or negotiation.prior_knowledge_allowed(self.cfg, conn.client)
            or negotiation.upgrade_allowed(self.cfg, conn.client)
        )

    def enqueue_req(self, conn: TConn) -> None:
        """Every path to the thread pool (new, kept-alive, pipelined) comes through here."""
        if getattr(conn, "hornet_received", False) or not self._ours(conn):
            conn.hornet_received = False
            super().enqueue_req(conn)
            return
        leftover = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        request = RequestBuffer(leftover, time.monotonic() + self.read_timeout, self.max_body)
        conn.sock.setblocking(False)
        self.receiving[conn] = request
        # The socket is usually readable already (a kept-alive connection the poller woke, a
        # new one whose request came with the handshake): read now, not one loop turn later.
        if self._receive(conn, request, registered=False):
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def _on_readable(self, conn: TConn, _sock: socket.socket) -> None:
        self._receive(conn, self.receiving[conn], registered=True)

    def _receive(self, conn: TConn, request: RequestBuffer, *, registered: bool) -> bool:
        """Read what is there and act on it; True while the request is still incomplete."""
        try:
            data: bytes | None = conn.sock.recv(_READ_SIZE)
        except (BlockingIOError, InterruptedError):
            data = None
        except OSError:
            data = b""
        if data == b"":  # the client went away
            self._drop(conn)
            return False
        if data:
            request.feed(data)
        elif not request.buf:
            return True
        return not self._advance(conn, request, registered=registered)

    def _advance(self, conn: TConn, request: RequestBuffer, *, registered: bool = False) -> bool:
        """Act on what has arrived; True when the connection left the receiving state."""
        state = request.state()
        if state == WAIT:
            if request.wants_continue():
                request.continued = True
                self._send(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
            return False
        del self.receiving[conn]
        if registered:
            self.poller.unregister(conn.sock)
        if state == READY:
            if conn.parser is None:
                conn.parser = http.get_parser(self.cfg, conn.sock, conn.client)
            conn.parser.unreader.unread(request.request_bytes())
            conn.data_ready = True  # gthread must not wait for (more) data first
            conn.hornet_received = True
            super().enqueue_req(conn)
        else:
            assert isinstance(state, tuple)
            self._send(conn, json_error_response(*state))
            self._close(conn)
        return True

    def murder_pending(self) -> None:
        """Also end the requests that missed their deadline (called once per loop turn)."""
        super().murder_pending()
        now = time.monotonic()
        late = [conn for conn, request in self.receiving.items() if request.deadline <= now]
        for conn in late:
            request = self.receiving[conn]
            if request.buf:
                self._send(
                    conn,
                    json_error_response(
                        408,
                        "Request Timeout",
                        ErrorCode.REQUEST_TIMEOUT,
                        f"The request was not received within {self.read_timeout:g} s.",
                    ),
                )
            self._drop(conn)

    def _drop(self, conn: TConn) -> None:
        """A connection in the receiving state goes (registered with the poller or not)."""
        del self.receiving[conn]
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        self._close(conn)

    def _close(self, conn: TConn) -> None:
        self.nr_conns -= 1
        conn.close()

    @staticmethod
    def _send(conn: TConn, data: bytes) -> None:
        """Best effort, never blocking the loop: these answers fit in a socket buffer."""
        with contextlib.suppress(OSError):
            conn.sock.send(data)
