"""The package_items table: which publisher's item, in which version, became which local
media or playlist, so a package imported twice changes nothing the second time."""

from __future__ import annotations

import sqlalchemy as sa

from signage.db import Store, now, package_items


def imported_as(
    store: Store, publisher_key: str, kind: str, origin_id: str, sha256: str
) -> list[str]:
    """The local ids this exact item was imported as before (newest first)."""
    query = (
        sa.select(package_items.c.local_id)
        .where(
            package_items.c.publisher_key == publisher_key,
            package_items.c.kind == kind,
            package_items.c.origin_id == origin_id,
            package_items.c.sha256 == sha256,
        )
        .order_by(package_items.c.id.desc())
    )
    with store.engine.connect() as conn:
        return list(conn.scalars(query))


def record_import(
    store: Store,
    publisher_key: str,
    kind: str,
    origin_id: str,
    sha256: str,
    local_id: str,
    imported_by: str | None,
    feed: str | None = None,
) -> None:
    """Remember that this item of this publisher now lives here under ``local_id``."""
    key = {
        "publisher_key": publisher_key,
        "kind": kind,
        "origin_id": origin_id,
        "sha256": sha256,
    }
    with store.engine.begin() as conn:
        conn.execute(
            package_items.delete().where(
                *(package_items.c[name] == value for name, value in key.items())
            )
        )
        conn.execute(
            package_items.insert().values(
                **key, local_id=local_id, imported_by=imported_by, imported_at=now(), feed=feed
            )
        )


def feed_media(store: Store, feed: str) -> list[tuple[str, str, str]]:
    """(publisher's id, sha256, local id) of every media this feed brought in."""
    query = sa.select(
        package_items.c.origin_id, package_items.c.sha256, package_items.c.local_id
    ).where(package_items.c.feed == feed, package_items.c.kind == "media")
    with store.engine.connect() as conn:
        return [(origin, sha, local) for origin, sha, local in conn.execute(query)]
