"""Hearing lists as clerks export them, made in the tests: .xlsx with openpyxl, CSV text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADER = ("序号", "开庭时间", "案号", "案由", "当事人", "审判长", "法庭", "是否公开")


def xlsx(rows: Sequence[Sequence[Any]], title: str | None = "兴隆县人民法院开庭公告") -> bytes:
    """A workbook whose first sheet holds an optional title row, then the rows."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: Sequence[Sequence[Any]]) -> str:
    """Comma-separated lines, as Excel saves a CSV."""
    return "\r\n".join(",".join(str(cell) for cell in row) for row in rows) + "\r\n"


def tribunal_shows_hearings(playlists_dir: Path) -> None:
    """The demo with tribunal-1 by 第一法庭's door and the day's hearings in its playlists."""
    site = playlists_dir / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace(
            "    name: 第一法庭门口\n", "    name: 第一法庭门口\n    courtroom: 第一法庭\n"
        ),
        encoding="utf-8",
    )
    for name in ("tribunal.yaml", "evening.yaml"):  # whichever plays in the next hours
        playlist = playlists_dir / name
        playlist.write_text(
            playlist.read_text(encoding="utf-8") + "  - hearings: today\n    seconds: 20\n",
            encoding="utf-8",
        )
