"""The configuration as typed, immutable objects (validated by pydantic)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from signage.config.layouts import FULL, PORTRAIT_SPLIT, Layout
from signage.config.when import (
    EVERY_DAY,
    DateSet,
    DaySet,
    TimeWindow,
    did_you_mean,
    is_official_workday,
    official_calendar_known,
    parse_dates,
    parse_days,
    parse_time_window,
)
from signage.phrases import N_, Phrase, PhraseError

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SLUG_HELP = N_("use lowercase letters, digits, - and _ (for example lobby-east)")

Days = Annotated[DaySet, BeforeValidator(parse_days)]
Time = Annotated[TimeWindow, BeforeValidator(parse_time_window)]
Dates = Annotated[DateSet, BeforeValidator(parse_dates)]


def _names(value: Any) -> Any:
    """Allow `screens: lobby` as well as `screens: [lobby]`."""
    return [value] if isinstance(value, str) else value


Names = Annotated[tuple[str, ...], BeforeValidator(_names)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
# Control characters (NUL, ESC), and the marks that turn text around (U+202E), in a name a
# screen or a page shows: nobody types them, and they hide what a name says.
_HIDDEN_MARKS = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain_line(value: Any) -> Any:
    """A name on one line, without control characters; a PhraseError otherwise."""
    if isinstance(value, str) and _HIDDEN_MARKS.search(value):
        raise PhraseError(
            Phrase.of(
                N_("{value!r} holds control characters; type the name again"), value=value[:40]
            )
        )
    return value


Line = Annotated[str, BeforeValidator(plain_line)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class When(Strict):
    """Filters shared by schedule rules, items and ticker lines."""

    days: Days = EVERY_DAY
    time: Time | None = None
    dates: Dates | None = None

    @property
    def always(self) -> bool:
        """True when no filter is set: the entry holds at every moment."""
        return self.time is None and self.dates is None and self.days.every_day


QR_URL_LONGEST = 500  # characters; longer codes get too dense to scan across a lobby


def web_address(value: Any) -> Any:
    """An http(s) address with a host, nothing else: the code is scanned by the public."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        parts = urlsplit(text)
        scheme, host = parts.scheme.lower(), parts.hostname
    except ValueError:  # an unclosed [ of an IPv6 host, a bad port
        scheme, host = "", None
    if scheme not in ("http", "https") or not host or any(c.isspace() or ord(c) < 32 for c in text):
        raise PhraseError(
            Phrase.of(
                N_("{value!r} is not a web address; write it like https://example.court.gov.cn/"),
                value=value[:80],
            )
        )
    if len(text) > QR_URL_LONGEST:
        raise PhraseError(
            Phrase.of(
                N_("the address is {count} characters long; a QR code takes at most {most}"),
                count=len(text),
                most=QR_URL_LONGEST,
            )
        )
    return text


class Tip(Strict):
    title: Annotated[str, Field(max_length=200)] = ""
    body: Annotated[str, Field(max_length=2000)] = ""
    qr: Annotated[str, BeforeValidator(web_address)] | None = None

    @model_validator(mode="after")
    def _has_text(self) -> Tip:
        if not (self.title.strip() or self.body.strip()):
            raise PhraseError(Phrase(N_("a tip needs a title or a body")))
        return self


DEFAULT_SECONDS = {"tip": 15, "image": 10, "hearings": 20}
KINDS = ("clip", "tip", "image", "hearings")


def _both(words: list[str]) -> Phrase | str:
    """'a and b and c' as a phrase, so a language can say its own 'and'."""
    joined: Phrase | str = words[0]
    for word in words[1:]:
        joined = Phrase.of(N_("{first} and {second}"), first=joined, second=word)
    return joined


