"""Server time of the staff pages with 50 screens and 500 media items (target: median < 100 ms).

Renders the overview, the media library, a playlist's editor and the schedule through the
Flask test client, signed in, on a copy of the demo folder grown to 50 screens (half of
them reporting) and a real SQLite library of 500 items. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import time

import sqlalchemy as sa
from demo_app import demo_app

from signage.accounts.users import add_user
from signage.config.forms import site_yaml_with_screen
from signage.config.validate import SITE_FILE
from signage.db import media
from signage.media import library
from signage.screens.status import record_heartbeat

ROUNDS = 31
SCREENS = 50
MEDIA = 500
PAGES = ("/admin/", "/admin/media", "/admin/playlists/daytime", "/admin/schedule")


def grow(app: object) -> None:
    """50 screens in site.yaml (25 reporting a heartbeat), 500 media items (480 ready)."""
    signage = app.extensions["signage"]  # type: ignore[attr-defined]
    site = signage.settings.playlists_dir / SITE_FILE
    text = site.read_text()
    for number in range(SCREENS - 4):
        text = site_yaml_with_screen(text, f"hall-{number}", f"走廊屏幕 {number}", ["lobby"])
    site.write_text(text)
    signage.refresh_config(force=True)
    for number in range(MEDIA):
        name = f"普法短视频{number}.mp4" if number % 4 else f"宣传海报{number}.jpg"
        library.enqueue(
            signage.store,
            f"item-{number}",
            upload=f"u{number}",
            original_name=name,
            title=None,
            created_by="bench",
        )
    with signage.store.engine.begin() as conn:
        conn.execute(
            media.update()
            .where(media.c.id.not_like("item-4__"))
            .values(
                status="ready",
                progress=1.0,
                file="f.mp4",
                thumbnail="t.jpg",
                duration=95.0,
                width=1920,
                height=1080,
                size=48_000_000,
            )
        )
        conn.execute(sa.update(media).where(media.c.id == "item-499").values(status="failed"))
    for number in range(0, SCREENS - 4, 2):
        record_heartbeat(
            signage.store,
            f"hall-{number}",
            {"now_playing": {"type": "video", "media": "item-7", "title": "普法短视频7"}},
        )


def main() -> None:
    """Time ROUNDS renders of each page and print the median and the worst."""
    with demo_app() as app:
        grow(app)
        add_user(app.extensions["signage"].store, "bench", "admin", "bench password")
        client = app.test_client()
        with client.session_transaction() as session:
            session["user"] = "bench"
        print(f"staff pages, {SCREENS} screens, {MEDIA} media items, {ROUNDS} rounds each")
        for page in PAGES:
            times = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                response = client.get(page)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            median = statistics.median(times)
            verdict = "ok" if median < 100 else "SLOW"
            print(f"  {page:<28} median {median:6.1f} ms  worst {max(times):6.1f} ms  {verdict}")


if __name__ == "__main__":
    main()
