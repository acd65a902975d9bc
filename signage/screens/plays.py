"""Proof of play: checking the batches screens send, and the report staff download.

Choices for odd records (documented in the API description):
- the same id twice in one batch (`duplicate_play`), or a start in the future beyond clock
  skew (`future_play`): the whole batch is refused with 422 listing those records, and
  nothing is stored, so a player bug shows instead of skewing the counts;
- an item key that the current configuration does not know (the playlist was edited or
  deleted after the screen played it): stored, because the play really happened, and
  listed back as `unknown_items`; the report marks such rows `in_config: false`.

Each play keeps what it was when it arrived (its playlist's id and name, the tip's or the
media's title), so reordering or renaming a playlist later never rewrites a past report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from signage.config.model import Item
from signage.config.validate import Config
from signage.db import Store, now, plays
from signage.errors import Invalid
from signage.media.library import media_titles, media_topics
from signage.phrases import N_
from signage.programme.segments import CAMPAIGN, REQUIRED

CLOCK_SKEW = dt.timedelta(minutes=10)
MAX_REPORT_DAYS = 366
# The CSV is for people first (names, in Chinese), then ids in their own columns for scripts.
CSV_COLUMNS = {
    "day": "日期",
    "screen_name": "屏幕名称",
    "title": "节目名称",
    "type": "类型",
    "playlist_name": "播放列表名称",
    "plays": "播放次数",
    "seconds": "播放时长(秒)",
    "screen": "屏幕编号",
    "playlist": "播放列表编号",
    "item": "节目编号",
    "media": "素材编号",
    "in_config": "在当前配置中",
    "zone": "区域",
}
KIND_WORDS = {
    "video": "视频",
    "tip": "小知识",
    "image": "海报",
    "hearings": "开庭公告",
    "alert": "紧急通知",
}


def item_title(config: Config, item_key: str) -> str | None:
    """The tip title or media id of `playlist#index` in the current configuration."""
    item = configured_item(config, item_key)
    if item is None:
        return None
    if item.tip is not None:
        return item.tip.title or item.tip.body[:40]
    if item.hearings is not None:
        return "开庭公告"
    return item.clip or item.image


def configured_item(config: Config, item_key: str) -> Item | None:
    """The item at `playlist#index` (or `required#index`) in the current configuration."""
    playlist_id, _, index = item_key.rpartition("#")
    if playlist_id == REQUIRED:  # a clip the schedule inserted for `requirements:`
        required = config.site_file.requirements
        if not index.isdigit() or int(index) >= len(required):
            return None
        return Item(clip=required[int(index)].clip)
    playlist = config.playlists.get(playlist_id)
    if playlist is None or not index.isdigit() or int(index) >= len(playlist.items):
        return None
    return playlist.items[int(index)]


def play_topics(
    config: Config, media_topics: Mapping[str, list[str]], item_key: str, media_id: str | None
) -> list[str]:
    """The 普法 topics of a play as it arrives: its item's, its media's, its campaign's."""
    item = configured_item(config, item_key)
    found = list(item.topics if item else ())
    playlist_id = item_key.rpartition("#")[0]
    if playlist_id.startswith(CAMPAIGN):
        found.append(playlist_id.removeprefix(CAMPAIGN))
    found += media_topics.get(media_id or "", [])
    return list(dict.fromkeys(found))


def describe_play(
    config: Config,
    titles: Mapping[str, str],
    media_topics: Mapping[str, list[str]],
    item_key: str,
    media_id: str | None,
) -> dict[str, Any]:
    """What a play was as it arrived: its playlist's id and name, the item's title, its
    topics."""
    playlist_id = item_key.rpartition("#")[0] or None
    playlist = config.playlists.get(playlist_id or "")
    if media_id:
        # The screen names the media it played; its title beats the item's position.
        title = titles.get(media_id) or media_id
    else:
        title = item_title(config, item_key)
    return {
        "playlist_id": playlist_id,
        "playlist_name": (playlist.name or None) if playlist else None,
        "title": title[:200] if title else None,
        "topics": play_topics(config, media_topics, item_key, media_id) or None,
    }


def _add_plays(store: Store, screen_id: str, records: list[dict[str, Any]]) -> int:
    """Store proof-of-play records; ones already stored (same client id) count once."""
    if not records:
        return 0
    received = now()
    rows = [{**r, "screen_id": screen_id, "received_at": received} for r in records]
    with store.engine.begin() as conn:
        known = set(
            conn.scalars(
                sa.select(plays.c.client_id).where(
                    plays.c.screen_id == screen_id,
                    plays.c.client_id.in_([r["client_id"] for r in rows]),
                )
            )
        )
        fresh = {r["client_id"]: r for r in rows if r["client_id"] not in known}
        if fresh:
            conn.execute(plays.insert(), list(fresh.values()))
        return len(fresh)


PRUNE_BATCH = 5000  # rows per DELETE: a big backlog never locks the table for long


def prune_plays(store: Store, moment: dt.datetime, keep_days: int) -> int:
    """Delete the plays that started more than keep_days before moment; how many went."""
    cutoff = moment - dt.timedelta(days=keep_days)
    gone = 0
    while True:
        with store.engine.begin() as conn:
            oldest = (
                sa.select(plays.c.screen_id, plays.c.client_id)
                .where(plays.c.started_at < cutoff)
                .limit(PRUNE_BATCH)
            )
            keys = conn.execute(oldest).all()
            if not keys:
                return gone
            for screen_id in {key.screen_id for key in keys}:
                ids = [key.client_id for key in keys if key.screen_id == screen_id]
                conn.execute(
                    plays.delete().where(plays.c.screen_id == screen_id, plays.c.client_id.in_(ids))
                )
            gone += len(keys)