class Item(When):
    """One entry of a playlist: exactly one of clip, tip or image."""

    clip: str | None = None
    tip: Tip | None = None
    image: str | None = None
    hearings: Literal["today"] | None = None  # the day's hearings of the screen's courtroom
    seconds: Annotated[int, Field(ge=1, le=3600)] | None = None
    # 普法 topics (ids declared under `topics:` in site.yaml); a clip or image also has its own.
    topics: Names = ()

    @model_validator(mode="after")
    def _one_kind(self) -> Item:
        kinds = [k for k in KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise PhraseError(
                Phrase.of(
                    N_("each item needs exactly one of clip:, tip:, image: or hearings:{found}"),
                    found=Phrase.of(N_(" (this one has {kinds})"), kinds=_both(kinds))
                    if kinds
                    else "",
                )
            )
        if self.clip is not None and self.seconds is not None:
            raise PhraseError(
                Phrase(N_("a clip plays for its own length; remove seconds: from it"))
            )
        for media in (self.clip, self.image):
            if media is not None and not SLUG.match(media):
                raise PhraseError(
                    Phrase.of(
                        N_("{media!r} is not a media id; {help}"),
                        media=media,
                        help=Phrase(SLUG_HELP),
                    )
                )
        return self

    @property
    def kind(self) -> Literal["clip", "tip", "image", "hearings"]:
        return next(k for k in KINDS if getattr(self, k) is not None)  # type: ignore[return-value]

    @property
    def duration(self) -> int | None:
        """Seconds a tip or image shows; None for a clip (its own length)."""
        if self.kind == "clip":
            return None
        return self.seconds or DEFAULT_SECONDS[self.kind]


class Playlist(Strict):
    name: Annotated[str, Field(max_length=200)] = ""
    unit: str | None = None  # the tribunal that owns it (units: in site.yaml); None: the county
    items: tuple[Item, ...] = ()
    published: bool = False  # offered to other courts at /api/v1/published, with its media


_BEIJING_TIME = {"asia/beijing", "beijing", "china", "cst", "北京", "北京时间", "utc+8", "gmt+8"}


# When screens fetch media they need only tomorrow: a quiet hour, when nobody is in the lobby
# and the court's other systems have the thin links to themselves.
QUIET_HOURS = TimeWindow(2 * 3600, 5 * 3600)


class Site(Strict):
    name: Text
    timezone: str = "Asia/Shanghai"
    poll_seconds: Annotated[int, Field(ge=5, le=3600)] = 30
    prefetch: Time = QUIET_HOURS

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            hint = (
                Phrase(N_(" (Beijing time is written Asia/Shanghai)"))
                if value.strip().lower() in _BEIJING_TIME
                else did_you_mean(value, available_timezones())
            )
            raise PhraseError(
                Phrase.of(
                    N_(
                        "{value!r} is not a time zone{hint}. Use an IANA name such as Asia/Shanghai"
                    ),
                    value=value,
                    hint=hint,
                )
            ) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Hours(When):
    """When a screen is awake (`hours: {days: workdays, time: "07:30-18:30"}`); black outside."""

    @model_validator(mode="after")
    def _limits_something(self) -> Hours:
        if self.always:
            raise PhraseError(
                Phrase(
                    N_(
                        "hours: needs days:, time: or both; leave out hours: for a screen "
                        "that stays on day and night"
                    )
                )
            )
        return self


class Screen(Strict):
    name: Annotated[Line, Field(max_length=200)] = ""
    groups: Names = ()
    orientation: Literal["landscape", "portrait"] = "landscape"
    captions: bool = True  # clips' captions shown (lobbies play muted)
    courtroom: Annotated[Line, Field(min_length=1, max_length=100)] | None = None
    # The current and next hearing kept in a band above the zone; unset: on for a courtroom.
    hearing_band: bool | None = None
    hours: Hours | None = None  # wins over the hours of the screen's groups
    layout: str | None = None  # a built-in layout or one of `layouts:`; unset: see below

    @property
    def shows_hearing_band(self) -> bool:
        """Whether the band shows: as set, else whenever the screen names its courtroom."""
        return self.courtroom is not None if self.hearing_band is None else self.hearing_band

    @property
    def own_layout(self) -> str:
        """The layout outside rules that set one: as chosen, else the hearing band's
        (`portrait-split`, which replaced the band), else the whole area for the programme."""
        if self.layout is not None:
            return self.layout
        return PORTRAIT_SPLIT if self.shows_hearing_band else FULL


def _named_group(value: Any) -> Any:
    """`lobby: 诉讼服务中心大屏` is short for `lobby: {name: 诉讼服务中心大屏}`."""
    return {"name": value} if isinstance(value, str) else value


class Group(Strict):
    """What staff call a group of screens, the hours its screens keep, and whether they play
    as one wall (each item starting at the same instant on every screen of the group)."""

    name: Annotated[str, Field(max_length=200)] = ""
    hours: Hours | None = None
    sync: bool = False


class Rule(When):
    playlist: str
    screens: Names | None = None
    priority: Annotated[int, Field(ge=-1000, le=1000)] = 0
    unit: str | None = None  # the tribunal whose editors keep this rule; None: the county
    layout: str | None = None  # the screens' layout while this rule plays


class Unit(Strict):
    """A tribunal of the court: its own screens, people and programme."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    screens: Names = ()  # screen ids and/or groups


class TickerLine(When):
    text: Text
    screens: Names | None = None


class SiteCalendar(Strict):
    """The site's own holidays, court closures and make-up workdays, over China's official
    calendar. A closure plays like a holiday; it is kept apart so staff see why."""

    holidays: Dates | None = None
    closures: Dates | None = None
    workdays: Dates | None = None

    @field_validator("workdays")
    @classmethod
    def _not_also_a_day_off(cls, workdays: DateSet | None, info: ValidationInfo) -> DateSet | None:
        days_off = [info.data.get("holidays"), info.data.get("closures")]
        rests = [span for listed in days_off if listed for span in listed.ranges]
        for work_first, work_last in workdays.ranges if workdays else ():
            for rest_first, rest_last in rests:
                if max(work_first, rest_first) <= min(work_last, rest_last):
                    raise PhraseError(
                        Phrase.of(
                            N_("{day} is listed both as a holiday and as a workday; keep one"),
                            day=str(max(work_first, rest_first)),
                        )
                    )
        return workdays

    def is_workday(self, day: dt.date) -> bool:
        """The site's word first, then the official calendar (Mon-Fri where it is unknown)."""
        for days_off in (self.holidays, self.closures):
            if days_off is not None and day in days_off:
                return False
        if self.workdays is not None and day in self.workdays:
            return True
        return is_official_workday(day)

    def knows_year(self, year: int) -> bool:
        """Whether the installed calendar, or a holiday listed here, covers the year."""
        if official_calendar_known(dt.date(year, 6, 1)):
            return True
        listed = self.holidays.ranges if self.holidays is not None else ()
        return any(first.year <= year <= last.year for first, last in listed)


# Causes whose parties' names are masked even in public hearings: minors, family, sexual
# offences, trade secrets and privacy (the courts' own publication rules).
MASKED_CAUSES = (
    "未成年",
    "离婚",
    "抚养",
    "扶养",
    "赡养",
    "收养",
    "监护",
    "婚姻",
    "同居",
    "强奸",
    "猥亵",
    "性侵",
    "卖淫",
    "淫秽",
    "商业秘密",
    "隐私",
    "个人信息",
)


class HearingRules(Strict):
    """How the hearing board treats names and how long a hearing lasts when not told."""

    masked_causes: tuple[Annotated[str, Field(min_length=1, max_length=50)], ...] = MASKED_CAUSES
    minutes: Annotated[int, Field(ge=5, le=600)] = 60


TOPICS_MOST = 100  # declared topics; a court has a handful of duty themes, not hundreds
TopicName = Annotated[str, Field(min_length=1, max_length=100)]
# Short enough that a campaign's item key (`campaign-<topic>#<n>`) stays a valid play key.
TopicId = Annotated[str, Field(max_length=40)]


class Requirement(Strict):
    """A clip a higher court requires a number of times a day on some screens (普法责任)."""

    clip: str
    screens: Names | None = None
    per_day: Annotated[int, Field(ge=1, le=200)]
    time: Time | None = None  # the window the plays spread over; the whole day when absent

    @field_validator("clip")
    @classmethod
    def _media_id(cls, value: str) -> str:
        if not SLUG.match(value):
            raise PhraseError(
                Phrase.of(
                    N_("{media!r} is not a media id; {help}"), media=value, help=Phrase(SLUG_HELP)
                )
            )
        return value


class Campaign(Strict):
    """A stretch of dates during which some screens give a topic a share of their airtime."""

    topic: str
    dates: Dates
    share: Annotated[int, Field(ge=1, le=90)]  # percent; 100 would leave no room for the rest
    screens: Names | None = None


class SiteFile(Strict):
    """The content of site.yaml."""

    site: Site
    screens: dict[str, Screen] = Field(default_factory=dict)
    # What staff pages call each group (`lobby: 诉讼服务中心大屏`, the id when unnamed), or
    # `lobby: {name: …, hours: {…}}`.
    groups: dict[str, Annotated[Group, BeforeValidator(_named_group)]] = Field(default_factory=dict)
    schedule: tuple[Rule, ...] = ()
    default_playlist: str | None = None
    ticker: tuple[TickerLine, ...] = ()
    calendar: SiteCalendar = SiteCalendar()
    hearings: HearingRules = HearingRules()
    topics: Annotated[dict[TopicId, TopicName], Field(max_length=TOPICS_MOST)] = Field(
        default_factory=dict
    )
    requirements: Annotated[tuple[Requirement, ...], Field(max_length=100)] = ()
    campaigns: Annotated[tuple[Campaign, ...], Field(max_length=100)] = ()
    units: dict[str, Unit] = Field(default_factory=dict)
    layouts: Annotated[dict[str, Layout], Field(max_length=50)] = Field(default_factory=dict)

    @field_validator("screens", mode="before")
    @classmethod
    def _empty_screens(cls, value: Any) -> Any:
        # `screens:` with nothing under it reads as null; treat it as no screens yet.
        return {} if value is None else value
