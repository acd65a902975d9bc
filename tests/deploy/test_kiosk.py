"""The kiosk kit in deploy/kiosk/: units systemd accepts, the browser started with the
flags a lobby needs, the setup script, and the watchdog's rounds against a real server,
with stand-ins for xset, cec-ctl and systemctl on PATH that write down how they were called."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support import LiveServer, free_port

KIT = Path(__file__).resolve().parents[2] / "deploy" / "kiosk"
UNITS = ["signage-kiosk.service", "signage-kiosk-watchdog.service", "signage-kiosk-watchdog.timer"]
ANALYZE = shutil.which("systemd-analyze")
URL = "http://10.0.0.5:8000/display/lobby-east?key=k3y_-abc"


class Tools:
    """A folder of stand-in programs; each appends its name and arguments to calls.log."""

    def __init__(self, folder: Path, names: tuple[str, ...]) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "calls.log"
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        program = self.folder / name
        program.write_text(f'#!/bin/sh\nprintf "%s\\n" "{name} $*" >> "{self.log}"\n')
        program.chmod(0o755)

    def calls(self) -> list[str]:
        """Every call so far, and forget them."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        self.log.unlink(missing_ok=True)
        return lines


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS)
def test_systemd_accepts_the_user_unit(unit: str, tmp_path: Path) -> None:
    text = (KIT / unit).read_text()
    local = tmp_path / unit
    # The scripts live in ~/.local/bin on a screen; here they are checked where they are.
    local.write_text(text.replace("%h/.local/bin/", f"{KIT}/"))
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    checked = subprocess.run(
        [ANALYZE, "--user", "verify", str(local)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)},
    )
    complaints = [
        line for line in (checked.stdout + checked.stderr).splitlines() if unit in line.strip()
    ]
    assert checked.returncode == 0 and complaints == [], checked.stdout + checked.stderr


