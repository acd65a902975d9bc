"""The ledger as people read it: tables with Chinese headings and a CSV (the Excel workbook
is `ledger_workbook`). Ids stay in their own columns at the right; cells that look like
formulas are neutralised as in the plays CSV."""

from __future__ import annotations

import datetime as dt

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
from signage.screens.plays import table_csv

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


def screen_name(config: Config, screen_id: str) -> str:
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
            screen_name=screen_name(config, d.screen),
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
                screen_name=screen_name(config, m.screen),
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
            screen_name=screen_name(config, s.screen),
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
