"""A demo clip and poster drawn by ffmpeg, so a new installation shows something at once.

Titles are Chinese when a CJK font is installed, English with any other font, and left out
when the machine has no font at all; the clip and poster are made either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg as ffmpeg_cli

from signage.media.ffmpeg import Binaries, run_command

FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/System/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
# Bold faces first: titles are read from across a lobby.
CJK_FONT_NAMES = (
    "NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf", "SourceHanSansSC-Bold.otf", "SourceHanSansSC-Regular.otf",
    "wqy-zenhei.ttc", "wqy-microhei.ttc", "PingFang.ttc", "msyhbd.ttc", "msyh.ttc",
    "simhei.ttf",
)  # fmt: skip
LATIN_FONT_NAMES = (
    "DejaVuSans-Bold.ttf",
    "DejaVuSans.ttf",
    "LiberationSans-Bold.ttf",
    "Arial.ttf",
    "arial.ttf",
    "Helvetica.ttc",
)

CLIP_TEXT = {
    True: ("防范电信诈骗 · 普法小课堂", "陌生来电要警惕 · 转账汇款先核实"),
    False: ("Court signage demo", "Beware of phone fraud: check before you transfer money"),
}
POSTER_TEXT = {
    True: ("弘扬宪法精神 · 建设法治中国", "12月4日 国家宪法日", "兴隆县人民法院"),
    False: (
        "Uphold the Constitution",
        "4 December - National Constitution Day",
        "Court signage demo",
    ),
}


@dataclass(frozen=True)
class Font:
    path: Path
    cjk: bool


def _first_font(names: tuple[str, ...], folders: tuple[Path, ...]) -> Path | None:
    for name in names:
        for folder in folders:
            if not folder.is_dir():
                continue
            for found in sorted(folder.rglob(name)):
                if found.is_file():
                    return found
    return None


def find_font(folders: tuple[Path, ...] = FONT_FOLDERS) -> Font | None:
    """A font able to draw Chinese if one is installed, else any usable font, else None."""
    cjk = _first_font(CJK_FONT_NAMES, folders)
    if cjk is not None:
        return Font(cjk, cjk=True)
    latin = _first_font(LATIN_FONT_NAMES, folders)
    return Font(latin, cjk=False) if latin is not None else None


def _caption(picture: Any, font: Font | None, text: str, size: int, y: str, colour: str) -> Any:
    if font is None:
        return picture
    return picture.drawtext(
        fontfile=str(font.path), text=text, fontsize=size, fontcolor=colour,
        x="(w-text_w)/2", y=y, shadowcolor="black@0.4", shadowx=2, shadowy=2,
    )  # fmt: skip


def demo_clip_command(
    target: Path,
    binaries: Binaries,
    font: Font | None,
    *,
    seconds: float = 8,
    width: int = 1280,
    height: int = 720,
) -> list[str]:
    """The ffmpeg command drawing the demo clip: a titled card, a moving bar, a soft tone."""
    rate = 25
    title, subtitle = CLIP_TEXT[bool(font and font.cjk)]
    card = ffmpeg_cli.input(
        f"color=c=0x12325a:s={width}x{height}:r={rate}:d={seconds}", format="lavfi"
    )
    bar = ffmpeg_cli.input(
        f"color=c=0xd4a017:s={width}x{max(2, height // 60)}:r={rate}", format="lavfi"
    )
    picture = card.overlay(bar, x=f"-w+w*t/{seconds}", y="H-h", shortest=1)
    picture = _caption(picture, font, title, height // 11, "h*0.36", "white")
    picture = _caption(picture, font, subtitle, height // 20, "h*0.56", "0xdde6f0")
    tone = ffmpeg_cli.input(
        f"sine=frequency=523.25:sample_rate=48000:duration={seconds}", format="lavfi"
    ).filter("volume", 0.1)
    output = ffmpeg_cli.output(
        picture, tone, str(target), format="mp4", pix_fmt="yuv420p", movflags="+faststart",
        ac=2, **{"c:v": "libx264", "preset": "veryfast", "profile:v": "high", "c:a": "aac"},
    )  # fmt: skip
    return output.global_args("-hide_banner", "-nostdin", "-y").compile(cmd=binaries.ffmpeg)


def demo_poster_command(
    target: Path,
    binaries: Binaries,
    font: Font | None,
    *,
    width: int = 1920,
    height: int = 1080,
) -> list[str]:
    """The ffmpeg command drawing the demo poster: a red card with three lines of text."""
    title, subtitle, footer = POSTER_TEXT[bool(font and font.cjk)]
    picture = ffmpeg_cli.input(f"color=c=0xa31515:s={width}x{height}", format="lavfi")
    picture = picture.drawbox(0, "ih*0.8", "iw", 4, color="0xf2c94c", thickness="fill")
    picture = _caption(picture, font, title, height // 10, "h*0.3", "0xf2c94c")
    picture = _caption(picture, font, subtitle, height // 18, "h*0.52", "white")
    picture = _caption(picture, font, footer, height // 22, "h*0.85", "white")
    output = ffmpeg_cli.output(picture, str(target), update=1, **{"frames:v": 1, "q:v": 2})
    return output.global_args("-hide_banner", "-nostdin", "-y").compile(cmd=binaries.ffmpeg)


def make_demo_files(
    folder: Path,
    binaries: Binaries,
    *,
    font_folders: tuple[Path, ...] = FONT_FOLDERS,
    scale: float = 1.0,
    seconds: float = 8,
) -> tuple[Path, Path]:
    """Draw the demo clip (1280×720) and poster (1920×1080) into a folder; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    font = find_font(font_folders)
    clip, poster = folder / "demo-clip.mp4", folder / "demo-poster.jpg"
    # Halved sizes doubled again: 4:2:0 video needs even widths and heights.
    clip_size = {"width": 2 * round(640 * scale), "height": 2 * round(360 * scale)}
    poster_size = {"width": 2 * round(960 * scale), "height": 2 * round(540 * scale)}
    drawings = (
        (clip, demo_clip_command(clip, binaries, font, seconds=seconds, **clip_size)),
        (poster, demo_poster_command(poster, binaries, font, **poster_size)),
    )
    for target, argv in drawings:
        run_command(argv, timeout=300, outputs=[target])
    return clip, poster
