"""The ledger as people read it: tables with Chinese headings, a CSV and an Excel workbook
(a summary with a chart, a sheet per month, required plays, campaigns) to attach to a duty
report. Ids stay in their own columns at the right; cells that look like formulas are
neutralised as in the plays CSV."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, ConfigDict

from signage.config.validate import Config
from signage.screens.ledger import (
    CampaignShare,
    Ledger,
    RequirementDay,
    ScreenMonth,
    unit_name,
    unit_of,
)
from signage.screens.plays import spreadsheet_cell, table_csv
from signage.screens.snapshots import Snapshot

SNAPSHOT_WIDTH = 320  # pixels in the sheet: the screen recognisable, the sheet printable
SNAPSHOT_ROWS = 10  # sheet rows one picture takes

ROW_COLUMNS = {
    "month": "月份",
    "topic_name": "普法主题",
    "unit_name": "单位",
    "screen_name": "屏幕名称",
    "title": "节目名称",
    "plays": "播放次数",
    "airtime_hours": "播放时长(小时)",
    "airtime_seconds": "播放时长(秒)",
    "items": "节目数",
    "screens": "播放屏幕数",
    "on_hours": "这些屏幕开机时长(小时)",
    "topic": "主题编号",
    "unit": "单位编号",
    "screen": "屏幕编号",
    "item": "节目编号",
}
REQUIREMENT_COLUMNS = {
    "day": "日期",
    "screen_name": "屏幕名称",
    "title": "规定节目",
    "required": "要求次数",
    "played": "实际次数",
    "met": "是否达标",
    "on_hours": "当日开机(小时)",
    "screen": "屏幕编号",
    "clip": "素材编号",
}
CAMPAIGN_COLUMNS = {
    "topic_name": "专题",
    "screen_name": "屏幕名称",
    "first": "起始日期",
    "last": "结束日期",
    "wanted": "要求占比(%)",
    "reached": "实际占比(%)",
    "met": "是否达到",
    "topic": "主题编号",
    "screen": "屏幕编号",
}
SUMMARY_COLUMNS = {
    "topic_name": "普法主题",
    "plays": "播放次数",
    "airtime_hours": "播放时长(小时)",
    "items": "节目数",
    "screens": "播放屏幕数",
    "on_hours": "这些屏幕开机时长(小时)",
    "topic": "主题编号",
}
UPTIME_COLUMNS = {
    "month": "月份",
    "screen_name": "屏幕名称",
    "unit_name": "单位",
    "on_hours": "开机时长(小时)",
    "days_on": "开机天数",
    "screen": "屏幕编号",
    "unit": "单位编号",
}


def row_columns(ledger: Ledger) -> dict[str, str]:
    """The columns of the grouped rows: a screen's or an item's only when grouped by them."""
    skip = {"screen": ("title", "item"), "item": ("screen_name", "screen")}.get(
        ledger.by, ("screen_name", "screen", "title", "item")
    )
    return {key: name for key, name in ROW_COLUMNS.items() if key not in skip}


def _screen_name(config: Config, screen_id: str) -> str:
    screen = config.screens.get(screen_id)
    return (screen.name or screen_id) if screen else screen_id


class RequirementRow(BaseModel):
    """Whether a screen played a required clip its count on one day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    requirement: int  # its place in site.yaml's requirements, from 1
    day: dt.date
    screen: str
    screen_name: str
    clip: str
    title: str
    required: int
    played: int
    met: bool
    on_hours: float  # the hours its screen was on that day


class CampaignRow(BaseModel):
    """The share of a screen's airtime a campaign's topic reached over its days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign: int  # its place in site.yaml's campaigns, from 1
    topic: str
    topic_name: str
    screen: str
    screen_name: str
    first: dt.date
    last: dt.date
    wanted: int  # percent
    reached: float  # percent
    met: bool


class UptimeRow(BaseModel):
    """The hours a screen was on in one month, and on how many days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    month: str
    screen: str
    screen_name: str
    unit: str | None  # None: the court as a whole
    unit_name: str
    on_hours: float
    days_on: int


def requirement_rows(config: Config, days: list[RequirementDay]) -> list[RequirementRow]:
    """Required plays per screen and day, as rows."""
    return [
        RequirementRow(
            requirement=d.requirement + 1,
            day=d.day,
            screen=d.screen,
            screen_name=_screen_name(config, d.screen),
            clip=d.clip,
            title=d.clip,
            required=d.required,
            played=d.played,
            met=d.met,
            on_hours=d.on_hours,
        )
        for d in days
    ]


