"""Waiting for a local server to answer, for `paperwiki serve` tests and benchmarks."""

from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    """The body of ``url`` as text, or None while the server does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, needle: str, timeout: float, interval: float = 0.2) -> float:
    """Seconds until ``url`` shows ``needle``, asking every ``interval`` seconds;
    AssertionError after ``timeout`` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        page = fetch(url)
        if page is not None and needle in page:
            return time.monotonic() - started
        time.sleep(interval)
    raise AssertionError(f"{url} did not show {needle!r} within {timeout} s")
