"""The JSON API under /api/v1: one blueprint, one module per noun."""

from signage.web.api import (
    alerts,
    captions,
    hearings,
    history,
    media,
    openapi,
    packages,
    playlists,
    published,
    reports,
    reviews,
    screens,
    session,
    site,
    staff_screens,
    users,
)
from signage.web.api.base import bp

__all__ = [
    "alerts",
    "bp",
    "captions",
    "hearings",
    "history",
    "media",
    "openapi",
    "packages",
    "playlists",
    "published",
    "reports",
    "reviews",
    "session",
    "screens",
    "site",
    "staff_screens",
    "users",
]
