"""How many proof-of-play records per second the server stores (target: at least 5,000/s).

Batches of 100 records POSTed to /api/v1/screens/<id>/plays through the Flask test client
(key check, validation, duplicate check and insert into a real SQLite file in WAL mode),
then one retried batch to show that repeats are cheap. Prints figures; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import time

from demo_app import demo_app

from signage.screens.keys import ensure_screen_key

BATCHES = 200
BATCH = 100


def batch(number: int, start: dt.datetime) -> dict:
    """One batch of records with unique ids, as a player sends them."""
    return {
        "plays": [
            {
                "id": f"b{number}-{index}",
                "item": f"daytime#{index % 8}",
                "type": "tip",
                "started_at": (
                    start + dt.timedelta(seconds=15 * (number * BATCH + index))
                ).isoformat(),
                "seconds": 15,
            }
            for index in range(BATCH)
        ]
    }


def main() -> None:
    """Send BATCHES batches of BATCH records and print records per second."""
    with demo_app() as app:
        signage = app.extensions["signage"]
        key = ensure_screen_key(signage.store, signage.screens.secret_key, "lobby-east")
        client = app.test_client()
        url = "/api/v1/screens/lobby-east/plays"
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        bodies = [batch(number, start) for number in range(BATCHES)]
        began = time.perf_counter()
        for body in bodies:
            response = client.post(url, json=body, headers={"X-Screen-Key": key})
            if response.status_code != 200 or response.get_json()["stored"] != BATCH:
                raise SystemExit(f"batch refused: {response.get_json()}")
        elapsed = time.perf_counter() - began
        retry_began = time.perf_counter()
        client.post(url, json=bodies[0], headers={"X-Screen-Key": key})
        retry_ms = (time.perf_counter() - retry_began) * 1000
        total = BATCHES * BATCH
        print(f"plays ingestion, {BATCHES} batches of {BATCH} on SQLite:")
        print(f"  {total / elapsed:,.0f} records/s  (target >= 5,000/s)")
        print(f"  {elapsed / BATCHES * 1000:.1f} ms per batch; a retried batch {retry_ms:.1f} ms")


if __name__ == "__main__":
    main()
