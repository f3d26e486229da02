"""Loopback proxies that tests put between a service and what it calls, to cut or slow the
connection without touching the shared servers (other sessions use them).

- ``TcpProxy``: a TCP forwarder that can be cut and restored (a database outage);
- ``LatencyProxy``: a TcpProxy that holds every chunk coming back (a slow database);
- ``RecordingProxy``: an HTTP forwarder that records each request and can be stopped or
  slowed (posts calling followers).
"""

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class TcpProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))  # same port again after a stop
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones (what a crashed server looks like)."""
        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._conns = self._conns, []
        for sock in [listener, *conns]:
            if sock is None:
                continue
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)  # the 2 s was for connecting: idle pooled connections stay
            with self._lock:
                self._conns += [client, upstream]
            for a, b, back in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pipe, args=(a, b, back), daemon=True).start()

    def _relay(self, data: bytes, back: bool) -> None:
        """Called before each chunk is forwarded (``back``: from the server): a hook for faults."""

    def _pipe(self, src: socket.socket, dst: socket.socket, back: bool) -> None:
        try:
            while data := src.recv(65536):
                self._relay(data, back)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class LatencyProxy(TcpProxy):
    """A TcpProxy that holds every chunk coming back from the server for ``delay`` seconds."""

    delay = 0.0

    def _relay(self, data: bytes, back: bool) -> None:
        if back and self.delay:
            time.sleep(self.delay)  # deliberate: the slow database this proxy plays


class RecordingProxy:
    """Forwards HTTP to ``target``; records each request; can be stopped or slowed."""

    def __init__(self, port: int, target: str):
        self.port, self.target = port, target
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.delay = 0.0
        self.disturbed = False  # stopped or slowed: the posts breaker may be open
        self._server: ThreadingHTTPServer | None = None
        self._client = httpx.Client(base_url=target, timeout=10)

    def start(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                proxy.requests.append((self.command, self.path, headers))
                if proxy.delay:
                    time.sleep(proxy.delay)  # deliberate: a slow followers service
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                try:
                    upstream = proxy._client.request(
                        self.command,
                        self.path,
                        content=body,
                        # The bytes as they came (http.server decoded them as latin-1).
                        headers={
                            k: v.encode("latin-1")
                            for k, v in headers.items()
                            if k not in ("host", "content-length")
                        },
                    )
                except httpx.HTTPError:  # the target is gone (e.g. during teardown)
                    self.send_error(502)
                    return
                self.send_response(upstream.status_code)
                for key, value in upstream.headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

            do_GET = do_POST = do_DELETE = _forward

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.disturbed = True
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def calls(self, fragment: str) -> list[tuple[str, str, dict[str, str]]]:
        return [r for r in self.requests if fragment in r[1]]
