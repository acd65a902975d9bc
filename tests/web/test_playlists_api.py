"""Editing playlists and site.yaml over HTTP: validation, If-Match, atomic writes, bad input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask

from tests.web.api_check import Api, error_of

pytestmark = pytest.mark.both_databases  # rows the two dialects could store apart

YAML = {"Content-Type": "text/yaml"}

NEW_PLAYLIST = """# 新的轮播(注释要保留)
name: 新轮播
items:
  - tip:
      title: 调解优先
      body: 诉前调解不收费。
    seconds: 12   # 十二秒
"""


def opened(api: Api, token: str, path: str = "/playlists/daytime") -> tuple[bytes, str]:
    """The text and ETag a GET gives."""
    response = api.get(path, token)
    assert response.status_code == 200
    return response.data, response.headers["ETag"].strip('"')


def put(
    api: Api, token: str, text: bytes | str, etag: str | None, path: str = "/playlists/daytime"
):  # noqa: ANN201
    headers = {**YAML, **({"If-Match": f'"{etag}"'} if etag else {})}
    data = text.encode() if isinstance(text, str) else text
    return api.put(path, token, data=data, headers=headers)


def test_get_gives_the_file_as_stored_with_an_etag(
    api: Api, editor_token: str, playlists_dir: Path
) -> None:
    text, etag = opened(api, editor_token, "/site")
    assert text == (playlists_dir / "site.yaml").read_bytes()
    assert text.startswith("# 兴隆县人民法院".encode())
    as_json = api.get(
        "/playlists/daytime", editor_token, headers={"Accept": "application/json"}
    ).get_json()
    assert as_json["yaml"].startswith("name: 日间普法轮播") and as_json["file"] == "daytime.yaml"
    listed = api.get("/playlists", editor_token).get_json()["playlists"]
    assert {
        "id": "daytime",
        "file": "daytime.yaml",
        "name": "日间普法轮播",
        "items": 8,
        "unit": None,
    } in listed


def test_put_stores_the_exact_text_and_screens_see_it_at_the_next_poll(
    app: Flask, api: Api, editor_token: str, playlists_dir: Path, screen_key
) -> None:
    before, etag = opened(api, editor_token)
    key = screen_key("lobby-west")
    manifest = api.get("/screens/lobby-west/manifest", query_string={"key": key})
    names = {s["name"] for s in manifest.get_json()["segments"]}
    changed = before.replace(
        "name: 日间普法轮播".encode(), "# 改名\nname: 日间轮播   # 新名字".encode()
    )
    saved = put(api, editor_token, changed, etag)
    assert saved.status_code == 200
    body = saved.get_json()
    assert body["etag"] == saved.headers["ETag"].strip('"') != etag
    assert (playlists_dir / "daytime.yaml").read_bytes() == changed
    assert not [p for p in playlists_dir.iterdir() if p.name.startswith(".")]
    again = api.get("/screens/lobby-west/manifest", query_string={"key": key}).get_json()
    if "日间普法轮播" in names:  # the daytime playlist is in the window: it shows renamed
        assert "日间轮播" in {s["name"] for s in again["segments"]}
    assert app.extensions["signage"].state.current.playlists["daytime"].name == "日间轮播"


def test_put_of_site_validates_against_the_playlists(
    api: Api, editor_token: str, playlists_dir: Path
) -> None:
    text, etag = opened(api, editor_token, "/site")
    broken = text.replace(b"default_playlist: evening", b"default_playlist: evenign")
    refused = put(api, editor_token, broken, etag, "/site")
    assert refused.status_code == 422
    error = error_of(refused)
    assert error["code"] == "invalid_config"
    assert error["details"][0]["file"] == "site.yaml" and error["details"][0]["line"] > 1
    assert "evening" in error["details"][0]["message"]  # did you mean
    assert (playlists_dir / "site.yaml").read_bytes() == text


def test_bad_yaml_and_wrong_schema_are_refused_with_every_position(
    api: Api, editor_token: str, playlists_dir: Path
) -> None:
    original, etag = opened(api, editor_token)
    not_yaml = put(api, editor_token, "name: 日间\nitems:\n  - clip: [unclosed\n", etag)
    assert not_yaml.status_code == 422
    first = error_of(not_yaml)["details"][0]
    assert first["file"] == "daytime.yaml" and first["line"] == 3 and first["column"]
    wrong = put(
        api,
        editor_token,
        "name: 日间\nitems:\n  - clip: anti-fraud\n    secnds: 3\n  - tip: {}\n",
        etag,
    )
    details = error_of(wrong)["details"]
    assert wrong.status_code == 422
    # The saved file's own errors come first, each with its position.
    assert [(d["file"], d["line"]) for d in details][:2] == [
        ("daytime.yaml", 4),
        ("daytime.yaml", 5),
    ]
    assert "did you mean 'seconds'" in details[0]["message"] and details[0]["column"] == 5
    assert (playlists_dir / "daytime.yaml").read_bytes() == original


def test_an_alias_bomb_is_refused_without_expanding(api: Api, editor_token: str) -> None:
    _, etag = opened(api, editor_token)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb = "\n".join(lines) + "\nname: x\nitems: []\n"
    refused = put(api, editor_token, bomb, etag)
    assert refused.status_code == 422
    assert error_of(refused)["details"][0]["code"] == "alias"


def test_if_match_is_required_and_a_lost_update_is_refused(
    api: Api, editor_token: str, admin_token: str, playlists_dir: Path
) -> None:
    text, etag = opened(api, editor_token)
    missing = put(api, editor_token, text, None)
    assert missing.status_code == 428 and error_of(missing)["code"] == "if_match_required"
    star = api.put("/playlists/daytime", editor_token, data=text, headers={**YAML, "If-Match": "*"})
    assert star.status_code == 428
    first = put(api, editor_token, text.replace("日间".encode(), "甲".encode(), 1), etag)
    second = put(api, admin_token, text.replace("日间".encode(), "乙".encode(), 1), etag)
    assert first.status_code == 200 and second.status_code == 412
    assert error_of(second)["details"]["current_etag"] == first.get_json()["etag"]
    assert "name: 甲" in (playlists_dir / "daytime.yaml").read_text(encoding="utf-8")


def test_bodies_over_the_limits_are_refused_in_the_json_shape(
    api: Api, editor_token: str, playlists_dir: Path
) -> None:
    original, etag = opened(api, editor_token)
    huge = put(api, editor_token, b"#" * (20 * 1024 * 1024), etag)
    assert huge.status_code == 413 and error_of(huge)["code"] == "too_large"
    big = put(api, editor_token, b"# " + b"x" * (1024 * 1024 + 10) + b"\nname: x\n", etag)
    assert big.status_code == 413 and "1 MB" in error_of(big)["message"]
    assert (playlists_dir / "daytime.yaml").read_bytes() == original


def test_ids_that_are_not_plain_ids_never_reach_the_disk(
    api: Api, editor_token: str, tmp_path: Path
) -> None:
    (tmp_path / "secret.yaml").write_text("name: secret\n", encoding="utf-8")
    for path in (
        "/playlists/..",
        "/playlists/..%2Fsecret",
        "/playlists/%2E%2E",
        "/playlists/Daytime",
        "/playlists/site",
        "/playlists/a%00b",
    ):
        response = api.get(path, editor_token)
        assert response.status_code in (400, 404), path
        assert "secret" not in response.get_data(as_text=True)
    assert error_of(api.get("/playlists/..", editor_token))["code"] == "bad_id"
    assert api.get("/history/..%2Fsecret.yaml", editor_token).status_code == 404
    assert api.get("/history/secret.yml", editor_token).status_code == 400


def test_create_then_delete_a_playlist(api: Api, editor_token: str, playlists_dir: Path) -> None:
    created = api.post(
        "/playlists?id=mediation", editor_token, data=NEW_PLAYLIST.encode(), headers=YAML
    )
    assert created.status_code == 201
    assert created.headers["Location"].endswith("/api/v1/playlists/mediation")
    assert [w["code"] for w in created.get_json()["warnings"]] == ["unused_playlist"]
    assert (playlists_dir / "mediation.yaml").read_text(encoding="utf-8") == NEW_PLAYLIST
    again = api.post("/playlists", editor_token, json={"id": "mediation", "yaml": "name: x\n"})
    assert again.status_code == 409 and error_of(again)["code"] == "exists"
    nameless = api.post("/playlists", editor_token, data=b"name: x\n", headers=YAML)
    assert nameless.status_code == 422
    wrong_type = api.post(
        "/playlists?id=x", editor_token, data=b"name: x", headers={"Content-Type": "image/png"}
    )
    assert wrong_type.status_code == 415
    deleted = api.delete("/playlists/mediation", editor_token)
    assert deleted.status_code == 200 and not (playlists_dir / "mediation.yaml").exists()
    assert api.get("/playlists/mediation", editor_token).status_code == 404


def test_delete_is_refused_while_site_yaml_uses_the_playlist(
    api: Api, editor_token: str, playlists_dir: Path
) -> None:
    refused = api.delete("/playlists/evening", editor_token)
    assert refused.status_code == 409
    error = error_of(refused)
    assert error["code"] == "in_use" and "site.yaml" in error["message"]
    assert {d["line"] for d in error["details"]} == {64, 67}  # the rule and default_playlist
    assert (playlists_dir / "evening.yaml").exists()


def test_only_admins_change_screens_whichever_way_site_yaml_is_saved(
    api: Api, editor_token: str, admin_token: str, playlists_dir: Path, app: Flask
) -> None:
    text, etag = opened(api, editor_token, "/site")
    added = text.replace(b"screens:\n", b"screens:\n  mallory:\n    name: x\n", 1)
    removed = text.replace(
        b"  tribunal-2:\n    name: \xe7\xac\xac", b"  tribunal-3:\n    name: \xe7\xac\xac"
    )
    regrouped = text.replace(b"groups: [tribunals]", b"groups: [lobby]", 1)
    for changed in (added, removed, regrouped):
        assert changed != text
        refused = put(api, editor_token, changed, etag, "/site")
        assert refused.status_code == 403
        assert error_of(refused)["code"] == "screens_admin_only"
    assert (playlists_dir / "site.yaml").read_bytes() == text

    # An editor still changes the rest of site.yaml; an admin changes screens too.
    def with_new_ticker(yaml: bytes) -> bytes:
        return yaml.replace(b"12368", "12368 转 1".encode())

    assert put(api, editor_token, with_new_ticker(text), etag, "/site").status_code == 200
    _, etag = opened(api, admin_token, "/site")
    assert put(api, admin_token, with_new_ticker(added), etag, "/site").status_code == 200
    # Restoring an old revision is a save too: the editor cannot undo the admin's screen.
    history = api.get("/history/site.yaml", editor_token).get_json()
    oldest = history["revisions"][-1]["revision"]
    _, etag = opened(api, editor_token, "/site")
    restore = api.post(
        f"/history/site.yaml/{oldest}/restore", editor_token, headers={"If-Match": f'"{etag}"'}
    )
    assert restore.status_code == 403


def test_control_characters_and_deep_nesting_are_422_and_hand_edits_show_in_health(
    api: Api, editor_token: str, playlists_dir: Path, client: object
) -> None:
    text, etag = opened(api, editor_token)
    for bad in (
        text.replace("日间".encode(), "日\x00间".encode()),
        b"name: " + b"[" * 20000 + b"]" * 20000,
    ):
        refused = put(api, editor_token, bad, etag)
        assert refused.status_code == 422
        detail = error_of(refused)["details"][0]
        assert detail["file"] == "daytime.yaml" and detail["line"] >= 1 and detail["column"] >= 1
    (playlists_dir / "daytime.yaml").write_bytes(
        text.replace("日间".encode(), "日\ufffe间".encode())
    )
    time.sleep(1.1)  # CONFIG_CHECK_SECONDS
    health = client.get("/healthz")  # type: ignore[attr-defined]
    assert health.get_json()["status"] == "degraded"  # the details are for staff
    errors = [i.to_dict() for i in api.app.extensions["signage"].state.issues]
    assert errors[0]["file"] == "daytime.yaml" and "U+FFFE" in errors[0]["message"]
    assert (errors[0]["line"], errors[0]["column"]) == (1, 8)
    assert api.get("/playlists/daytime", editor_token).status_code == 200


def test_a_symbolic_link_is_never_served_and_a_save_replaces_it(
    api: Api, editor_token: str, playlists_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: 机密\nitems: []\n", encoding="utf-8")
    (playlists_dir / "leak.yaml").symlink_to(outside)
    answer = api.get("/playlists/leak", editor_token)
    assert answer.status_code == 409 and error_of(answer)["code"] == "symlink"
    assert "机密" not in answer.get_data(as_text=True)
    # Saving another file is refused while the link stands: the folder could not load.
    text, etag = opened(api, editor_token)
    refused = put(api, editor_token, text.replace("日间".encode(), "白天".encode()), etag)
    assert refused.status_code == 422
    assert error_of(refused)["details"][0]["code"] == "symlink"
    assert outside.read_text(encoding="utf-8") == "name: 机密\nitems: []\n"
