"""Masking: surname + 某 for people in non-public or sensitive hearings; organisations and
public hearings unchanged; each hearing ends at the next one in its room or by default."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from signage.config.model import HearingRules
from signage.hearings.listing import board
from signage.hearings.privacy import (
    CAUSE_HIDDEN,
    mask_cause,
    mask_name,
    needs_masking,
    shown_parties,
)
from signage.hearings.records import PARTY_UNCLEAR, RowProblem, read_hearings
from tests.hearings.workbooks import HEADER

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三", "张某"),
        ("张建社", "张某"),  # a person, though 社 ends many organisations' names
        ("欧阳娜娜", "欧阳某"),
        ("诸葛亮", "诸葛某"),
        ("阿不都热合曼·买买提", "阿某"),
        ("John Smith", "J某"),
        ("王某", "王某"),
        ("兴隆县某某商贸有限公司", "兴隆县某某商贸有限公司"),
        ("中国工商银行股份有限公司兴隆支行", "中国工商银行股份有限公司兴隆支行"),
        ("兴隆县人民检察院", "兴隆县人民检察院"),
        ("兴隆县第一中学", "兴隆县第一中学"),
        ("蓝旗营村村民委员会", "蓝旗营村村民委员会"),
        ("王银行", "王某"),  # a person, though 银行 is an organisation word
        ("张三系兴隆县某某有限公司职员", "张某"),  # a person described by an organisation
        ("李小龙（未成年人）", "李某"),
    ],
)
def test_people_are_masked_and_organisations_are_not(name: str, shown: str) -> None:
    assert mask_name(name) == shown


def test_not_public_or_a_sensitive_cause_masks() -> None:
    causes = HearingRules().masked_causes
    assert needs_masking(False, "民间借贷纠纷", causes)
    for cause in (
        "离婚纠纷",
        "抚养费纠纷",
        "强奸罪",
        "侵害商业秘密纠纷",
        "隐私权纠纷",
        "未成年人犯罪",
    ):
        assert needs_masking(True, cause, causes), cause
    assert not needs_masking(True, "民间借贷纠纷", causes)
    assert needs_masking(True, "劳动争议", ("劳动",))


def row(start: dt.datetime, room: str, **fields: object) -> dict[str, object]:
    values = {
        "day": start.date(),
        "starts_at": start,
        "ends_at": None,
        "case_number": f"案{start:%H%M}",
        "cause": "民间借贷纠纷",
        "parties": [["原告", "张三"], ["被告", "兴隆县某某有限公司"]],
        "judge": "王法官",
        "courtroom": room,
        "public": True,
    }
    return {**values, **fields}


def test_the_board_masks_filters_by_room_and_ends_each_hearing() -> None:
    nine = dt.datetime(2026, 12, 1, 9, tzinfo=ZONE)
    rows = [
        row(nine, "第一法庭"),
        row(nine + dt.timedelta(minutes=30), "第一法庭", public=False),
        row(nine, "第二法庭", cause="离婚纠纷"),
        row(nine + dt.timedelta(hours=3), "第一法庭", ends_at=nine + dt.timedelta(hours=5)),
    ]
    rules = HearingRules(minutes=45)
    first_room = board(rows, rules, ZONE, "第一 法庭")
    assert [(h.start, h.end) for h in first_room] == [
        (nine, nine + dt.timedelta(minutes=30)),  # until the next hearing in the room
        (nine + dt.timedelta(minutes=30), nine + dt.timedelta(minutes=75)),  # the default length
        (nine + dt.timedelta(hours=3), nine + dt.timedelta(hours=5)),  # as the export said
    ]
    assert all(h.start.utcoffset() == dt.timedelta(hours=8) for h in first_room)  # site's zone
    assert first_room[0].parties[0].model_dump() == {"role": "原告", "name": "张三"}
    assert [p.model_dump() for p in first_room[1].parties] == [
        {"role": "原告", "name": "张某"},
        {"role": "被告", "name": "兴隆县某某有限公司"},
    ]
    assert first_room[1].masked and not first_room[0].masked
    every_room = board(rows, rules, ZONE)
    assert len(every_room) == 4
    [divorce] = [h for h in every_room if h.courtroom == "第二法庭"]
    assert divorce.end == nine + dt.timedelta(minutes=45) and divorce.parties[0].name == "张某"


def test_roles_are_kept_and_names_inside_roles_are_masked() -> None:
    parties = [("原告", "张小明"), ("张小明法定代理人", "张大山"), ("原告（反诉被告）", "王五")]
    assert shown_parties(parties, masked=True) == [
        {"role": "原告", "name": "张某"},
        {"role": "张某法定代理人", "name": "张某"},
        {"role": "原告（反诉被告）", "name": "王某"},
    ]
    assert shown_parties(parties, masked=False)[1] == {"role": "张小明法定代理人", "name": "张大山"}


@pytest.mark.parametrize(
    ("cause", "shown"),
    [
        ("张小明与李丽离婚纠纷", "张某与李某离婚纠纷"),
        ("原告张小明诉被告李丽抚养费纠纷", "原告张某诉被告李某抚养费纠纷"),
        ("兴隆县某某有限公司与李丽劳动争议", "兴隆县某某有限公司与李某劳动争议"),
        ("李小龙盗窃罪", "李某盗窃罪"),
        ("离婚纠纷", "离婚纠纷"),
        ("申请诉前财产保全", "申请诉前财产保全"),
        ("与公司有关的纠纷", "与公司有关的纠纷"),
        ("王五与李丽离婚纠纷", CAUSE_HIDDEN),  # 王五 is no party: no telling where it ends
    ],
)
def test_names_in_a_cause_are_masked(cause: str, shown: str) -> None:
    parties = [
        ("原告", "张小明"),
        ("被告", "李丽"),
        ("被告人", "李小龙（未成年人）"),
        ("第三人", "兴隆县某某有限公司"),
    ]
    assert mask_cause(cause, parties) == shown


def _read(parties: str) -> tuple[tuple[tuple[str, str], ...], list[RowProblem]]:
    rows = [HEADER, (1, "2026-12-01 09:00", "案1", "离婚纠纷", parties, "王法官", "一庭", "否")]
    result = read_hearings(rows, ZONE)
    return result.hearings[0].parties, result.warnings


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("原告周丽娟；被告吴永刚", (("原告", "周丽娟"), ("被告", "吴永刚"))),
        ("被告人李小龙（未成年人）", (("被告人", "李小龙（未成年人）"),)),
        ("原告：张三、李四；被告：王五", (("原告", "张三"), ("原告", "李四"), ("被告", "王五"))),
        ("原告周丽娟、被告吴永刚", (("原告", "周丽娟"), ("被告", "吴永刚"))),
        ("张小明法定代理人：张大山", (("张小明法定代理人", "张大山"),)),
    ],
)
def test_roles_are_read_with_or_without_a_colon(written: str, read: tuple) -> None:
    parties, warnings = _read(written)
    assert parties == read and warnings == []
    shown = shown_parties(parties, masked=True)
    assert [p["role"] for p in shown] == [mask_role_kept(role) for role, _ in read]


def mask_role_kept(role: str) -> str:
    return role.replace("张小明", "张某")


def test_a_party_that_cannot_be_split_from_its_role_is_masked_whole_and_warned() -> None:
    parties, warnings = _read("张小明法定代理人张大山")
    assert warnings == [RowProblem(row=2, reason=PARTY_UNCLEAR)]
    assert shown_parties(parties, masked=True) == [{"role": "", "name": "张某"}]
