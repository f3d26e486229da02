"""Both services as real gunicorn processes on loopback, with a recording, breakable HTTP
proxy between posts and followers (to see the headers that cross, and to take followers
"down" or make it slow without touching the other tests' servers)."""

import os
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Service:
    def __init__(self, settings_module: str, port: int, env: dict[str, str], log: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        full_env = {
            **os.environ,
            **env,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "8",
        }
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-c",
                "python:hornet.gunicorn_conf",
                "hornet.wsgi:application",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service on {self.port} exited; see {self._log.name}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"service on {self.port} not ready; see {self._log.name}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


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
                    time.sleep(proxy.delay)
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
