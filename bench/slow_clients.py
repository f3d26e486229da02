"""Slow clients against a running service, and how fast it answers everyone else meanwhile.

    .venv/bin/python -m bench.slow_clients http://127.0.0.1:8001 --clients 20 \
        --read /posts/author/11111111-1111-4111-8111-111111111111

Half the slow connections trickle their request headers, half send complete headers with a
``Content-Length`` and trickle the body: one byte every ``--interval`` seconds each (issue
13, item 4). Meanwhile ``/healthz`` and the ``--read`` path are requested once a second; the
script prints each latency (or the timeout) and how many slow connections were still open.
tests/reliability/posts/test_slow_clients.py uses ``SlowClients`` the same way.
"""

import argparse
import select
import socket
import threading
import time
import uuid
from urllib.parse import urlsplit

import httpx

USER = "11111111-1111-4111-8111-111111111111"


class SlowClients:
    """``count`` loopback connections sending a request one byte every ``interval`` seconds."""

    def __init__(self, url: str, count: int, interval: float = 1.0, length: int = 400):
        parts = urlsplit(url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.count, self.interval, self.length = count, interval, length
        self.socks: list[socket.socket] = []
        self.open = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _request(self, index: int) -> tuple[bytes, bytes]:
        """(sent at once, trickled): a slow head for even clients, a slow body for odd ones."""
        body = b'{"content": "' + b"x" * self.length + b'"}'
        head = (
            f"POST /posts HTTP/1.1\r\nHost: {self.address[0]}\r\nX-User-ID: {USER}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"X-Padding: {'p' * self.length}\r\n\r\n"
        ).encode()
        if index % 2 == 0:
            return head[:16], head[16:] + body
        return head, body

    def _trickle(self, sock: socket.socket, rest: bytes) -> None:
        try:
            for i in range(len(rest)):
                if self._stop.wait(self.interval):
                    return
                sock.sendall(rest[i : i + 1])
        except OSError:
            pass
        finally:
            self.open -= 1  # only the reader of a monotonic count: no lock needed

    def __enter__(self) -> "SlowClients":
        for index in range(self.count):
            sock = socket.create_connection(self.address, timeout=5)
            first, rest = self._request(index)
            sock.sendall(first)
            self.socks.append(sock)
            self.open += 1
            thread = threading.Thread(target=self._trickle, args=(sock, rest), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def still_sending(self) -> int:
        """How many slow connections the server has not closed (nor answered) yet."""
        readable, _, _ = select.select(self.socks, [], [], 0)
        return len(self.socks) - len(readable)  # readable: an answer or EOF arrived

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        for sock in self.socks:
            sock.close()


def timed_get(client: httpx.Client, url: str) -> str:
    start = time.monotonic()
    try:
        status = client.get(url).status_code
    except httpx.HTTPError as e:
        return f"{type(e).__name__} after {time.monotonic() - start:.1f} s"
    return f"{status} in {(time.monotonic() - start) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--read", default=f"/posts/author/{USER}")
    args = parser.parse_args()
    headers = {"X-User-ID": str(uuid.uuid4())}
    with httpx.Client(base_url=args.url, timeout=args.timeout, headers=headers) as client:
        print(
            "before:",
            "healthz",
            timed_get(client, "/healthz"),
            "| read",
            timed_get(client, args.read),
        )
        with SlowClients(args.url, args.clients, args.interval) as slow:
            time.sleep(1)
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                # A new connection each time, as a probe or another user would open.
                with httpx.Client(base_url=args.url, timeout=args.timeout, headers=headers) as c:
                    health, read = timed_get(c, "/healthz"), timed_get(c, args.read)
                print(
                    f"{args.clients} slow ({slow.still_sending()} open):",
                    f"healthz {health} | read {read}",
                )
                time.sleep(1)
        print(
            "after:",
            "healthz",
            timed_get(client, "/healthz"),
            "| read",
            timed_get(client, args.read),
        )


if __name__ == "__main__":
    main()
