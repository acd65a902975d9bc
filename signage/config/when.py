"""The "when" words of the YAML: days, time windows and date ranges, read as staff write them."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

import chinese_calendar
from pydantic import BaseModel, PlainSerializer, WithJsonSchema

from signage.errors import Invalid
from signage.phrases import N_, NOTHING, Phrase, PhraseError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_WORDS = {"workdays", "holidays", "weekends", "weekdays", "daily"}

# Staff on Chinese keyboards often type full-width punctuation; read it as meant.
_FULL_WIDTH = str.maketrans(
    {"：": ":", "－": "-", "—": "-", "–": "-", "～": "-", "~": "-", "，": ",", "．": "."}
)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> Phrase:
    """A ' (did you mean …?)' clause, or nothing when no choice is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return Phrase.of(N_(" (did you mean {word!r}?)"), word=close[0]) if close else NOTHING


def suggest(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """The did-you-mean clause as English text, or '' when nothing is close."""
    return str(did_you_mean(word, choices))


def _refuse(template: str, **params: object) -> PhraseError:
    return PhraseError(Phrase(template, params))


@dataclass(frozen=True)
class TimeWindow:
    """[start, end) in seconds after local midnight; end <= start means it crosses midnight."""

    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def seconds(self) -> int:
        """How long the window lasts (a whole day when it ends where it starts)."""
        return (self.end - self.start) % 86400 or 86400

    def left_at(self, local: dt.datetime) -> int:
        """Seconds of the window still to come at this local time while it is on; 0 off it."""
        second = local.hour * 3600 + local.minute * 60 + local.second
        into = (second - self.start) % 86400
        return self.seconds - into if into < self.seconds else 0

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")


def parse_clock(text: str, *, allow_24: bool = False) -> int:
    """'9:30' or '09:30' (or '24:00' as an end) -> seconds after midnight."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise _refuse(N_("{text!r} is not a time of day; write it like 08:30"), text=text)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not allow_24)):
        raise _refuse(
            N_("{text!r} is not a time of day; hours go 00-23 and minutes 00-59"), text=text
        )
    return hours * 3600 + minutes * 60


def parse_time_window(value: object) -> TimeWindow:
    """'08:30-17:30' (may cross midnight: '22:00-06:00')."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise _refuse(N_('write the time range in quotes, like "08:30-17:30"'))
    if not isinstance(value, str):
        raise _refuse(N_('expected a time range like "08:30-17:30"'))
    text = value.translate(_FULL_WIDTH).replace(" ", "")
    parts = text.split("-")
    if len(parts) != 2:
        raise _refuse(N_('{value!r} is not a time range; write it like "08:30-17:30"'), value=value)
    start = parse_clock(parts[0])
    end = parse_clock(parts[1], allow_24=True)
    if start == end or (start == 0 and end == 86400):
        raise _refuse(
            N_("{value!r} covers no time or the whole day; to play all day, leave out time:"),
            value=value,
        )
    return TimeWindow(start, end)


@dataclass(frozen=True)
class DateSet:
    """Inclusive date ranges."""

    ranges: tuple[tuple[dt.date, dt.date], ...]

    def __contains__(self, day: dt.date) -> bool:
        return any(first <= day <= last for first, last in self.ranges)

    def __str__(self) -> str:
        return ", ".join(
            str(first) if first == last else f"{first}..{last}" for first, last in self.ranges
        )


def _parse_date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _refuse(N_("{text!r} is not a date; write it like 2026-12-01"), text=text) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # pages could not show it: one range for all
        raise _refuse(N_("{text!r} is not a date from 2000 to 2099"), text=text)
    return day


def parse_dates(value: object) -> DateSet:
    """'2026-12-01', '2026-12-01..2026-12-07', or a list of those."""
    values = value if isinstance(value, list) else [value]
    ranges = []
    for item in values:
        if not isinstance(item, str):
            raise _refuse(N_("expected a date like 2026-12-01 or a range 2026-12-01..2026-12-07"))
        text = item.translate(_FULL_WIDTH).replace("。。", "..")
        first_text, sep, last_text = text.partition("..")
        first = _parse_date(first_text)
        last = _parse_date(last_text) if sep else first
        if last < first:
            raise _refuse(
                N_("{item!r} ends before it starts; put the earlier date first"), item=item
            )
        ranges.append((first, last))
    if not ranges:
        raise _refuse(N_("the list of dates is empty; leave out dates: to mean always"))
    return DateSet(tuple(ranges))


@lru_cache(maxsize=4096)
def is_official_workday(day: dt.date) -> bool:
    """China's official calendar (make-up workdays included); Mon-Fri where it is not known."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def official_calendar_known(day: dt.date) -> bool:
    """Whether the installed calendar package covers this date's year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class DaySet:
    """Weekdays (0 = Monday) plus the official 'workdays'/'holidays' words."""

    weekdays: frozenset[int]
    workdays: bool = False
    holidays: bool = False
    text: str = "every day"

    @property
    def every_day(self) -> bool:
        return len(self.weekdays) == 7

    @property
    def uses_official_calendar(self) -> bool:
        return self.workdays or self.holidays

    def __contains__(self, day: dt.date) -> bool:
        return self.admits(day, is_official_workday)

    def admits(self, day: dt.date, is_workday: Callable[[dt.date], bool]) -> bool:
        """Whether the day is one of these, 'workdays'/'holidays' read from is_workday."""
        if day.weekday() in self.weekdays:
            return True
        if not self.uses_official_calendar:
            return False
        workday = is_workday(day)
        return (self.workdays and workday) or (self.holidays and not workday)

    def __str__(self) -> str:
        return self.text


EVERY_DAY = DaySet(frozenset(range(7)))


def _day_index(word: str) -> int:
    if word not in DAY_NAMES:
        raise _refuse(
            N_(
                "{word!r} is not a day{hint}. Days are mon tue wed thu fri sat sun, "
                "ranges like mon-fri, workdays or holidays"
            ),
            word=word,
            hint=did_you_mean(word, DAY_NAMES + tuple(_DAY_WORDS)),
        )
    return DAY_NAMES.index(word)


def parse_days(value: object) -> DaySet:
    """'mon-fri', [mon, wed], 'workdays' (official calendar), 'holidays', 'weekends'."""
    words = value if isinstance(value, list) else [value]
    weekdays: set[int] = set()
    workdays = holidays = False
    for raw in words:
        if not isinstance(raw, str):
            raise _refuse(N_("expected day names like mon-fri or [mon, wed, fri]"))
        for word in raw.translate(_FULL_WIDTH).lower().replace(" ", ",").split(","):
            if not word:
                continue
            if word == "workdays":
                workdays = True
            elif word == "holidays":
                holidays = True
            elif word == "weekends":
                weekdays |= {5, 6}
            elif word == "weekdays":
                weekdays |= set(range(5))
            elif word == "daily":
                weekdays |= set(range(7))
            elif "-" in word:
                first, _, last = word.partition("-")
                start, stop = _day_index(first), _day_index(last)
                span = (
                    range(start, stop + 1)
                    if start <= stop
                    else [*range(start, 7), *range(stop + 1)]
                )
                weekdays |= set(span)
            else:
                weekdays.add(_day_index(word))
    if not (weekdays or workdays or holidays):
        raise _refuse(N_("the list of days is empty; leave out days: to mean every day"))
    text = ", ".join(str(w) for w in words)
    return DaySet(frozenset(weekdays), workdays, holidays, text)


# -- moments people type (CLI --at, preview, API ?from=/?to=, alert ends) --------------------


# Dates people type are checked against these years: year 1 or 9999 would overflow the
# arithmetic of time zones and spans long before meaning anything in a court lobby.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def supported_date(day: dt.date) -> dt.date:
    """The date itself when its year is one we schedule; ValueError otherwise."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def parse_day(text: str) -> dt.date:
    """A typed-in date ("2026-12-04") of a year we schedule; ValueError otherwise."""
    return supported_date(dt.date.fromisoformat(text.strip()))


def parse_moment(text: str | None, zone: dt.tzinfo, default: dt.datetime) -> dt.datetime:
    """A typed-in moment, read in the site's zone unless it has an offset: an ISO time
    ("2026-12-04T10:00+08:00", "2026-12-04 10:00"), a date (its midnight), or a clock time
    ("10:00", on the default's day). `default` when empty; 422 `bad_time` otherwise."""
    if not text or not text.strip():
        return default
    text = text.strip()
    if "T" in text:  # a "+08:00" offset arrives as " 08:00" when not %-encoded
        text = text.replace(" ", "+")
    try:
        if len(text) <= 5 and ":" in text:
            clock = dt.time.fromisoformat(text.zfill(5))
            return dt.datetime.combine(default.astimezone(zone).date(), clock, tzinfo=zone)
        if len(text) == 10:
            day = parse_day(text)
            return dt.datetime.combine(day, dt.time(), tzinfo=zone)
        moment = dt.datetime.fromisoformat(text)
        supported_date(moment.date())
    except ValueError:
        raise Invalid(
            N_(
                "{text!r} is not a time from {first} to {last}; write it like "
                "2026-12-04 10:00, 2026-12-04T10:00:00+08:00 or 2026-12-04"
            ),
            code="bad_time",
            text=text[:40],
            first=FIRST_YEAR,
            last=LAST_YEAR,
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def iso(moment: dt.datetime, zone: dt.tzinfo | None = None, *, precise: bool = False) -> str:
    """ISO-8601 with offset in the given zone, to the second (to the millisecond when
    `precise`, for a screen's clock correction): the one way times are written."""
    shown = moment.astimezone(zone) if zone else moment
    return shown.isoformat(timespec="milliseconds" if precise else "seconds")


def _precise(moment: dt.datetime) -> str:
    return iso(moment, precise=True)


# A model's time a screen corrects its clock by: worded to the millisecond, in its own zone.
PreciseTime = Annotated[
    dt.datetime,
    PlainSerializer(_precise, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


_PLAIN = frozenset({str, int, float, bool, type(None)})


def json_values(value: Any) -> Any:
    """Models, datetimes and dates (inside dicts and lists too) as plain JSON values: each
    datetime through `iso`; a model's fields left at their defaults are keys left out."""
    # Plain values, most of a large answer (a manifest), are kept without a call each.
    if isinstance(value, dict):
        return {
            key: item if type(item) in _PLAIN else json_values(item) for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [item if type(item) in _PLAIN else json_values(item) for item in value]
    if isinstance(value, BaseModel):
        return json_values(value.model_dump(by_alias=True, exclude_unset=True))
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
