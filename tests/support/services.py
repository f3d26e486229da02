"""The services as real gunicorn processes for tests, launched as scripts/launch.py launches
them everywhere (one command line, hornet/gunicorn_conf.py)."""

import socket
from pathlib import Path

from scripts.launch import Gunicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Service(Gunicorn):
    """A service on loopback: 1 worker x 8 threads unless ``env`` says otherwise."""

    def __init__(self, settings_module: str, port: int, env: dict[str, str], log: Path):
        defaults = {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "8"}
        super().__init__(settings_module, port, log, env={**defaults, **env})

    def wait_ready(self, timeout: float = 30) -> None:
        super().wait_ready(timeout)

    def stop(self, timeout: float = 20, quick: bool = True) -> None:
        """Quick by default: a test is done with the service, nothing in flight matters."""
        super().stop(timeout, quick)