def uptime_rows(config: Config, months: list[ScreenMonth]) -> list[UptimeRow]:
    """The hours each screen was on per month, as rows."""
    rows = []
    for m in months:
        unit = unit_of(config, m.screen)
        rows.append(
            UptimeRow(
                month=m.month,
                screen=m.screen,
                screen_name=_screen_name(config, m.screen),
                unit=unit,
                unit_name=unit_name(config, unit),
                on_hours=m.on_hours,
                days_on=m.days_on,
            )
        )
    return rows


def campaign_rows(config: Config, shares: list[CampaignShare]) -> list[CampaignRow]:
    """Campaign shares per screen, as rows."""
    return [
        CampaignRow(
            campaign=s.campaign + 1,
            topic=s.topic,
            topic_name=config.site_file.topics.get(s.topic, s.topic),
            screen=s.screen,
            screen_name=_screen_name(config, s.screen),
            first=s.first,
            last=s.last,
            wanted=s.wanted,
            reached=round(s.reached, 1),
            met=s.reached >= s.wanted,
        )
        for s in shares
    ]


def ledger_csv(ledger: Ledger) -> bytes:
    """The grouped rows as CSV for Excel."""
    return table_csv(row_columns(ledger), (row.model_dump() for row in ledger.rows))


def _sheet(sheet: Worksheet, columns: Mapping[str, str], rows: Sequence[BaseModel]) -> None:
    sheet.append(list(columns.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Dates as the ISO text they always were in these sheets, not Excel date cells.
        values = row.model_dump(mode="json")
        sheet.append([spreadsheet_cell(values.get(key)) for key in columns])
    for index, heading in enumerate(columns.values(), start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, len(heading) * 2 + 2)


def _snapshot_sheet(sheet: Worksheet, config: Config, snapshots: list[Snapshot]) -> None:
    """What the screens showed during the period: each picture with its screen and time."""
    sheet.append(["屏幕名称", "画面时间", "屏幕编号"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["D"].width = SNAPSHOT_WIDTH / 7
    if not snapshots:
        sheet.append(["（这段时间没有屏幕回传画面；画面保留 7 天）"])
        return
    zone = config.site.zone
    for index, snapshot in enumerate(snapshots):
        row = 2 + index * SNAPSHOT_ROWS
        taken = snapshot.taken_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        sheet.cell(
            row=row, column=1, value=spreadsheet_cell(_screen_name(config, snapshot.screen_id))
        )
        sheet.cell(row=row, column=2, value=taken)
        sheet.cell(row=row, column=3, value=spreadsheet_cell(snapshot.screen_id))
        picture = SheetImage(io.BytesIO(snapshot.jpeg))
        picture.height = round(picture.height * SNAPSHOT_WIDTH / picture.width)
        picture.width = SNAPSHOT_WIDTH
        sheet.add_image(picture, f"D{row}")


def ledger_xlsx(
    ledger: Ledger, config: Config, court: str, snapshots: list[Snapshot] | None = None
) -> bytes:
    """The workbook: 汇总 (with a chart of airtime per topic), one sheet per month, 规定播放,
    专题占比, 开机时长 and, when `snapshots` are given, 屏幕画面 (what the screens showed,
    sampled)."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    summary.append([f"{court} 普法台账"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([f"统计期间：{ledger.first.isoformat()} 至 {ledger.last.isoformat()}"])
    summary.append(["数据来源：各屏幕回报的实际播放记录（不是排期）"])
    summary.append([])
    totals = ledger.summary
    header_row = summary.max_row + 1
    _sheet(summary, SUMMARY_COLUMNS, totals)
    if totals:
        chart = BarChart()
        chart.title = "各普法主题播放时长(小时)"
        chart.y_axis.title = "小时"
        data = Reference(summary, min_col=3, min_row=header_row, max_row=header_row + len(totals))
        names = Reference(
            summary, min_col=1, min_row=header_row + 1, max_row=header_row + len(totals)
        )
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(names)
        summary.add_chart(chart, f"H{header_row}")
    days = requirement_rows(config, ledger.requirements)
    if days:
        missed = sum(1 for d in days if not d.met)
        summary.append([])
        summary.append([f"规定播放：{len(days) - missed} 屏·日达标，{missed} 屏·日未达标"])
    columns = row_columns(ledger)
    for month in sorted({str(row.month) for row in ledger.rows}):
        _sheet(
            book.create_sheet(f"{month}月"),
            columns,
            [row for row in ledger.rows if row.month == month],
        )
    _sheet(book.create_sheet("规定播放"), REQUIREMENT_COLUMNS, days)
    _sheet(book.create_sheet("专题占比"), CAMPAIGN_COLUMNS, campaign_rows(config, ledger.campaigns))
    _sheet(book.create_sheet("开机时长"), UPTIME_COLUMNS, uptime_rows(config, ledger.uptime))
    if snapshots is not None:
        _snapshot_sheet(book.create_sheet("屏幕画面"), config, snapshots)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
