"""The 普法 ledger as an Excel workbook to attach to a duty report: a summary with a chart,
a sheet per month, required plays, campaigns, uptime and what the screens showed.

Its own module because openpyxl takes a fifth of a second to load: only the request for a
workbook pays for it, not every start of `signage`."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from signage.config.validate import Config
from signage.screens.ledger import Ledger
from signage.screens.ledger_book import (
    CAMPAIGN_COLUMNS,
    REQUIREMENT_COLUMNS,
    SUMMARY_COLUMNS,
    UPTIME_COLUMNS,
    campaign_rows,
    requirement_rows,
    row_columns,
    screen_name,
    uptime_rows,
)
from signage.screens.plays import spreadsheet_cell
from signage.screens.snapshots import Snapshot

SNAPSHOT_WIDTH = 320  # pixels in the sheet: the screen recognisable, the sheet printable
SNAPSHOT_ROWS = 10  # sheet rows one picture takes


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
            row=row, column=1, value=spreadsheet_cell(screen_name(config, snapshot.screen_id))
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
