"""The settings table: defaults, environment overrides, one-line errors."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import types
import typing
from pathlib import Path

import pytest

from signage import create_app
from signage.errors import SettingsError
from signage.settings import (
    SETTINGS,
    Settings,
    describe_settings,
    load_settings,
    settings_in_effect,
)
from tests.commands import run_signage


def test_defaults_need_no_environment() -> None:
    values = load_settings(environ={})
    assert values.playlists_dir == Path.cwd() / "playlists"
    assert values.media_dir == Path.cwd() / "media"
    assert values.port == 8000
    assert values.database_url is None and values.secret_key is None
    assert values.review is False and values.urgent_messages_by == "staff"
    assert load_settings(environ={"SIGNAGE_REVIEW": " On "}).review is True


def test_environment_overrides_and_explicit_values_win() -> None:
    environ = {"SIGNAGE_PORT": "9000", "SIGNAGE_MAX_UPLOAD_MB": "10"}
    values = load_settings({"PORT": 9100}, environ=environ)
    assert values.port == 9100
    assert values.max_upload_mb == 10


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("PORT", "0", "SIGNAGE_PORT: expected a whole number from 1 to 65535, got 0"),
        ("MAX_UPLOAD_MB", "lots", "SIGNAGE_MAX_UPLOAD_MB: expected a whole number"),
        ("PUBLIC_URL", "court.local", "SIGNAGE_PUBLIC_URL: expected an address like http://"),
        ("LOG_LEVEL", "loud", "SIGNAGE_LOG_LEVEL: expected one of debug, info, warning, error"),
        ("MEDIA_DIR", " ", "SIGNAGE_MEDIA_DIR: expected a folder path"),
        ("REVIEW", "yes", "SIGNAGE_REVIEW: expected on or off, got 'yes'"),
        ("URGENT_MESSAGES_BY", "all", "SIGNAGE_URGENT_MESSAGES_BY: expected one of staff, rev"),
    ],
)
def test_wrong_values_name_the_variable(name: str, raw: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ={f"SIGNAGE_{name}": raw})
    assert caught.value.message.startswith(message)
    assert "\n" not in caught.value.message


def test_unknown_override_is_refused() -> None:
    with pytest.raises(SettingsError, match="unknown setting PROT"):
        load_settings({"PROT": 1}, environ={})


def test_every_setting_has_help_and_a_variable() -> None:
    rows = describe_settings()
    assert len(rows) == len(SETTINGS)
    assert all(row["help"] and str(row["name"]).startswith("SIGNAGE_") for row in rows)


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = {"PLAYLISTS_DIR": tmp_path / "p", "MEDIA_DIR": tmp_path / "m"}
    first = create_app(settings).secret_key
    again = create_app(settings).secret_key
    assert first and first == again
    assert create_app({**settings, "SECRET_KEY": "given"}).secret_key == "given"
    assert (tmp_path / "m" / "signage.db").exists()


def test_relative_folders_are_taken_from_where_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    values = load_settings(
        {"MEDIA_DIR": "media", "PLAYLISTS_DIR": "./config/playlists"}, environ={}
    )
    assert values.media_dir == tmp_path / "media"
    assert values.playlists_dir == tmp_path / "config" / "playlists"


def test_settings_in_effect_say_where_each_value_came_from() -> None:
    rows = {
        row["name"]: row
        for row in settings_in_effect({"SIGNAGE_TRUSTED_PROXIES": "1", "SIGNAGE_SECRET_KEY": "s3"})
    }
    assert rows["SIGNAGE_TRUSTED_PROXIES"]["value"] == 1
    assert rows["SIGNAGE_TRUSTED_PROXIES"]["source"] == "environment"
    assert rows["SIGNAGE_PORT"] == {**rows["SIGNAGE_PORT"], "value": 8000, "source": "default"}
    assert rows["SIGNAGE_SECRET_KEY"]["value"] == "(hidden)"
    assert rows["SIGNAGE_METRICS_TOKEN"]["value"] is None


def test_signage_settings_json_masks_the_database_password(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SIGNAGE_MEDIA_DIR": str(tmp_path / "media"),
        "SIGNAGE_DATABASE_URL": "postgresql+psycopg://signage:hunter2@db.court/signage",
    }
    done = run_signage(env, "settings", "--json")
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    assert (
        rows["SIGNAGE_DATABASE_URL"]["value"] == "postgresql+psycopg://signage:***@db.court/signage"
    )
    assert rows["SIGNAGE_DATABASE_URL"]["source"] == "environment"
    assert rows["SIGNAGE_MEDIA_DIR"] == {**rows["SIGNAGE_MEDIA_DIR"], "source": "environment"}
    assert "hunter2" not in done.stdout
    plain = run_signage({k: v for k, v in env.items() if k != "SIGNAGE_DATABASE_URL"}, "settings")
    assert f"sqlite:///{tmp_path / 'media' / 'signage.db'}  [default]" in plain.stdout


# A value for each setting that has no default, as a court would set it.
SET_BY_HAND = {
    "DATABASE_URL": "sqlite:////srv/signage/signage.db",
    "SECRET_KEY": "s3",
    "PUBLIC_URL": "http://10.0.0.5:8000",
    "FFMPEG": "/usr/bin/ffmpeg",
    "FFPROBE": "/usr/bin/ffprobe",
    "MEDIA_ACCEL_REDIRECT": "/protected-media/",
    "METRICS_TOKEN": "t0ken",
    "ALERT_WEBHOOK": "http://10.0.0.9/hook",
    "HEARINGS_URL": "http://10.0.0.9/hearings.csv",
    "TRUSTED_PUBLISHERS": "trusted-publishers.txt",
    "SUBSCRIBE": "http://10.0.0.7/api/v1/published, http://10.0.0.8/api/v1/published",
}


def _has_type(value: object, annotation: object) -> bool:
    if isinstance(annotation, types.UnionType):
        return any(_has_type(value, arm) for arm in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if typing.get_origin(annotation) is typing.Literal:
        return value in typing.get_args(annotation)
    if typing.get_origin(annotation) is tuple:
        return isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    return isinstance(value, annotation)  # type: ignore[arg-type]


@pytest.mark.parametrize("environ", [{}, {f"SIGNAGE_{k}": v for k, v in SET_BY_HAND.items()}])
def test_each_value_has_the_type_the_table_declares(environ: dict[str, str]) -> None:
    values = load_settings(environ=environ)
    hints = typing.get_type_hints(Settings)
    wrong = [
        f"{f.name}={getattr(values, f.name)!r} is not {hints[f.name]}"
        for f in dataclasses.fields(Settings)
        if not _has_type(getattr(values, f.name), hints[f.name])
    ]
    assert wrong == []
    if environ:
        assert None not in [getattr(values, f.name) for f in dataclasses.fields(Settings)]


def test_the_values_in_effect_cannot_change_under_the_running_code() -> None:
    values = load_settings(environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        values.review = True  # type: ignore[misc]


def test_no_code_reads_a_setting_by_its_name_as_a_string() -> None:
    package = Path(__file__).resolve().parent.parent / "signage"
    names = "|".join(s.name for s in SETTINGS)
    by_name = re.compile(
        rf"""(?:\[|\.get\()["'](?:SIGNAGE_)?({names})["']"""
        rf"""|getattr\(.*["']({names.lower()})["']"""
    )
    assert by_name.search('parts().settings["MEDIA_DIR"]')  # the check can fail
    assert by_name.search('getattr(parts().settings, "review")')
    found = [
        f"{path.relative_to(package.parent)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "settings.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_name.search(line)
    ]
    assert found == []
