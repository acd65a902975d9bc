"""Load for the HTTP benchmarks: keep-alive clients in threads, counting answers per second."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable


def requests_per_second(
    connect: Callable[[], http.client.HTTPConnection],
    path: str,
    headers: dict[str, str],
    expect: int,
    clients: int,
    seconds: float,
) -> float:
    """GET `path` from `clients` keep-alive connections for `seconds`; answers per second."""
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def client(slot: int) -> None:
        connection = connect()
        while time.monotonic() < stop:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != expect:
                raise RuntimeError(f"{path} answered {response.status}, expected {expect}")
            counts[slot] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began)