def browser_run(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    tools = Tools(tmp_path / "bin", ("chromium",))
    (tools.folder / "chromium").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tools.log}"\n')
    return subprocess.run(
        [str(KIT / "signage-kiosk-browser")],
        env={
            "PATH": f"{tools.folder}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "SIGNAGE_SCREEN_URL": url,
        },
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_chromium_starts_in_kiosk_mode_with_autoplay_on_the_screen_address(
    tmp_path: Path,
) -> None:
    profile = tmp_path / ".local/share/signage-kiosk"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default/Preferences").write_text('{"profile":{"exit_type":"Crashed"}}')
    started = browser_run(tmp_path, URL)
    assert started.returncode == 0, started.stderr
    args = (tmp_path / "bin/calls.log").read_text().splitlines()
    expected = {"--kiosk", "--autoplay-policy=no-user-gesture-required", "--password-store=basic"}
    assert expected <= set(args)
    assert f"--user-data-dir={profile}" in args
    assert "--unsafely-treat-insecure-origin-as-secure=http://10.0.0.5:8000" in args
    assert args[-1] == URL
    # After a power cut it does not offer to restore pages over the programme.
    assert '"exit_type":"Normal"' in (profile / "Default/Preferences").read_text()

    secure = "https://signage.court.example/display/lobby-east?key=abc"
    assert browser_run(tmp_path, secure).returncode == 0
    args = (tmp_path / "bin/calls.log").read_text().splitlines()
    assert args[-1] == secure and not any("insecure" in arg for arg in args)

    wrong = browser_run(tmp_path, "http://10.0.0.5:8000/admin/")
    assert wrong.returncode == 2 and "setup-kiosk" in wrong.stderr


@pytest.fixture
def kiosk_user() -> Iterator[tuple[str, Path]]:
    """An unprivileged user (setup-kiosk refuses root) and a home folder it owns."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("running setup-kiosk as another user needs root and runuser")
    user = pwd.getpwnam("nobody")
    home = Path(tempfile.mkdtemp(prefix="signage-kiosk-"))
    home.chmod(0o755)
    os.chown(home, user.pw_uid, user.pw_gid)
    yield "nobody", home
    shutil.rmtree(home)


def setup_run(user: str | None, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = ["env", f"HOME={home}", f"PATH={home / 'bin'}:/usr/bin:/bin"]
    runner = ["runuser", "-u", user, "--"] if user else []
    return subprocess.run(
        [*runner, *env, "sh", str(KIT / "setup-kiosk"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_setup_installs_the_kit_keeps_the_key_private_and_starts_it(
    kiosk_user: tuple[str, Path],
) -> None:
    user, home = kiosk_user
    tools = Tools(home / "bin", ("systemctl",))
    for path in (tools.folder, *tools.folder.iterdir()):
        shutil.chown(path, user)
    done = setup_run(user, home, URL)
    assert done.returncode == 0, done.stderr
    assert "loginctl enable-linger nobody" in done.stdout
    assert tools.calls() == [
        "systemctl --user daemon-reload",
        "systemctl --user enable --now signage-kiosk.service signage-kiosk-watchdog.timer",
    ]
    for unit in UNITS:
        assert (home / ".config/systemd/user" / unit).read_text() == (KIT / unit).read_text()
    for script in ("signage-kiosk-browser", "signage-kiosk-watchdog"):
        assert os.access(home / ".local/bin" / script, os.X_OK)
    env = home / ".config/signage-kiosk/kiosk.env"
    assert f'SIGNAGE_SCREEN_URL="{URL}"' in env.read_text()
    assert stat.S_IMODE(env.stat().st_mode) == 0o600  # it holds the screen's key

    for wrong in (
        "http://10.0.0.5:8000/display/lobby-east",
        "lobby-east",
        'http://x/display/a?key=b"c',
    ):
        refused = setup_run(user, home, wrong)
        assert refused.returncode == 2 and "setup-kiosk:" in refused.stderr, wrong
    assert f'SIGNAGE_SCREEN_URL="{URL}"' in env.read_text()  # untouched by the refusals
    assert tools.calls() == []
    as_root = setup_run(None, home, "--no-start", URL)
    assert as_root.returncode == 2 and "not as root" in as_root.stderr


# -- the watchdog against a real server -------------------------------------------------------


@pytest.fixture
def hours_demo(playlists_dir: Path) -> Path:
    """lobby-east with opening hours only on a day long past: it is asleep, whatever today
    is; the other screens keep no hours (awake). Written before the server starts."""
    site = playlists_dir / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace(
            "    name: 诉讼服务中心东侧大屏\n",
            "    name: 诉讼服务中心东侧大屏\n"
            '    hours: {days: workdays, time: "07:30-18:30", dates: 2020-01-02}\n',
        ),
        encoding="utf-8",
    )
    return playlists_dir


class Watchdog:
    """Runs rounds of the watchdog for one screen, with stand-in tools."""

    def __init__(self, folder: Path, url: str, tools: tuple[str, ...]) -> None:
        self.url = url
        self.tools = Tools(folder / "bin", tools)
        self.state = folder / "state.json"
        self.cec = folder / "cec0"
        self.cec.touch()  # the box's CEC adapter

    def round(self, at: float) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, str(KIT / "signage-kiosk-watchdog"), "--state", str(self.state)]
            + ["--at", str(at)],
            env={
                "PATH": str(self.tools.folder),
                "HOME": str(self.tools.folder.parent),
                "SIGNAGE_SCREEN_URL": self.url,
                "SIGNAGE_KIOSK_CEC_DEVICE": str(self.cec),
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done


def beat(server: LiveServer, url: str) -> None:
    screen = url.split("/display/")[1].split("?")[0]
    key = url.split("key=")[1]
    answer = requests.post(
        f"{server.url}/api/v1/screens/{screen}/heartbeat",
        headers={"X-Screen-Key": key},
        json={},
        timeout=10,
    )
    assert answer.status_code == 200


ON = ["xset dpms force on", "xset s off", "xset -dpms"]
OFF = ["xset +dpms", "xset dpms force off"]
START = 1_800_000_000.0  # the watchdog's own clock, passed in: any moment will do


def test_the_panel_follows_the_hours_by_dpms_and_cec(
    hours_demo: Path, live_server: LiveServer, tmp_path: Path
) -> None:
    awake_url = live_server.signage("screen-url", "lobby-west")
    beat(live_server, awake_url)
    lit = Watchdog(tmp_path / "west", awake_url, ("xset", "cec-ctl", "systemctl"))
    first = lit.round(START)
    cec = f"cec-ctl -d {lit.cec} --playback --to 0"
    assert lit.tools.calls() == [*ON, f"{cec} --image-view-on"]
    assert "panel on (dpms and cec)" in first.stdout
    lit.round(START + 60)
    assert lit.tools.calls() == ON  # kept awake; the TV is not told again

    asleep_url = live_server.signage("screen-url", "lobby-east")
    beat(live_server, asleep_url)
    dark = Watchdog(tmp_path / "east", asleep_url, ("xset", "cec-ctl", "systemctl"))
    assert "panel off (dpms and cec)" in dark.round(START).stdout
    assert dark.tools.calls() == [*OFF, f"cec-ctl -d {dark.cec} --playback --to 0 --standby"]

    # A box without xset or cec-ctl: the page goes black by itself; nothing fails.
    bare = Watchdog(tmp_path / "bare", asleep_url, ("systemctl",))
    assert "the page shows black by itself" in bare.round(START).stdout
    assert bare.tools.calls() == []


def test_a_silent_page_is_restarted_once_in_a_while_and_a_lost_server_keeps_the_panel_on(
    hours_demo: Path, live_server: LiveServer, tmp_path: Path
) -> None:
    url = live_server.signage("screen-url", "tribunal-1")  # never reported
    watchdog = Watchdog(tmp_path / "t1", url, ("xset", "systemctl"))
    restart = "systemctl --user restart signage-kiosk.service"
    for seconds in (0, 60, 120):
        watchdog.round(START + seconds)
        assert restart not in watchdog.tools.calls()  # a page starting gets three minutes
    said = watchdog.round(START + 180).stdout
    assert restart in watchdog.tools.calls() and "has not reported for 180 s" in said
    for seconds in (240, 300):
        watchdog.round(START + seconds)
        assert restart not in watchdog.tools.calls()  # the new page gets its own time
    watchdog.round(START + 360)
    assert restart in watchdog.tools.calls()
    beat(live_server, url)
    watchdog.round(START + 600)
    assert restart not in watchdog.tools.calls()

    lost = url.replace(live_server.url, f"http://127.0.0.1:{free_port()}")
    cut_off = Watchdog(tmp_path / "lost", lost, ("xset", "systemctl"))
    for seconds in (0, 300, 600):
        said = cut_off.round(START + seconds).stdout
        assert cut_off.tools.calls() == ON  # lit: the page knows its hours by itself
    assert "cannot be asked" in said

    wrong = subprocess.run(
        [sys.executable, str(KIT / "signage-kiosk-watchdog"), "--state", str(tmp_path / "s")],
        env={"PATH": "", "HOME": str(tmp_path), "SIGNAGE_SCREEN_URL": "http://x/admin/"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong.returncode == 2 and "setup-kiosk" in wrong.stdout
