"""From a hearing list's rows to hearings: the usual Chinese headers and their variants,
one reason per rejected row, good rows kept."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from signage.config.when import FIRST_YEAR, LAST_YEAR
from signage.errors import Invalid
from signage.hearings.privacy import has_role_inside, leading_role
from signage.hearings.tables import Cell
from signage.phrases import N_

# Column -> the headers case systems use for it (compared without spaces and punctuation).
HEADERS: dict[str, tuple[str, ...]] = {
    "when": ("开庭时间", "开庭日期时间", "庭审时间", "时间安排", "hearing time", "time", "start"),
    "date": ("开庭日期", "日期", "庭审日期", "date"),
    "clock": ("时间", "开庭时刻", "具体时间", "clock"),
    "end": ("结束时间", "闭庭时间", "end"),
    "case": ("案号", "案件编号", "案件号", "case number", "case"),
    "cause": ("案由", "案件名称", "cause"),
    "parties": ("当事人", "当事人名称", "当事人信息", "parties"),
    "plaintiff": ("原告", "上诉人", "申请人", "起诉人", "公诉机关", "申请执行人", "plaintiff"),
    "defendant": ("被告", "被上诉人", "被申请人", "被告人", "被执行人", "defendant"),
    "judge": (
        "审判长",
        "承办法官",
        "审判人员",
        "主审法官",
        "承办人",
        "独任审判员",
        "法官",
        "judge",
    ),
    "courtroom": ("法庭", "开庭地点", "审判庭", "开庭法庭", "地点", "courtroom", "room"),
    "public": ("是否公开", "公开审理", "公开", "是否公开审理", "public"),
}
_FIELD_OF = {
    re.sub(r"[\s:：*（）()]", "", name).lower(): column
    for column, names in HEADERS.items()
    for name in names
}
NOT_PUBLIC = {"否", "不公开", "不公开审理", "n", "no", "false", "0", "×"}
PUBLIC = {"是", "公开", "公开审理", "y", "yes", "true", "1", "√", ""}
# Why a row is rejected: fixed words, so the staff page can say them in its language.
NO_DATE = N_("the hearing date is missing or not a date (write it like 2026-12-01)")
OUT_OF_YEARS = N_("the hearing date is not from 2000 to 2099")
NO_TIME = N_("the hearing time is missing or not a time (write it like 09:30)")
NO_CASE = N_("the case number (案号) is empty")
BAD_PUBLIC = N_("是否公开 should be 是 or 否")
PARTY_UNCLEAR = N_(
    "a party's name and role could not be told apart (write 原告：张三); "
    "where names are masked the whole text is"
)
REASONS = (NO_DATE, OUT_OF_YEARS, NO_TIME, NO_CASE, BAD_PUBLIC, PARTY_UNCLEAR)
_NAME_SPLIT = re.compile(r"[、，,/]+")
_ROLE = re.compile(r"^([^:：]{1,10})[:：](.*)$", re.S)
_CLOCK = re.compile(r"(\d{1,2})\s*[:：时点]\s*(\d{1,2})?")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass(frozen=True)
class Hearing:
    """One hearing as imported: times aware, parties as (role, name) pairs."""

    starts_at: dt.datetime
    case_number: str
    cause: str
    parties: tuple[tuple[str, str], ...]
    judge: str
    courtroom: str
    public: bool
    ends_at: dt.datetime | None = None

    def day(self, zone: ZoneInfo) -> dt.date:
        """The site-local date the hearing is on."""
        return self.starts_at.astimezone(zone).date()


class RowProblem(BaseModel):
    """A row of the list and what is wrong with it (or doubtful about it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    row: int  # numbered from 1, as the spreadsheet shows it
    reason: str  # one of REASONS, in English


@dataclass
class ImportResult:
    """Good hearings, and each rejected row with its number (as the spreadsheet counts)."""

    hearings: list[Hearing] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)  # kept rows, with a doubt


def _key(text: Cell) -> str:
    return re.sub(r"[\s:：*（）()]", "", str(text or "")).lower()


