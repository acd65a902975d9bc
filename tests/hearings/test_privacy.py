"""Masking: surname + 某 for people in non-public or sensitive hearings; organisations and
public hearings unchanged; each hearing ends at the next one in its room or by default."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from signage.config.model import HearingRules
from signage.hearings.listing import board
from signage.hearings.privacy import mask_name, needs_masking

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
    assert [(h["start"][11:16], h["end"][11:16]) for h in first_room] == [
        ("09:00", "09:30"),  # until the next hearing in the room
        ("09:30", "10:15"),  # the default length
        ("12:00", "14:00"),  # as the export said
    ]
    assert first_room[0]["parties"][0] == {"role": "原告", "name": "张三"}
    assert first_room[1]["parties"] == [
        {"role": "原告", "name": "张某"},
        {"role": "被告", "name": "兴隆县某某有限公司"},
    ]
    assert first_room[1]["masked"] and not first_room[0]["masked"]
    every_room = board(rows, rules, ZONE)
    assert len(every_room) == 4
    [divorce] = [h for h in every_room if h["courtroom"] == "第二法庭"]
    assert divorce["end"][11:16] == "09:45" and divorce["parties"][0]["name"] == "张某"
