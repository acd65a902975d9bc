"""How long saving a 500-item playlist over the API takes (target: median under 200 ms).

PUT /api/v1/playlists/<id> with If-Match through the Flask test client, on a copy of the
demo folder and a real SQLite file: validation of the whole folder, the revision, the
atomic write (with fsync) and the reload that puts it in effect are all included.
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import statistics
import time

from demo_app import demo_app

from signage.accounts.tokens import create_token
from signage.accounts.users import add_user

ROUNDS = 21


def big_playlist(items: int, round_number: int) -> bytes:
    """A playlist of tips, clips and posters, slightly different each round."""
    lines = [f"# 基准测试 第{round_number}轮\nname: 大型轮播\nitems:\n"]
    for number in range(items):
        if number % 5 == 0:
            lines.append("  - clip: anti-fraud\n")
        elif number % 5 == 1:
            lines.append("  - image: constitution-poster\n    seconds: 10\n")
        else:
            lines.append(
                f"  - tip:\n      title: 诉讼小知识 {number}\n"
                "      body: 向人民法院请求保护民事权利的诉讼时效期间为三年。\n"
                "    seconds: 15   # 十五秒\n"
            )
    return "".join(lines).encode()


def main() -> None:
    """Time ROUNDS saves of a 500-item playlist and print the median and spread."""
    with demo_app() as app:
        store = app.extensions["signage"].store
        add_user(store, "bench", "editor", "benchmark password")
        headers = {
            "Authorization": f"Bearer {create_token(store, 'bench')}",
            "Content-Type": "text/yaml",
        }
        client = app.test_client()
        etag = client.get("/api/v1/playlists/daytime", headers=headers).headers["ETag"]
        timings = []
        for round_number in range(ROUNDS):
            body = big_playlist(500, round_number)
            start = time.perf_counter()
            response = client.put(
                "/api/v1/playlists/daytime", data=body, headers={**headers, "If-Match": etag}
            )
            timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"save failed: {response.get_json()}")
            etag = response.headers["ETag"]
        size = len(big_playlist(500, 0)) // 1024
        print(f"PUT of a 500-item playlist ({size} KiB), {ROUNDS} rounds:")
        print(f"  median {statistics.median(timings):.1f} ms  (target < 200 ms)")
        print(f"  min {min(timings):.1f} ms  max {max(timings):.1f} ms")


if __name__ == "__main__":
    main()