def find_header(rows: Sequence[Sequence[Cell]]) -> tuple[int, dict[str, int]]:
    """The header row's index and column -> position; 422 when no row names a case and a time."""
    for index, row in enumerate(rows[:15]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            column = _FIELD_OF.get(_key(cell))
            if column and column not in columns:
                columns[column] = position
        if "case" in columns and ("when" in columns or "date" in columns):
            return index, columns
    raise Invalid(
        N_(
            "no header row with 案号 and 开庭时间 (or 开庭日期) was found in the first rows; "
            "export the list with its column titles"
        ),
        code="bad_hearings",
    )


def _text(row: Sequence[Cell], columns: dict[str, int], column: str) -> str:
    value = _cell(row, columns, column)
    return "" if value is None else value if isinstance(value, str) else str(value)


def _date_of(value: Cell) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.search(str(value or ""))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _clock_of(value: Cell, *, after_date: bool) -> dt.time | None:
    if isinstance(value, dt.datetime):
        return value.time() if (value.hour, value.minute) != (0, 0) or not after_date else None
    if isinstance(value, dt.time):
        return value
    text = str(value or "")
    if after_date:
        text = _DATE.sub("", text, count=1)
    afternoon = "下午" in text or "晚上" in text
    match = _CLOCK.search(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if "晚上" in text and hour == 12:
        return None  # midnight, which no court sits at: the row is refused, not read as noon
    if afternoon and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _with_offset(value: Cell) -> dt.datetime | None:
    """An ISO moment with its offset (as some case systems export), else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _cell(row: Sequence[Cell], columns: dict[str, int], column: str) -> Cell:
    position = columns.get(column)
    return row[position] if position is not None and position < len(row) else None


def _moments(
    row: Sequence[Cell], columns: dict[str, int], zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime | None]:
    when = _cell(row, columns, "when")
    told = _with_offset(when)
    if told is not None:  # 2026-12-01T01:00:00+00:00: the moment it names, in the site's zone
        when = told.astimezone(zone).replace(tzinfo=None)
    day = _date_of(when) or _date_of(_cell(row, columns, "date"))
    if day is None:
        raise ValueError(NO_DATE)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(OUT_OF_YEARS)
    source = when
    clock = _clock_of(when, after_date=True) if when not in (None, "") else None
    if clock is None:
        source = _cell(row, columns, "clock")
        clock = _clock_of(source, after_date=False)
    if clock is None:
        raise ValueError(NO_TIME)
    starts_at = dt.datetime.combine(day, clock, tzinfo=zone)
    end_text = _cell(row, columns, "end")
    # "09:00-11:30" (or 至/到/~) in the time cell gives the end too.
    spoken = _DATE.sub("", source, count=1) if isinstance(source, str) else ""
    if end_text in (None, "") and re.search(r"\d\s*[-~至到]\s*\d", spoken):
        end_text = re.split(r"[-~至到]", spoken, maxsplit=1)[-1]
    end_clock = _clock_of(end_text, after_date=False) if end_text not in (None, "") else None
    ends_at = dt.datetime.combine(day, end_clock, tzinfo=zone) if end_clock else None
    if ends_at is not None and ends_at <= starts_at:
        ends_at = None
    return starts_at, ends_at


def _names(text: str) -> list[str]:
    return [name.strip() for name in _NAME_SPLIT.split(text) if name.strip()]


def _roled(role: str, names: str) -> list[tuple[str, str]]:
    """Each name with its role; a name that starts with a role word (原告周丽娟, written
    without a colon) takes that role, and the names after it too."""
    found = []
    for name in _names(names):
        written, rest = leading_role(name)
        if written and rest:
            role, name = written, rest
        found.append((role, name))
    return found


def _parties(
    row: Sequence[Cell], columns: dict[str, int], labels: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """(role, name) pairs: from 原告/被告-like columns (the header is the role), or from a
    当事人 column where "原告：张三、李四；被告：王五" (or 原告张三；被告王五) gives each name
    its role."""
    found: list[tuple[str, str]] = []
    for column in ("plaintiff", "defendant"):
        found += _roled(labels.get(column, ""), _text(row, columns, column))
    for group in re.split(r"[；;\n]+", _text(row, columns, "parties")):
        labelled = _ROLE.match(group.strip())
        found += _roled(*labelled.groups()) if labelled else _roled("", group)
    return tuple((role[:20], name[:100]) for role, name in found)[:40]


def read_hearings(rows: Sequence[Sequence[Cell]], zone: ZoneInfo) -> ImportResult:
    """The good hearings and the rejected rows (numbered from 1, as Excel shows them)."""
    header, columns = find_header(rows)
    labels = {column: str(rows[header][position]).strip() for column, position in columns.items()}
    result = ImportResult()
    for index in range(header + 1, len(rows)):
        row = rows[index]
        if all(cell in (None, "") for cell in row):
            continue
        number = index + 1
        try:
            hearing = _hearing(row, columns, labels, zone)
        except ValueError as problem:
            result.rejected.append(RowProblem(row=number, reason=str(problem)))
            continue
        result.hearings.append(hearing)
        if any(has_role_inside(name) for _role, name in hearing.parties):
            result.warnings.append(RowProblem(row=number, reason=PARTY_UNCLEAR))
    return result


def _hearing(
    row: Sequence[Cell], columns: dict[str, int], labels: dict[str, str], zone: ZoneInfo
) -> Hearing:
    case = _text(row, columns, "case").strip()
    if not case:
        raise ValueError(NO_CASE)
    starts_at, ends_at = _moments(row, columns, zone)
    public_text = _text(row, columns, "public").strip().lower()
    if public_text not in PUBLIC and public_text not in NOT_PUBLIC:
        raise ValueError(BAD_PUBLIC)
    return Hearing(
        starts_at=starts_at,
        case_number=case[:100],
        cause=_text(row, columns, "cause").strip()[:200],
        parties=_parties(row, columns, labels),
        judge=_text(row, columns, "judge").strip()[:100],
        courtroom=_text(row, columns, "courtroom").strip()[:100],
        public=public_text not in NOT_PUBLIC,
        ends_at=ends_at,
    )