class PlaysStored(BaseModel):
    """What became of a batch of plays: how many came, how many were new, unknown item keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    received: int
    stored: int  # a retried batch's plays count once
    unknown_items: list[str]  # keys the configuration no longer has (stored all the same)
    server_time: dt.datetime  # when the server stored them


def store_plays(
    store: Store, config: Config, screen_id: str, records: Sequence[Mapping[str, Any]]
) -> PlaysStored:
    """Check and store a batch (client ids make retries count once); what happened."""
    counts = Counter(r["client_id"] for r in records)
    repeated = [
        {"id": client_id, "problem": "appears more than once in the batch"}
        for client_id, count in counts.items()
        if count > 1
    ]
    if repeated:
        raise Invalid(
            N_("the batch was not stored: give each play its own id; see details"),
            code="duplicate_play",
            details=repeated,
        )
    latest = now() + CLOCK_SKEW
    future = [
        {"id": r["client_id"], "problem": "starts in the future"}
        for r in records
        if r["started_at"] > latest
    ]
    if future:
        raise Invalid(
            N_(
                "the batch was not stored: some plays start in the future; check the screen's clock"
            ),
            code="future_play",
            details=future,
        )
    titles = media_titles(store, (r["media_id"] for r in records if r.get("media_id")))
    topics = media_topics(store)
    described = [
        {**r, **describe_play(config, titles, topics, r["item_key"], r.get("media_id"))}
        for r in records
    ]
    stored = _add_plays(store, screen_id, described)
    unknown = sorted({r["item_key"] for r in records if item_title(config, r["item_key"]) is None})
    return PlaysStored(
        received=len(records), stored=stored, unknown_items=unknown, server_time=now()
    )


class PlayTotal(BaseModel):
    """Plays and whole seconds of one item on one screen and day (in the site's zone)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: dt.date
    screen: str
    screen_name: str | None
    playlist: str | None  # what the item was when it played (None: stored before these)
    playlist_name: str | None
    item: str
    type: str
    media: str | None
    title: str | None
    plays: int
    seconds: int  # whole seconds: what a report reader counts
    in_config: bool  # False: the item is no longer in the configuration
    zone: str | None  # None: the main zone


def play_report(
    store: Store,
    config: Config,
    first: dt.date,
    last: dt.date,
    screen_id: str | None = None,
    screens: set[str] | None = None,
) -> list[PlayTotal]:
    """Plays and seconds per day (in the site's zone), screen and item, in that order; of
    `screens` only, when given (a unit's)."""
    if last < first:
        raise Invalid(N_("?to= must not come before ?from="), code="bad_range")
    if (last - first).days >= MAX_REPORT_DAYS:
        raise Invalid(
            N_("a report covers at most {days} days; choose a shorter stretch"),
            code="bad_range",
            days=MAX_REPORT_DAYS,
        )
    zone = config.site.zone
    start = dt.datetime.combine(first, dt.time(), zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone)
    query = sa.select(
        plays.c.screen_id,
        plays.c.item_key,
        plays.c.item_type,
        plays.c.media_id,
        plays.c.playlist_id,
        plays.c.playlist_name,
        plays.c.title,
        plays.c.started_at,
        plays.c.seconds,
        plays.c.zone,
    ).where(plays.c.started_at >= start, plays.c.started_at < end)
    if screen_id:
        query = query.where(plays.c.screen_id == screen_id)
    if screens is not None:
        query = query.where(plays.c.screen_id.in_(sorted(screens)))
    # Rows are told apart by what played (stored names), not by today's position of an item.
    totals: dict[tuple[Any, ...], list[float]] = {}
    with store.engine.connect() as conn:
        for row in conn.execution_options(yield_per=2000).execute(query):
            day = row.started_at.astimezone(zone).date()
            key = (
                day,
                row.screen_id,
                row.playlist_id,
                row.playlist_name,
                row.title,
                row.item_key,
                row.item_type,
                row.media_id,
                row.zone,
            )
            total = totals.setdefault(key, [0, 0.0])
            total[0] += 1
            total[1] += row.seconds
    report = []
    for key, (count, seconds) in sorted(
        totals.items(), key=lambda entry: tuple(part or "" for part in entry[0])
    ):
        day, screen, playlist, playlist_name, title, item, kind, media, zone_id = key
        screen_config = config.screens.get(screen)
        report.append(
            PlayTotal(
                day=day,
                screen=screen,
                screen_name=(screen_config.name or None) if screen_config else None,
                playlist=playlist,
                playlist_name=playlist_name,
                item=item,
                type=kind,
                media=media,
                title=title,
                plays=int(count),
                seconds=round(seconds),
                in_config=item_title(config, item) is not None,
                zone=zone_id,
            )
        )
    return report


# Excel and LibreOffice read a cell starting with one of these as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A value as a spreadsheet should show it: text that looks like a formula is quoted."""
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # the apostrophe makes it plain text; Excel does not show it
    return value


def table_csv(columns: Mapping[str, str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Rows as CSV under the columns' headings, with a UTF-8 BOM so Excel shows the Chinese
    text correctly, and formula-like cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns.values())
    for row in rows:
        writer.writerow([spreadsheet_cell(row.get(column)) for column in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_csv(rows: Sequence[PlayTotal]) -> bytes:
    """The plays report as CSV for Excel."""
    return table_csv(
        CSV_COLUMNS,
        ({**row.model_dump(), "type": KIND_WORDS.get(row.type, row.type)} for row in rows),
    )
