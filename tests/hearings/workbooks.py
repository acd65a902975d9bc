"""Hearing lists as clerks export them, made in the tests: .xlsx with openpyxl, CSV text."""

from __future__ import annotations

import io
import zipfile
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


def damaged(raw: bytes, part: str, keep: float = 0.5) -> bytes:
    """The workbook with one part (a path inside the zip) cut to a fraction of its bytes, or
    left out when `keep` is 0."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                if not keep:
                    continue
                data = data[: int(len(data) * keep)]
            rebuilt.writestr(info.filename, data)
    return out.getvalue()


def far_right(rows: Sequence[Sequence[Any]], filled_rows: int) -> bytes:
    """A workbook whose sheet claims A1:XFD<n>: one cell in the last column of each row."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for number in range(len(rows) + 1, filled_rows + 1):
        sheet.cell(row=number, column=16384, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
