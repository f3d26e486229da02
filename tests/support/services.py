"""The services as real gunicorn processes for tests, launched as scripts/launch.py launches
them everywhere (one command line, hornet/gunicorn_conf.py)."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.launch import Gunicorn
from tests.support import env as stack_env
from tests.support.proxies import RecordingProxy


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


@contextmanager
def posts_and_followers(
    name: str, posts_env: dict[str, str], followers_env: dict[str, str]
) -> Iterator[tuple[Service, Service, RecordingProxy]]:
    """Both services on free ports, each calling the other, posts through a recording proxy
    (which a test can stop or slow); their logs in ``<name>-posts.log`` and
    ``<name>-followers.log``. Ready when entered, stopped on exit."""
    logs = stack_env.logs_dir()
    posts_port, followers_port, proxy_port = free_port(), free_port(), free_port()
    followers = Service(
        "settings.test_followers",
        followers_port,
        {"POSTS_SERVICE_URL": f"http://127.0.0.1:{posts_port}", **followers_env},
        logs / f"{name}-followers.log",
    )
    proxy = RecordingProxy(proxy_port, followers.url)
    proxy.start()
    posts = Service(
        "settings.test_posts",
        posts_port,
        {"FOLLOWERS_SERVICE_URL": f"http://127.0.0.1:{proxy_port}", **posts_env},
        logs / f"{name}-posts.log",
    )
    try:
        followers.wait_ready()
        posts.wait_ready()
        yield posts, followers, proxy
    finally:
        posts.stop()
        followers.stop()
        proxy.stop()
