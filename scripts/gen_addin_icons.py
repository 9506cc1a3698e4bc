"""Draw the Outlook add-in's icons: a white check mark on Accord's green, as small PNGs.

Run with ``./dev python scripts/gen_addin_icons.py``; it rewrites ``api/static/addin/icon-*.png``
(the sizes the manifest names). Pure Python: each pixel is supersampled for smooth edges.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

SIZES = (16, 32, 64, 80, 128)
OUT = Path(__file__).resolve().parents[1] / "api" / "static" / "addin"
BRAND = (47, 93, 80)
WHITE = (255, 255, 255)
SUPERSAMPLE = 4
# The check mark's corners, in units of the icon's side.
CHECK = ((0.27, 0.52), (0.44, 0.69), (0.75, 0.34))
STROKE = 0.11
CORNER = 0.22


def _inside_rounded_square(x: float, y: float) -> bool:
    nearest_x = min(max(x, CORNER), 1 - CORNER)
    nearest_y = min(max(y, CORNER), 1 - CORNER)
    return math.hypot(x - nearest_x, y - nearest_y) <= CORNER


def _distance_to_segment(
    x: float, y: float, start: tuple[float, float], end: tuple[float, float]
) -> float:
    (ax, ay), (bx, by) = start, end
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))


def _on_check(x: float, y: float) -> bool:
    return any(
        _distance_to_segment(x, y, CHECK[i], CHECK[i + 1]) <= STROKE / 2
        for i in range(len(CHECK) - 1)
    )


def _pixel(size: int, px: int, py: int) -> tuple[int, int, int, int]:
    background = mark = 0
    for sy in range(SUPERSAMPLE):
        for sx in range(SUPERSAMPLE):
            x = (px + (sx + 0.5) / SUPERSAMPLE) / size
            y = (py + (sy + 0.5) / SUPERSAMPLE) / size
            if _inside_rounded_square(x, y):
                background += 1
                mark += _on_check(x, y)
    samples = SUPERSAMPLE * SUPERSAMPLE
    if background == 0:
        return (0, 0, 0, 0)
    share = mark / background
    rgb = tuple(round(b + (w - b) * share) for b, w in zip(BRAND, WHITE, strict=True))
    return (rgb[0], rgb[1], rgb[2], round(255 * background / samples))


def _png(size: int) -> bytes:
    rows = b"".join(
        b"\x00" + bytes(channel for px in range(size) for channel in _pixel(size, px, py))
        for py in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    """Write every icon size."""
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        (OUT / f"icon-{size}.png").write_bytes(_png(size))


if __name__ == "__main__":
    main()
