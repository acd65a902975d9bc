"""Screen keys: derived from the site secret (so a URL can be printed again), stored hashed,
rotated or revoked by staff."""

from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode
from typing import Any

import sqlalchemy as sa

from signage.accounts.audit import audit
from signage.accounts.staff import StaffUser
from signage.db import Store, digest, now, screen_keys

KEYS_CHANGED = "version:keys"


def derive_screen_key(secret_key: str, screen_id: str, generation: int) -> str:
    """The key of a screen: derived from the site secret, so the URL can be printed again."""
    mac = hmac.new(
        secret_key.encode(), f"screen:{screen_id}:{generation}".encode(), hashlib.sha256
    ).digest()
    return urlsafe_b64encode(mac[:24]).decode()


def screen_key_row(store: Store, screen_id: str) -> dict[str, Any] | None:
    """The key record of a screen (generation, hash), or None before first use."""
    with store.engine.connect() as conn:
        row = (
            conn.execute(sa.select(screen_keys).where(screen_keys.c.screen_id == screen_id))
            .mappings()
            .first()
        )
        return dict(row) if row else None


def all_screen_keys(store: Store) -> dict[str, dict[str, Any]]:
    """Every screen's key record by screen id."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(screen_keys)).mappings()
        return {row["screen_id"]: dict(row) for row in rows}


def _set_screen_key(store: Store, screen_id: str, generation: int, key_hash: str | None) -> None:
    with store.engine.begin() as conn:
        values = {"generation": generation, "key_hash": key_hash, "created_at": now()}
        updated = conn.execute(
            screen_keys.update().where(screen_keys.c.screen_id == screen_id).values(**values)
        ).rowcount
        if not updated:
            conn.execute(screen_keys.insert().values(screen_id=screen_id, **values))
    store.bump(KEYS_CHANGED)


def _new_generation(store: Store, secret_key: str, screen_id: str, generation: int) -> str:
    key = derive_screen_key(secret_key, screen_id, generation)
    _set_screen_key(store, screen_id, generation, digest(key))
    return key


def ensure_screen_key(store: Store, secret_key: str, screen_id: str) -> str:
    """The screen's current key, created on first use (or after a revocation)."""
    row = screen_key_row(store, screen_id)
    if row is not None and row["key_hash"]:
        return derive_screen_key(secret_key, screen_id, row["generation"])
    return _new_generation(store, secret_key, screen_id, row["generation"] + 1 if row else 1)


def rotate_screen_key(
    store: Store, secret_key: str, screen_id: str, actor: StaffUser | None = None
) -> str:
    """Give the screen a new key; the old URL stops working at once."""
    row = screen_key_row(store, screen_id)
    key = _new_generation(store, secret_key, screen_id, (row["generation"] if row else 0) + 1)
    audit(store, actor, "screen.key.rotate", screen_id)
    return key


def revoke_screen_key(store: Store, screen_id: str, actor: StaffUser | None = None) -> None:
    """Take the screen's key away: its URL gets 403 until a new key is made."""
    row = screen_key_row(store, screen_id)
    _set_screen_key(store, screen_id, row["generation"] if row else 0, None)
    audit(store, actor, "screen.key.revoke", screen_id)
