"""Parties' names as the public may see them: surname + 某 where the hearing is not public
or its cause is sensitive; organisations keep their names (the courts' publication rules)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Two-character surnames, so 欧阳娜娜 becomes 欧阳某 and not 欧某.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 "
    "闻人 端木 独孤 南宫 西门 申屠 澹台 公冶 宗政 濮阳 太史 仲孙 呼延 完颜".split()
)
# What marks a party as an organisation, whose name is public in any case. When unsure the
# name is masked: masking a shop's name costs little, showing a person's name cannot be undone.
ORGANISATION_WORDS = tuple(
    "公司 有限 集团 银行 委员会 政府 合作社 检察院 公安局 人民法院 事务所 办事处 信用社".split()
)
ORGANISATION_ENDINGS = tuple(
    "局 厅 署 院 所 中心 学校 大学 学院 医院 幼儿园 协会 商会 基金会 厂 店 社 馆 站 "
    "经营部 门市部 企业 单位 机关 村 居委会 支行 分行 中学 小学".split()
)
SHORTEST_ORGANISATION = 5  # characters; people's names are shorter, 张建社 is a person
ALREADY_MASKED = re.compile(r"^\S{1,2}某+$")


def is_organisation(name: str) -> bool:
    """Whether the party is an organisation (by how its name ends or what it contains)."""
    text = re.sub(r"[（(].*?[)）]", "", name).strip()
    if any(word in text for word in ORGANISATION_WORDS):
        return True
    return len(text) >= SHORTEST_ORGANISATION and text.endswith(ORGANISATION_ENDINGS)


def mask_name(name: str) -> str:
    """张三 -> 张某, 欧阳娜娜 -> 欧阳某, John Smith -> J某; organisations unchanged."""
    name = name.strip()
    if not name or is_organisation(name) or ALREADY_MASKED.match(name):
        return name
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + "某"


def needs_masking(public: bool, cause: str, masked_causes: Iterable[str]) -> bool:
    """Not public, or a cause containing one of the site's sensitive words."""
    return not public or any(word and word in cause for word in masked_causes)


def shown_parties(
    parties: Iterable[tuple[str, str]] | Iterable[list[str]], masked: bool
) -> list[dict[str, str]]:
    """The parties as the server may send them: names masked when the hearing needs it."""
    return [{"role": role, "name": mask_name(name) if masked else name} for role, name in parties]
