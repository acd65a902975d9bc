"""Subscribing to other courts' feeds (SIGNAGE_SUBSCRIBE): every SUBSCRIBE_MINUTES the
housekeeper fetches each signed index, checks it like a package, downloads what is new or
changed one file at a time (a cut download resumes with Range at the next check), verifies
each file's size and SHA-256, and files the items under their publisher, waiting for review
when review is on. Items the publisher no longer lists are marked withdrawn, never deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.accounts.staff import Actor
from signage.db import now
from signage.errors import SignageError
from signage.media import library
from signage.packages.imports import MEDIA, PLAYLIST, ImportedPackage, already_here, bring_in
from signage.packages.keys import trusted_publisher, trusted_publishers, verify
from signage.packages.manifest import MANIFEST_LIMIT, PackageManifest, PackedFile
from signage.packages.origins import feed_media
from signage.packages.verify import PackageRefused, VerifiedPackage, read_manifest
from signage.parts import Signage
from signage.phrases import N_

log = logging.getLogger("signage.feeds")

FETCH_TIMEOUT = 60  # seconds without a byte before a download is cut (and resumed later)
CHUNK = 1 << 20
FEED_AUTHOR = Actor(name="subscription", role="admin")


class FeedUnreachable(SignageError):
    code = "feed_unreachable"
    status = 502


@dataclass
class FeedReport:
    """One feed's check: what was filed, what was withdrawn, or the error."""

    url: str
    imported: ImportedPackage | None = None
    withdrawn: list[str] = field(default_factory=list)
    error: str | None = None
    waiting: int = 0  # new items left for the quiet hours


