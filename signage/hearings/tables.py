"""A hearing list's cells, as the case system exported them: .xlsx, or .csv in UTF-8 or GBK.

Only reading happens here: the first sheet's (or file's) rows as text, header row found
among the first few rows (exports often open with a title such as "开庭公告").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

from signage.encodings import decode_chinese_text
from signage.errors import Invalid

HEARINGS_LARGEST = 5 * 1024 * 1024  # bytes; a court's week is some hundred rows
MOST_ROWS = 5000
Cell = str | dt.datetime | dt.date | dt.time | None


def _bad(message: str) -> Invalid:
    return Invalid(message, code="bad_hearings")


def read_table(raw: bytes, filename: str = "") -> list[list[Cell]]:
    """Every row of the file's first sheet; .xlsx by its zip signature, else CSV text."""
    if len(raw) > HEARINGS_LARGEST:
        raise _bad(f"the hearing list is larger than {HEARINGS_LARGEST // 1024 // 1024} MB")
    if raw.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(raw)
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _bad("this is an old .xls file; save it as .xlsx or .csv in Excel and upload again")
    elif filename.lower().endswith((".xlsx", ".xls")):
        raise _bad("the file is not a readable Excel workbook; save it again as .xlsx")
    else:
        rows = _csv_rows(raw)
    if len(rows) > MOST_ROWS:
        raise _bad(f"the hearing list has more than {MOST_ROWS} rows; upload a day or a week")
    return rows


def _xlsx_rows(raw: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook  # imported here: only uploads of workbooks need it

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _bad("the file is not a readable Excel workbook; save it again as .xlsx") from None
    try:
        sheet = book.worksheets[0]
        rows: list[list[Cell]] = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > MOST_ROWS:
                break
        return rows
    finally:
        book.close()


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, dt.datetime | dt.date | dt.time | str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(raw: bytes) -> list[list[Cell]]:
    text = decode_chinese_text(raw, "the hearing list", "bad_hearings")
    sample = "\n".join(text.splitlines()[:10])  # past a title line that has no separators
    delimiter = max((",", "\t", ";", "，"), key=sample.count)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        raise _bad("the CSV file could not be read; save it again from Excel as CSV") from None
