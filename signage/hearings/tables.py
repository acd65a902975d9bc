"""A hearing list's cells, as the case system exported them: .xlsx, or .csv in UTF-8 or GBK.

Only reading happens here: the first sheet's (or file's) rows as text, header row found
among the first few rows (exports often open with a title such as "开庭公告").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
import zlib
from typing import Any

from signage.encodings import decode_chinese_text
from signage.errors import Invalid
from signage.phrases import N_

HEARINGS_LARGEST = 5 * 1024 * 1024  # bytes; a court's week is some hundred rows
MOST_ROWS = 5000
MOST_COLUMNS = 60  # a case system's export has a dozen; cells further right are not read
# What the workbook's parts may unpack to, together: a zip's declared sizes are what it is
# read up to, so a small upload cannot make the parser walk gigabytes of XML.
MOST_UNPACKED = 64 * 1024 * 1024
# What a damaged workbook makes the parser raise (XML cut short, a part missing, a zip
# stream broken): all mean "not a readable workbook".
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,
    OSError,
    EOFError,
)
Cell = str | dt.datetime | dt.date | dt.time | None


def _bad(template: str, **params: Any) -> Invalid:
    return Invalid(template, code="bad_hearings", **params)


def read_table(raw: bytes, filename: str = "") -> list[list[Cell]]:
    """Every row of the file's first sheet; .xlsx by its zip signature, else CSV text."""
    if len(raw) > HEARINGS_LARGEST:
        raise _bad(
            N_("the hearing list is larger than {megabytes} MB; upload a day or a week"),
            megabytes=HEARINGS_LARGEST // 1024 // 1024,
        )
    if raw.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(raw)
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _bad(
            N_("this is an old .xls file; save it as .xlsx or .csv in Excel and upload again")
        )
    elif filename.lower().endswith((".xlsx", ".xls")):
        raise _bad(N_("the file is not a readable Excel workbook; save it again as .xlsx"))
    else:
        rows = _csv_rows(raw)
    if len(rows) > MOST_ROWS:
        raise _bad(
            N_("the hearing list has more than {count} rows; upload a day or a week"),
            count=MOST_ROWS,
        )
    return rows


def _xlsx_rows(raw: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook  # imported here: only uploads of workbooks need it

    unreadable = _bad(N_("the file is not a readable Excel workbook; save it again as .xlsx"))
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as packed:
            unpacked = sum(info.file_size for info in packed.infolist())
        if unpacked > MOST_UNPACKED:
            raise _bad(N_("the workbook unpacks to more than a hearing list holds; save it again"))
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except DAMAGED:
        raise unreadable from None
    try:
        # The rows and columns the cells fill, never the size the sheet claims: a sheet
        # saying A1:XFD5000 would otherwise be read as 80 million empty cells.
        rows: list[list[Cell]] = []
        cells = book.worksheets[0].iter_rows(
            max_row=MOST_ROWS + 1, max_col=MOST_COLUMNS, values_only=True
        )
        for row in cells:
            rows.append(_trimmed([_cell(value) for value in row]))
        return rows
    except DAMAGED:
        raise unreadable from None
    finally:
        book.close()


def _trimmed(row: list[Cell]) -> list[Cell]:
    """The row without the empty cells after its last value."""
    while row and row[-1] in (None, ""):
        row.pop()
    return row


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, dt.datetime | dt.date | dt.time | str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(raw: bytes) -> list[list[Cell]]:
    text = decode_chinese_text(
        raw,
        N_("the hearing list is neither UTF-8 nor GBK text; save it again as UTF-8"),
        "bad_hearings",
    )
    sample = "\n".join(text.splitlines()[:10])  # past a title line that has no separators
    delimiter = max((",", "\t", ";", "，"), key=sample.count)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        raise _bad(N_("the CSV file could not be read; save it again from Excel as CSV")) from None
