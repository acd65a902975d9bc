"""Reading hearing lists: Excel and CSV (UTF-8 and GBK), the usual headers and their
variants, bad rows listed with their row number and reason while good rows load."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from zoneinfo import ZoneInfo

import pytest

from signage.errors import Invalid
from signage.hearings.records import RowProblem, read_hearings
from signage.hearings.tables import read_table
from tests.hearings.workbooks import HEADER, csv_text, damaged, far_right, xlsx

ZONE = ZoneInfo("Asia/Shanghai")
LOAN = ("(2026)冀0822民初1234号", "民间借贷纠纷")
DIVORCE = ("(2026)冀0822民初1300号", "离婚纠纷")


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ZONE)


def test_an_excel_export_with_a_title_row_and_date_cells() -> None:
    parties = "原告：张三；被告：李四、兴隆县某某有限公司"
    first_row = (1, dt.datetime(2026, 12, 1, 9), *LOAN, parties, "王法官", "第一法庭", "是")
    second_row = (2, "2026-12-01 14:30", *DIVORCE, "原告:赵六", "王法官", "第二法庭", "否")
    raw = xlsx([HEADER, first_row, second_row])
    result = read_hearings(read_table(raw, "开庭公告.xlsx"), ZONE)
    assert result.rejected == []
    first, second = result.hearings
    assert first.starts_at == at(2026, 12, 1, 9, 0)
    assert (first.case_number, first.cause) == LOAN
    assert first.parties == (("原告", "张三"), ("被告", "李四"), ("被告", "兴隆县某某有限公司"))
    assert (first.judge, first.courtroom, first.public) == ("王法官", "第一法庭", True)
    assert second.starts_at == at(2026, 12, 1, 14, 30) and second.public is False
    assert second.parties == (("原告", "赵六"),)


def test_date_and_time_in_two_columns_and_parties_in_their_own() -> None:
    header = ("开庭日期", "时间", "案 号", "案由", "上诉人", "被上诉人", "承办法官", "开庭地点")
    rows = [
        header,
        (dt.date(2026, 12, 2), dt.time(9, 30), *LOAN, "孙八", "周九、吴十", "李法官", "第三法庭"),
        ("2026年12月2日", "下午2:00", *DIVORCE, "郑一", "王二", "李法官", "第三法庭"),
        ("2026/12/02", "10:00-11:30", "(2026)冀0822刑初5号", "盗窃罪", "", "", "", "第一法庭"),
    ]
    result = read_hearings(read_table(xlsx(rows, title=None)), ZONE)
    assert result.rejected == []
    loan, divorce, theft = result.hearings
    assert loan.starts_at == at(2026, 12, 2, 9, 30)
    assert loan.parties == (("上诉人", "孙八"), ("被上诉人", "周九"), ("被上诉人", "吴十"))
    assert (loan.judge, loan.courtroom, loan.public) == ("李法官", "第三法庭", True)
    assert divorce.starts_at == at(2026, 12, 2, 14, 0)
    assert (theft.starts_at, theft.ends_at) == (at(2026, 12, 2, 10), at(2026, 12, 2, 11, 30))


def test_a_gbk_csv_from_excel_on_chinese_windows() -> None:
    rows = [
        ("开庭时间", "案号", "案由", "原告", "被告", "审判人员", "法庭", "是否公开"),
        ("2026-12-03 09:00", *LOAN, "张三", "李四", "王法官", "第一法庭", "公开"),
        ("2026-12-03 10:00", *DIVORCE, "赵六", "钱七", "王法官", "第一法庭", "不公开"),
    ]
    raw = csv_text(rows).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    result = read_hearings(read_table(raw, "开庭.csv"), ZONE)
    assert [h.case_number for h in result.hearings] == [LOAN[0], DIVORCE[0]]
    assert [h.public for h in result.hearings] == [True, False]
    assert result.hearings[1].parties == (("原告", "赵六"), ("被告", "钱七"))


def test_a_utf8_csv_with_a_bom_and_tabs() -> None:
    text = "\ufeff开庭时间\t案号\t法庭\n2026-12-03 09:00\t(2026)冀0822执1号\t第一法庭\n"
    result = read_hearings(read_table(text.encode()), ZONE)
    [hearing] = result.hearings
    assert (hearing.case_number, hearing.courtroom, hearing.cause) == (
        "(2026)冀0822执1号",
        "第一法庭",
        "",
    )


def test_bad_rows_are_listed_with_their_row_number_and_good_rows_still_load() -> None:
    rows = [
        HEADER,
        (1, "2026-12-01 09:00", *LOAN, "张三", "王法官", "第一法庭", "是"),
        (2, "2026-12-01 25:00", *DIVORCE, "赵六", "王法官", "第一法庭", "是"),
        (3, "2026-12-01 10:00", "", "盗窃罪", "", "", "第一法庭", "是"),
        (),
        (5, "明天上午", "(2026)冀0822民初9号", "", "", "", "第一法庭", "是"),
        (6, "2026-12-01 11:00", "(2026)冀0822民初10号", "", "", "", "第一法庭", "也许"),
    ]
    result = read_hearings(read_table(xlsx(rows)), ZONE)
    assert [h.case_number for h in result.hearings] == [LOAN[0]]
    # Row numbers as Excel shows them: the title is row 1, the header row 2.
    assert [problem.model_dump() for problem in result.rejected] == [
        {"row": 4, "reason": "the hearing time is missing or not a time (write it like 09:30)"},
        {"row": 5, "reason": "the case number (案号) is empty"},
        {
            "row": 7,
            "reason": "the hearing date is missing or not a date (write it like 2026-12-01)",
        },
        {"row": 8, "reason": "是否公开 should be 是 or 否"},
    ]


@pytest.mark.parametrize(
    ("raw", "name", "words"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls", "old .xls file"),
        (b"PK\x03\x04broken", "a.xlsx", "not a readable Excel workbook"),
        ("姓名,电话\n张三,123\n".encode("gbk"), "a.csv", "no header row with 案号"),
        (b"\xff\xfe\xfa" * 20, "a.csv", "neither UTF-8 nor GBK"),
    ],
)
def test_files_that_are_no_hearing_list_are_refused(raw: bytes, name: str, words: str) -> None:
    with pytest.raises(Invalid) as refused:
        read_hearings(read_table(raw, name), ZONE)
    assert words in refused.value.message


ONE_HEARING = [HEADER, (1, "2026-12-01 09:00", *LOAN, "原告：张三", "王法官", "一庭", "是")]


@pytest.mark.parametrize(
    ("part", "keep"),
    [
        ("xl/workbook.xml", 0.5),
        ("xl/worksheets/sheet1.xml", 0.5),
        ("xl/worksheets/sheet1.xml", 0),
        ("xl/styles.xml", 0.5),
        ("[Content_Types].xml", 0.5),
        ("xl/_rels/workbook.xml.rels", 0.5),
    ],
)
def test_a_damaged_workbook_is_refused_in_plain_words(part: str, keep: float) -> None:
    with pytest.raises(Invalid) as refused:
        read_table(damaged(xlsx(ONE_HEARING), part, keep), "开庭公告.xlsx")
    assert "not a readable Excel workbook" in refused.value.message


def test_a_sheet_claiming_a_huge_size_is_read_by_its_cells() -> None:
    raw = far_right(ONE_HEARING, 4992)  # claims A1:XFD4992, some 80 million cells
    tracemalloc.start()
    try:
        rows = read_table(raw, "开庭公告.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(rows) == 4992 and len(rows[0]) == len(HEADER) and rows[-1] == []
    # It took 650 MB (and 12 s) padding every row to 16384 cells; the memory tells the work
    # without depending on how loaded the machine is.
    assert peak < 60 * 1024 * 1024, peak
    assert len(read_hearings(rows, ZONE).hearings) == 1


def test_a_hearing_outside_the_years_is_rejected_with_its_row() -> None:
    rows = [
        HEADER,
        (1, "0001-01-01 09:00", *LOAN, "原告：张三", "王法官", "一庭", "是"),
        (2, "9999-12-31 09:00", *LOAN, "原告：张三", "王法官", "一庭", "是"),
        (3, "1900-01-01 09:00", *LOAN, "原告：张三", "王法官", "一庭", "是"),
        (4, "2026-12-01 09:00", *LOAN, "原告：张三", "王法官", "一庭", "是"),
    ]
    result = read_hearings(rows, ZONE)
    assert [h.starts_at for h in result.hearings] == [at(2026, 12, 1, 9)]
    assert result.rejected == [
        RowProblem(row=n, reason="the hearing date is not from 2000 to 2099") for n in (2, 3, 4)
    ]


def test_a_time_with_an_offset_is_that_moment_and_midnight_is_no_hearing() -> None:
    rows = [
        HEADER,
        (1, "2026-12-01T01:30:00+00:00", *LOAN, "原告：张三", "王法官", "一庭", "是"),
        (2, "2026-12-01 晚上12点", *LOAN, "原告：张三", "王法官", "一庭", "是"),
        (3, "2026-12-01 晚上8点", *LOAN, "原告：张三", "王法官", "一庭", "是"),
    ]
    result = read_hearings(rows, ZONE)
    assert [h.starts_at for h in result.hearings] == [at(2026, 12, 1, 9, 30), at(2026, 12, 1, 20)]
    assert [r.row for r in result.rejected] == [3]
