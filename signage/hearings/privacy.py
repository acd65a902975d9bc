"""Parties' names as the public may see them: surname + 某 where the hearing is not public
or its cause is sensitive (the courts' publication rules). One rule for every field that
leaves the server: the parties, their roles and the cause. Roles (原告, 法定代理人 …) are
kept, with or without a colon; any name inside a role or a cause is masked; a party keeps
its name only when the whole party is an organisation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Two-character surnames, so 欧阳娜娜 becomes 欧阳某 and not 欧某.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 "
    "闻人 端木 独孤 南宫 西门 申屠 澹台 公冶 宗政 濮阳 太史 仲孙 呼延 完颜".split()
)
# How an organisation's name ends. Only a party whose whole name ends so, after at least two
# more characters, is one: 王银行 is a person, and so is "张三系某某有限公司职员". When
# unsure the name is masked: masking a shop's name costs little, showing a person's cannot
# be undone.
ORGANISATION_WORDS = tuple(
    "公司 集团 银行 支行 分行 委员会 居委会 政府 合作社 信用社 检察院 公安局 人民法院 "
    "事务所 办事处 中心 学校 大学 学院 中学 小学 医院 幼儿园 协会 商会 基金会 经营部 "
    "门市部 企业 单位 机关 派出所".split()
)
ORGANISATION_ENDINGS = tuple("局 厅 署 院 所 厂 店 社 馆 站 村 行".split())
SHORTEST_ORGANISATION = 5  # characters, for the one-character endings: 张建社 is a person
ALREADY_MASKED = re.compile(r"^\S{1,2}某+$")
# The roles of parties and those who act for them, as case systems write them; longest
# first, so 被告人 is not read as 被告 followed by a name starting with 人.
ROLE_WORDS = tuple(
    sorted(
        set(
            "附带民事诉讼原告人 附带民事诉讼被告人 委托诉讼代理人 委托代理人 诉讼代理人 "
            "法定代理人 法定代表人 指定代理人 特别代理人 再审申请人 被再审申请人 申请执行人 "
            "被申请执行人 原审原告 原审被告 原审第三人 一审原告 一审被告 反诉原告 反诉被告 "
            "被上诉人 上诉人 被申请人 申请人 被告人 被告 原告 第三人 辩护人 公诉机关 公诉人 "
            "起诉人 被执行人 自诉人 被害人 异议人 申诉人 负责人 代理人 当事人 "
            "监护人 被监护人 原告人 案外人".split()
        ),
        key=len,
        reverse=True,
    )
)
_ROLE_SPLIT = re.compile("(" + "|".join(ROLE_WORDS) + ")")
_PUNCTUATION = re.compile(r"^[\s:：,，、;；()（）\[\]【】]*$")
# What joins the parties a cause names: 张三与李四离婚纠纷, 张三诉李四… (not the same
# characters inside causes' own words: 与公司有关的纠纷, 诉前保全, 和解, 及其)
_CAUSE_JOINS = re.compile(r"与(?!公司有关)|诉(?![讼前])|和(?!解)|及(?!其)|[、,，]")
_NOTE = re.compile(r"[（(].*?[)）]")
CAUSE_HIDDEN = "（案由含当事人姓名，已隐去）"


def is_organisation(name: str) -> bool:
    """Whether the whole party is an organisation (by how its name ends)."""
    text = re.sub(r"[（(].*?[)）]", "", name).strip()
    for word in ORGANISATION_WORDS:
        if text.endswith(word) and len(text) - len(word) >= 2:
            return True
    return len(text) >= SHORTEST_ORGANISATION and text.endswith(ORGANISATION_ENDINGS)


def mask_name(name: str) -> str:
    """张三 -> 张某, 欧阳娜娜 -> 欧阳某, John Smith -> J某; organisations unchanged."""
    name = name.strip()
    if not name or is_organisation(name) or ALREADY_MASKED.match(name):
        return name
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + "某"


def leading_role(text: str) -> tuple[str, str]:
    """("原告", "周丽娟") from "原告周丽娟"; ("", text) when it starts with no role."""
    stripped = text.strip()
    for word in ROLE_WORDS:
        if stripped.startswith(word):
            return word, stripped[len(word) :].lstrip(" :：")
    return "", stripped


def has_role_inside(name: str) -> bool:
    """Whether a role word sits inside a name, so the two cannot be told apart
    ("张小明法定代理人张大山"): the whole text is masked, and the upload warns."""
    return bool(_ROLE_SPLIT.search(name))


def mask_role(role: str) -> str:
    """The role words kept, any name between them masked: 张小明法定代理人 -> 张某法定代理人.
    A role with no role word in it is a name as far as anyone can tell: masked whole."""
    pieces = _ROLE_SPLIT.split(role)
    if len(pieces) == 1:
        return mask_name(role)
    return "".join(
        piece if piece in ROLE_WORDS or _PUNCTUATION.match(piece) else mask_name(piece)
        for piece in pieces
    )


def _names_between_roles(text: str) -> list[str]:
    return [
        piece.strip(" :：")
        for piece in _ROLE_SPLIT.split(text)
        if piece not in ROLE_WORDS and not _PUNCTUATION.match(piece)
    ]


def _people(parties: Sequence[Sequence[str]]) -> list[str]:
    """Every personal name the parties carry, in their names and inside their roles, with
    and without a note in brackets (李小龙（未成年人）)."""
    found = [
        name
        for text in (t for party in parties for t in party)
        for name in _names_between_roles(text)
    ]
    found += [_NOTE.sub("", name).strip() for name in found]
    people = {name for name in found if len(name) >= 2 and not is_organisation(name)}
    return sorted(people, key=len, reverse=True)


def _shown_as_party(segment: str, organisations: set[str]) -> bool:
    """Whether a part of a cause names nobody, or only masked people or organisations."""
    text = leading_role(segment)[1]
    return not text or bool(ALREADY_MASKED.match(text)) or text in organisations


def mask_cause(cause: str, parties: Sequence[Sequence[str]]) -> str:
    """The cause with the parties' names masked (张某与李某离婚纠纷). A cause that names
    someone who is not among the parties is hidden whole: there is no telling where the
    name ends and the cause begins."""
    shown = cause
    for name in _people(parties):
        shown = shown.replace(name, mask_name(name))
    segments = _CAUSE_JOINS.split(shown)
    if len(segments) == 1:
        return shown
    organisations = {name.strip() for _role, name in parties if is_organisation(name)}
    *named, last = segments
    if not all(_shown_as_party(segment, organisations) for segment in named):
        return CAUSE_HIDDEN
    rest = leading_role(last)[1]
    starts_known = re.match(r"^\S{1,2}某", rest) or any(
        rest.startswith(name) for name in organisations
    )
    return shown if starts_known else CAUSE_HIDDEN


def needs_masking(public: bool, cause: str, masked_causes: Iterable[str]) -> bool:
    """Not public, or a cause containing one of the site's sensitive words."""
    return not public or any(word and word in cause for word in masked_causes)


def shown_parties(parties: Iterable[Sequence[str]], masked: bool) -> list[dict[str, str]]:
    """The parties as the server may send them: names and roles masked when it needs it."""
    if not masked:
        return [{"role": role, "name": name} for role, name in parties]
    return [{"role": mask_role(role), "name": mask_name(name)} for role, name in parties]