def _open(url: str, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(
        url, headers={"User-Agent": "court-signage", **(headers or {})}
    )
    try:
        return urllib.request.urlopen(request, timeout=FETCH_TIMEOUT)
    except (urllib.error.URLError, OSError) as exc:
        if isinstance(exc, urllib.error.HTTPError):
            exc.close()
        raise FeedUnreachable(
            N_("{url} could not be fetched: {reason}; check the network, or try again later"),
            url=url,
            reason=str(exc),
        ) from None


def _index(url: str) -> tuple[bytes, str]:
    """The feed's manifest bytes and signature."""
    with _open(url, {"Accept": "application/json"}) as response:
        raw = response.read(2 * MANIFEST_LIMIT + 1)
    if len(raw) > 2 * MANIFEST_LIMIT:
        raise PackageRefused(N_("the index at {url} is too large"), url=url)
    try:
        body = json.loads(raw)
        return str(body["manifest"]).encode("utf-8"), str(body["signature"])
    except (ValueError, KeyError, TypeError):
        raise PackageRefused(N_("{url} does not answer with a published index"), url=url) from None


def _file_url(feed: str, path: str) -> str:
    kind, name = path.split("/", 1)  # the manifest's patterns allow only these two shapes
    if kind == "media":
        return f"{feed}/files/{name}"
    return f"{feed}/playlists/{name.removesuffix('.yaml')}"


def _download(url: str, partial: Path, expected: PackedFile) -> Path:
    """The file at ``url`` into ``partial``, resuming what an earlier check left there."""
    have = partial.stat().st_size if partial.exists() else 0
    if have >= expected.size:
        partial.unlink(missing_ok=True)  # complete yet unchecked, or wrong: fetch it anew
        have = 0
    with _open(url, {"Range": f"bytes={have}-"} if have else {}) as response:
        resumed = have and response.status == 206
        with partial.open("ab" if resumed else "wb") as out:
            written = have if resumed else 0
            try:
                while chunk := response.read(CHUNK):
                    written += len(chunk)
                    if written > expected.size:
                        break
                    out.write(chunk)
            except (OSError, http.client.HTTPException) as exc:
                raise FeedUnreachable(
                    N_("{url} was cut off ({reason}); the download resumes at the next check"),
                    url=url,
                    reason=str(exc),
                ) from None
    digest = hashlib.sha256()
    with partial.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    if partial.stat().st_size != expected.size or digest.hexdigest() != expected.sha256:
        complete = partial.stat().st_size >= expected.size
        if complete:  # every byte arrived and they are wrong: never resume from them
            partial.unlink()
            raise PackageRefused(
                N_("{url} differs from what was signed; it is fetched again at the next check"),
                url=url,
            )
        raise PackageRefused(
            N_("{url} was cut off; it is fetched again at the next check"), url=url
        )
    return partial


def _new_items(parts: Signage, manifest: PackageManifest) -> PackageManifest:
    """The manifest with only the items not already here in these exact bytes."""
    key = manifest.publisher.key

    def new(kind: str, item: Any) -> bool:
        sha = manifest.files[item.file].sha256
        return already_here(parts, key, kind, item.id, sha) is None

    return manifest.model_copy(
        update={
            "media": tuple(m for m in manifest.media if new(MEDIA, m)),
            "playlists": tuple(p for p in manifest.playlists if new(PLAYLIST, p)),
        }
    )


def _withdrawn(parts: Signage, feed: str, manifest: PackageManifest) -> list[str]:
    """Mark what the feed brought in and no longer lists; unmark what is listed again."""
    listed = {(m.id, manifest.files[m.file].sha256) for m in manifest.media}
    gone, back = [], []
    for origin, sha, local in feed_media(parts.store, feed):
        (back if (origin, sha) in listed else gone).append(local)
    library.mark_withdrawn(parts.store, back, withdrawn=False)
    return library.mark_withdrawn(parts.store, gone, withdrawn=True)


def _quiet(parts: Signage, moment: dt.datetime) -> bool:
    """Whether downloads may run now: always, or within the site's quiet hours."""
    config = parts.state.current
    if not parts.settings.subscribe_quiet_hours or config is None:
        return True
    return config.site.prefetch.left_at(moment.astimezone(config.site.zone)) > 0


def check_feed(parts: Signage, feed: str, moment: dt.datetime) -> FeedReport:
    """Fetch, verify and file one feed's new items (in the quiet hours when the setting
    says so); mark its withdrawn ones."""
    feed = feed.rstrip("/")
    manifest_bytes, signature = _index(feed)
    manifest = read_manifest(manifest_bytes)
    publisher = trusted_publisher(
        trusted_publishers(parts.settings.trusted_publishers), manifest.publisher.key
    )
    verify(publisher, manifest_bytes, signature)
    wanted = _new_items(parts, manifest)
    if (wanted.media or wanted.playlists) and not _quiet(parts, moment):
        report = FeedReport(feed, withdrawn=_withdrawn(parts, feed, manifest))
        report.waiting = len(wanted.media) + len(wanted.playlists)
        return report
    paths = [m.file for m in wanted.media] + [m.captions for m in wanted.media if m.captions]
    paths += [p.file for p in wanted.playlists]
    limit = parts.settings.max_upload_mb * 1024 * 1024
    if sum(manifest.files[path].size for path in set(paths)) > limit:
        raise PackageRefused(
            N_("the feed's new items are larger than {setting}"), setting="SIGNAGE_MAX_UPLOAD_MB"
        )
    uploads = library.uploads_folder(parts.settings.media_dir)
    uploads.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for path in dict.fromkeys(paths):  # one at a time: a court's link is thin
        expected = manifest.files[path]
        # Named by the content, so the next check finds a cut download and resumes it.
        partial = uploads / f".feed-{expected.sha256}{Path(path).suffix}"
        files[path] = _download(_file_url(feed, path), partial, expected)
    try:
        # The whole manifest: items already here map the new playlists' media ids.
        imported = bring_in(
            parts, VerifiedPackage(manifest, publisher, files), FEED_AUTHOR, None, feed=feed
        )
    finally:
        for done in files.values():
            done.unlink(missing_ok=True)
    return FeedReport(feed, imported, _withdrawn(parts, feed, manifest))


def check_subscriptions(parts: Signage, moment: dt.datetime | None = None) -> list[FeedReport]:
    """The housekeeper's job: check every feed in SUBSCRIBE; one failing stops no other."""
    reports = []
    for feed in parts.settings.subscribe or ():
        try:
            report = check_feed(parts, feed, moment or now())
        except SignageError as error:
            log.warning("feed %s: %s", feed, error.message)
            reports.append(FeedReport(feed, error=error.message))
            continue
        if report.imported and (report.imported.media or report.imported.playlists):
            log.info(
                "feed %s: new %s", feed, {**report.imported.media, **report.imported.playlists}
            )
        if report.withdrawn:
            log.info("feed %s: withdrawn by the publisher: %s", feed, ", ".join(report.withdrawn))
        reports.append(report)
    return reports
