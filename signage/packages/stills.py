"""Tips as pictures for the USB stick: the player's tip card (colours, CJK type, the title's
red bar, the QR code with its line) set with Pillow at the stick's size, text wrapped by
measured widths and shrunk until it fits, as the player's fit.js does on a screen."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from signage.config.model import Tip
from signage.errors import SignageError
from signage.phrases import N_
from signage.programme.qr import QUIET_ZONE, qr_matrix

FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
PAPER_TOP, PAPER_BOTTOM = (0xF8, 0xF3, 0xE6), (0xEF, 0xE4, 0xC8)  # .tip's gradient
INK, RED = (0x1D, 0x27, 0x33), (0xA3, 0x16, 0x1D)
SCAN_LINE = "手机扫码访问"
# Line-break strict: these never begin a line, they stay with the character before them.
NO_LINE_START = set("，。、；：？！）》」』】〕…—,.;:?!)%")
TOKENS = re.compile(r"[A-Za-z0-9@#&+\-./:_=?%~]+|\s+|.")


class FontMissing(SignageError):
    code = "font_missing"
    status = 500


@functools.cache
def _font_file(name: str) -> Path:
    for folder in FONT_FOLDERS:
        found = sorted(folder.rglob(name)) if folder.is_dir() else []
        if found:
            return found[0]
    raise FontMissing(
        N_(
            "the Chinese font {name} is not installed; "
            "ask the administrator to install the Debian package fonts-noto-cjk"
        ),
        name=name,
    )


@functools.cache
def cjk_font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    """Noto Sans CJK SC (the player's first choice) at a pixel size."""
    path = _font_file("NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc")
    for index in range(10):  # a collection: JP, KR, SC, TC, HK in some order
        face = ImageFont.truetype(str(path), size, index=index)
        if face.getname()[0].endswith(" SC"):
            return face
    return ImageFont.truetype(str(path), size)


def font_folder() -> Path:
    """The folder of the CJK fonts (for ffmpeg's caption renderer)."""
    return _font_file("NotoSansCJK-Regular.ttc").parent


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Lines no wider than ``width``: anywhere between CJK characters, not inside Latin words
    or numbers unless they are wider than a line, never before closing punctuation."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in TOKENS.findall(paragraph):
            pieces = [token] if font.getlength(token) <= width else list(token)
            for piece in pieces:
                if not line or font.getlength(line + piece) <= width:
                    line += piece
                    continue
                carried = ""
                if piece[0] in NO_LINE_START and len(line) > 1:
                    line, carried = line[:-1], line[-1]
                lines.append(line.rstrip())
                line = (carried + piece).lstrip()
        lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class _Set:
    """The tip's text set at one size: its lines and the height they take."""

    size: int
    title: list[str]
    body: list[str]

    @property
    def title_line(self) -> float:
        return self.size * 1.3 * 1.3

    @property
    def body_line(self) -> float:
        return self.size * 1.6

    @property
    def height(self) -> float:
        gap = self.size * 1.3 * 0.6 if self.title and self.body else 0
        return len(self.title) * self.title_line + gap + len(self.body) * self.body_line


def _set_text(tip: Tip, width: float, height: float, low: int, high: int) -> _Set:
    """The largest size (between low and high) at which the text fits the box."""

    def at(size: int) -> _Set:
        title_size = round(size * 1.3)
        bar = title_size * (0.22 + 0.5)
        title = (
            wrap(tip.title.strip(), cjk_font(True, title_size), width - bar)
            if tip.title.strip()
            else []
        )
        body = wrap(tip.body.strip(), cjk_font(False, size), width) if tip.body.strip() else []
        return _Set(size, title, body)

    best = at(low)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = at(middle)
        if candidate.height <= height:
            best, low = candidate, middle
        else:
            high = middle - 1
    return best


def _paper(width: int, height: int) -> Image.Image:
    shade = Image.linear_gradient("L").resize((width, height))
    return Image.composite(
        Image.new("RGB", (width, height), PAPER_BOTTOM),
        Image.new("RGB", (width, height), PAPER_TOP),
        shade,
    )


def _draw_qr(card: Image.Image, url: str, left: int, top: int, side: int) -> None:
    matrix = qr_matrix(url)
    modules = len(matrix) + 2 * QUIET_ZONE
    unit = side // modules  # whole pixels per module keep the code crisp for a phone
    side = unit * modules
    draw = ImageDraw.Draw(card)
    draw.rectangle((left, top, left + side - 1, top + side - 1), fill="white")
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                x0, y0 = left + (x + QUIET_ZONE) * unit, top + (y + QUIET_ZONE) * unit
                draw.rectangle((x0, y0, x0 + unit - 1, y0 + unit - 1), fill="black")


def render_tip(tip: Tip, width: int, height: int, target: Path) -> Path:
    """The tip as the player shows it full screen, saved as a PNG at ``target``."""
    card = _paper(width, height)
    draw = ImageDraw.Draw(card)
    vmin = min(width, height) / 100
    left, top = round(6 * vmin), round(5 * vmin)
    right, bottom = width - left, height - top
    if tip.qr:
        side = round(min(40 * vmin, 0.42 * (right - left)))
        caption = cjk_font(False, max(8, round(3 * vmin)))
        figure_height = side + 1.2 * vmin + caption.size * 1.2
        qr_top = round((height - figure_height) / 2)
        _draw_qr(card, tip.qr, right - side, qr_top, side)
        draw.text(
            (right - side / 2, qr_top + side + 1.2 * vmin),
            SCAN_LINE,
            font=caption,
            fill=INK,
            anchor="ma",
        )
        right -= side + round(5 * vmin)
    short = min(width * 1.25, height * 1.6)  # fit.js's sizeRange for a tip
    low, high = max(8, round(short * 0.018)), max(10, round(short * 0.055))
    text = _set_text(tip, right - left, bottom - top, low, high)
    y = top + max(0.0, (bottom - top - text.height) / 2)
    if text.title:
        title_size = round(text.size * 1.3)
        bar = round(title_size * 0.22)
        draw.rectangle((left, y, left + bar - 1, y + len(text.title) * text.title_line), fill=RED)
        for line in text.title:
            draw.text(
                (left + bar + title_size * 0.5, y + text.title_line / 2),
                line,
                font=cjk_font(True, title_size),
                fill=RED,
                anchor="lm",
            )
            y += text.title_line
        y += title_size * 0.6
    for line in text.body:
        draw.text(
            (left, y + text.body_line / 2),
            line,
            font=cjk_font(False, text.size),
            fill=INK,
            anchor="lm",
        )
        y += text.body_line
    card.save(target, format="PNG")
    return target
