"""QR codes as screens draw them: the module matrix as one SVG path. Pure: no Flask, no I/O.

The player builds the <svg> itself from this path (no markup from the server is parsed), so
a screen needs neither a QR library nor a network to show a tip's code.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from pydantic import BaseModel, ConfigDict

QUIET_ZONE = 4  # modules of white around the code, as the standard asks (and qr.js draws)


def qr_matrix(url: str) -> list[list[bool]]:
    """The URL's QR code as rows of modules, dark ones True, without the quiet zone."""
    code = segno.make(url, error="m", micro=False)
    return [[bool(module) for module in row] for row in code.matrix]


class QrDrawing(BaseModel):
    """A tip's QR code as the player draws it: its URL, modules a side and the dark runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    size: int  # modules a side, without the quiet zone
    path: str  # one `M x,y h w v1 h-w z` per run of dark modules, in module units


@lru_cache(maxsize=256)
def qr_drawing(url: str) -> QrDrawing:
    """The URL's QR code: `size` modules a side and `path`, one `M x,y h w v1 h-w z` per run
    of dark modules, in module units (the quiet zone is the player's to add)."""
    matrix = qr_matrix(url)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start},{y}h{x - start}v1h-{x - start}z")
    return QrDrawing(url=url, size=len(matrix), path="".join(runs))


QUIET_ZONE = 4  # modules of white around the code, as the standard asks (and the player draws)


def qr_svg(url: str) -> str:
    """The code as an SVG image, drawn as the player draws it: the same path, the same
    quiet zone. The URL itself is not written into it."""
    drawing = qr_drawing(url)
    side = drawing.size + 2 * QUIET_ZONE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-{QUIET_ZONE} -{QUIET_ZONE} {side} '
        f'{side}" shape-rendering="crispEdges"><rect x="-{QUIET_ZONE}" y="-{QUIET_ZONE}" '
        f'width="{side}" height="{side}" fill="#fff"/><path d="{drawing.path}" '
        'fill="#000"/></svg>'
    )
