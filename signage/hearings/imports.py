"""A hearing list in, from a staff upload or from the case system's address: the rows
read, the good ones stored over the dates they cover, the bad ones listed, all audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from signage.accounts.audit import audit
from signage.accounts.staff import StaffUser
from signage.db import Store
from signage.errors import Invalid, SignageError
from signage.hearings.board import replace_hearings
from signage.hearings.records import RowProblem, read_hearings
from signage.hearings.tables import HEARINGS_LARGEST, Cell, read_table
from signage.phrases import N_
from signage.units import check_rooms, unit_rooms

if TYPE_CHECKING:
    from signage.config.validate import Config

log = logging.getLogger("signage.hearings")

FETCHED_KEY = "hearings:fetched"  # digest of the last list fetched, so unchanged ones skip
FETCH_TIMEOUT = 20  # seconds


class HearingsImported(BaseModel):
    """What an import stored: the dates it replaced, and the rows rejected or doubtful."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dates: list[dt.date]
    imported: int
    rejected: list[RowProblem]
    warnings: list[RowProblem]  # rows kept, with a doubt


def import_hearings(
    store: Store,
    rows: list[list[Cell]],
    zone: ZoneInfo,
    user: StaffUser | None,
    source: str,
    config: Config | None = None,
) -> HearingsImported:
    """Store the good rows over their dates; 422 listing every row when none is good.
    With the `config`, a unit's people import only their courtrooms' hearings (403 else)
    and replace only those rooms' hearings of the dates."""
    result = read_hearings(rows, zone)
    if not result.hearings:
        raise Invalid(
            N_("no hearing in the list could be read; each rejected row says why"),
            code="bad_hearings",
            details=[problem.model_dump() for problem in result.rejected],
        )
    rooms = None
    if config is not None and user is not None:
        check_rooms(user, config, {hearing.courtroom for hearing in result.hearings})
        rooms = unit_rooms(user, config)
    days = replace_hearings(store, result.hearings, zone, user.name if user else None, rooms)
    report = HearingsImported(
        dates=days,
        imported=len(result.hearings),
        rejected=result.rejected,
        warnings=result.warnings,
    )
    audit(store, user, "hearings.import", source[:200], report.model_dump(mode="json"))
    return report


def import_upload(
    store: Store,
    raw: bytes,
    filename: str,
    zone: ZoneInfo,
    user: StaffUser,
    config: Config | None = None,
) -> HearingsImported:
    """An uploaded .xlsx or .csv file."""
    rows = read_table(raw, filename)
    return import_hearings(store, rows, zone, user, filename or "upload", config)


def json_rows(raw: bytes) -> list[list[Cell]]:
    """A JSON list of objects (or {"hearings": [...]}) as rows under a header of its keys."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Invalid(N_("the hearing list is not valid JSON"), code="bad_hearings") from None
    if isinstance(data, dict):
        data = data.get("hearings")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise Invalid(
            N_("expected a JSON list of hearings (or {example})"),
            code="bad_hearings",
            example='{"hearings": [...]}',
        )
    header = list(dict.fromkeys(key for item in data for key in item))
    return [
        list(header),
        *[[None if item.get(k) is None else str(item.get(k)) for k in header] for item in data],
    ]


def fetch_hearings(store: Store, url: str, zone: ZoneInfo) -> HearingsImported | None:
    """Fetch the list the case system publishes; import it when it changed (None if not)."""
    request = urllib.request.Request(url, headers={"Accept": "text/csv, application/json"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            raw = response.read(HEARINGS_LARGEST + 1)
            kind = response.headers.get_content_type()
    except (urllib.error.URLError, OSError) as exc:
        if isinstance(exc, urllib.error.HTTPError):
            exc.close()  # it holds the connection open otherwise
        raise SignageError(
            N_("the hearing list at {url} could not be fetched: {reason}; try again later"),
            code="hearings_unreachable",
            url=url,
            reason=str(exc),
        ) from None
    if len(raw) > HEARINGS_LARGEST:
        raise Invalid(
            N_("the hearing list at the address is larger than {megabytes} MB"),
            code="bad_hearings",
            megabytes=HEARINGS_LARGEST // 1024 // 1024,
        )
    digest = hashlib.sha256(raw).hexdigest()
    if store.get_meta(FETCHED_KEY) == digest:
        return None
    is_json = kind == "application/json" or raw.lstrip()[:1] in (b"[", b"{")
    rows = json_rows(raw) if is_json else read_table(raw, url)
    report = import_hearings(store, rows, zone, None, url)
    store.set_meta(FETCHED_KEY, digest)
    if report.rejected:
        rejected = [problem.model_dump() for problem in report.rejected]
        log.warning("hearing list from %s: rows rejected: %s", url, rejected)
    return report
