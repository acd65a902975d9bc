"""A playlist's change as the clerk made it: item numbers from 1, fields, characters marked."""

from __future__ import annotations

from pathlib import Path

from signage.config.changes import ItemChange, Piece, marked, playlist_changes, site_changes

WEEK = (Path(__file__).resolve().parents[2] / "playlists" / "constitution-week.yaml").read_text()


def test_a_changed_body_is_the_fourth_items_text_with_its_characters_marked() -> None:
    draft = WEEK.replace("欢迎取阅宣传资料", "欢迎免费取阅宣传资料")
    (change,) = playlist_changes(WEEK, draft)
    assert (change.action, change.number, change.index) == ("changed", 4, 3)
    assert (change.kind, change.label, change.field) == ("tip", "宪法宣传周", "body")
    assert [p for p in change.pieces if p.change != "same"] == [Piece("免费", "added")]
    assert "".join(p.text for p in change.pieces) == draft.split("body: ")[2].split("\n")[0]


def test_added_removed_renamed_and_retimed_items_are_each_told() -> None:
    draft = (
        WEEK.replace("name: 宪法宣传周专题", "name: 宪法宣传周")
        .replace("  - clip: anti-fraud\n", "")
        .replace("    seconds: 20\n", "    seconds: 25\n")
        + "  - tip:\n      title: 新提示\n      body: 正文\n"
    )
    changes = playlist_changes(WEEK, draft)
    assert [(c.action, c.number, c.field) for c in changes] == [
        ("changed", 0, "name"),
        ("changed", 2, "seconds"),
        ("removed", 3, None),
        ("added", 4, None),
    ]
    assert changes[1].pieces == (Piece("2", "same"), Piece("0", "removed"), Piece("5", "added"))
    assert changes[2] == ItemChange("removed", 3, None, "clip", "anti-fraud", None, ())
    assert changes[3].index == 3 and changes[3].pieces == (Piece("正文", "added"),)


def test_comments_alone_change_nothing_and_an_unreadable_text_says_so() -> None:
    assert playlist_changes(WEEK, "# 改了注释\n" + WEEK) == []
    assert playlist_changes(WEEK, "items: [") is None
    assert [c.action for c in playlist_changes(None, WEEK)] == ["changed"] + ["added"] * 4


def test_characters_are_marked_in_order() -> None:
    assert marked("12-07", "12-08") == (
        Piece("12-0", "same"),
        Piece("7", "removed"),
        Piece("8", "added"),
    )


SITE = (Path(__file__).resolve().parents[2] / "playlists" / "site.yaml").read_text()


def test_site_yaml_changes_are_told_by_screen_calendar_day_and_rule() -> None:
    draft = (
        SITE.replace(
            "    name: 第一法庭门口\n", "    name: 第一法庭门口\n    courtroom: 第一法庭\n"
        )
        .replace("    priority: 20\n", "    priority: 30\n")
        .replace("groups:\n", "calendar:\n  holidays: [2027-01-01]\ngroups:\n")
    )
    changes, others = site_changes(SITE, draft, lambda value: f"<{value}>")
    assert [(c.kind, c.action, c.number, c.label, c.field) for c in changes] == [
        ("screen", "changed", 0, "第一法庭门口", "courtroom"),
        ("calendar", "added", 0, "", "holidays"),
        ("rule", "changed", 1, "", "priority"),
    ]
    assert changes[0].pieces == (Piece("<第一法庭>", "added"),)
    assert not others
    _, ticker_too = site_changes(SITE, draft.replace("12368 ·", "12368·"), str)
    assert ticker_too  # the ticker has no page of its own here: the lines are shown too
