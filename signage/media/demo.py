"""Demo clips and a poster drawn by ffmpeg, so a new installation shows something at once.

They carry the media ids the demo playlists use. Titles are Chinese when a CJK font is
installed, English with any other font, and left out when the machine has no font at all;
the files are made either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

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


@dataclass(frozen=True)
class DemoItem:
    """One demo file: its media id, kind, library title and the lines drawn on it."""

    media_id: str
    kind: Literal["video", "image"]
    title: str
    chinese: tuple[str, ...]
    english: tuple[str, ...]
    background: str


DEMO_ITEMS = (
    DemoItem(
        "anti-fraud",
        "video",
        "防范电信诈骗 · 普法小课堂",
        ("防范电信诈骗 · 普法小课堂", "陌生来电要警惕 · 转账汇款先核实"),
        ("Court signage demo", "Beware of phone fraud: check before you transfer money"),
        "0x12325a",
    ),
    DemoItem(
        "court-guide",
        "video",
        "诉讼服务指南",
        ("诉讼服务指南 · 立案须知", "网上立案 · 跨域立案 · 12368 诉讼服务热线"),
        ("Court services guide", "File a case online, or call the 12368 hotline"),
        "0x1d5a3a",
    ),
    DemoItem(
        "constitution-poster",
        "image",
        "宪法宣传周海报",
        ("弘扬宪法精神 · 建设法治中国", "12月4日 国家宪法日", "兴隆县人民法院"),
        ("Uphold the Constitution", "4 December - National Constitution Day", "Court signage demo"),
        "0xa31515",
    ),
)


def _caption(picture: Any, font: Font | None, text: str, size: int, y: str, colour: str) -> Any:
    if font is None:
        return picture
    return picture.drawtext(
        fontfile=str(font.path),
        text=text,
        fontsize=size,
        fontcolor=colour,
        x="(w-text_w)/2",
        y=y,
        shadowcolor="black@0.4",
        shadowx=2,
        shadowy=2,
    )


def _lines(item: DemoItem, font: Font | None) -> tuple[str, ...]:
    return item.chinese if font is not None and font.cjk else item.english


def demo_clip_command(
    item: DemoItem,
    target: Path,
    binaries: Binaries,
    font: Font | None,
    *,
    seconds: float = 8,
    width: int = 1280,
    height: int = 720,
) -> list[str]:
    """The ffmpeg command drawing a demo clip: a titled card, a moving bar, a soft tone."""
    rate = 25
    title, subtitle = _lines(item, font)[:2]
    card = ffmpeg_cli.input(
        f"color=c={item.background}:s={width}x{height}:r={rate}:d={seconds}", format="lavfi"
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
        picture,
        tone,
        str(target),
        format="mp4",
        pix_fmt="yuv420p",
        movflags="+faststart",
        ac=2,
        **{"c:v": "libx264", "preset": "veryfast", "profile:v": "high", "c:a": "aac"},
    )
    return output.global_args("-hide_banner", "-nostdin", "-y").compile(cmd=binaries.ffmpeg)


def demo_poster_command(
    item: DemoItem,
    target: Path,
    binaries: Binaries,
    font: Font | None,
    *,
    width: int = 1920,
    height: int = 1080,
) -> list[str]:
    """The ffmpeg command drawing a demo poster: a coloured card with three lines of text."""
    title, subtitle, footer = _lines(item, font)[:3]
    picture = ffmpeg_cli.input(f"color=c={item.background}:s={width}x{height}", format="lavfi")
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
) -> dict[str, Path]:
    """Draw every demo item (clips 1280×720, poster 1920×1080) into a folder, by media id."""
    folder.mkdir(parents=True, exist_ok=True)
    font = find_font(font_folders)
    # Halved sizes doubled again: 4:2:0 video needs even widths and heights.
    clip_size = {"width": 2 * round(640 * scale), "height": 2 * round(360 * scale)}
    poster_size = {"width": 2 * round(960 * scale), "height": 2 * round(540 * scale)}
    made = {}
    for item in DEMO_ITEMS:
        if item.kind == "video":
            target = folder / f"demo-{item.media_id}.mp4"
            argv = demo_clip_command(item, target, binaries, font, seconds=seconds, **clip_size)
        else:
            target = folder / f"demo-{item.media_id}.jpg"
            argv = demo_poster_command(item, target, binaries, font, **poster_size)
        run_command(argv, timeout=300, outputs=[target])
        made[item.media_id] = target
    return made
