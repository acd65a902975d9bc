"""The settings table: defaults, environment overrides, one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from signage import create_app
from signage.errors import SettingsError
from signage.settings import SETTINGS, describe_settings, load_settings, settings_in_effect
from tests.commands import run_signage


def test_defaults_need_no_environment() -> None:
    values = load_settings(environ={})
    assert values["PLAYLISTS_DIR"] == Path.cwd() / "playlists"
    assert values["MEDIA_DIR"] == Path.cwd() / "media"
    assert values["PORT"] == 8000
    assert values["DATABASE_URL"] is None and values["SECRET_KEY"] is None
    assert values["REVIEW"] is False and values["URGENT_MESSAGES_BY"] == "staff"
    assert load_settings(environ={"SIGNAGE_REVIEW": " On "})["REVIEW"] is True


def test_environment_overrides_and_explicit_values_win() -> None:
    environ = {"SIGNAGE_PORT": "9000", "SIGNAGE_MAX_UPLOAD_MB": "10"}
    values = load_settings({"PORT": 9100}, environ=environ)
    assert values["PORT"] == 9100
    assert values["MAX_UPLOAD_MB"] == 10


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
    assert values["MEDIA_DIR"] == tmp_path / "media"
    assert values["PLAYLISTS_DIR"] == tmp_path / "config" / "playlists"


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
