#!/usr/bin/env python3
"""Renders the Casewatch app icons from simple shapes, using only the standard library.

Why a script: the icon is geometry (a rounded square, a clock ring, two hands), so it can be
drawn exactly with signed distance functions and anti-aliased by coverage, with no image tool
installed. `icons/icon.svg` describes the same shapes for editors; re-run this script after
changing either so the PNG/ICO files stay in step:

    python3 scripts/gen-icons.py
"""

import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "icons")

TOP = (37, 99, 235)  # gradient start, #2563eb
BOTTOM = (30, 58, 138)  # gradient end, #1e3a8a
ACCENT = (251, 191, 36)  # the "watch" dot, #fbbf24


def rounded_box(px, py, half, radius):
    """Signed distance to a square of half-size `half` centred at 0.5, corners of `radius`."""
    qx = abs(px - 0.5) - half + radius
    qy = abs(py - 0.5) - half + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def segment(px, py, ax, ay, bx, by):
    """Distance from p to the segment a-b."""
    vx, vy = bx - ax, by - ay
    wx, wy = px - ax, py - ay
    t = max(0.0, min(1.0, (wx * vx + wy * vy) / (vx * vx + vy * vy)))
    return math.hypot(wx - t * vx, wy - t * vy)


def coverage(distance, pixel):
    """Fraction of a pixel covered by the shape whose signed distance is `distance`."""
    return max(0.0, min(1.0, 0.5 - distance / pixel))


def blend(under, over, alpha):
    return tuple(u + (o - u) * alpha for u, o in zip(under, over))


def render(size):
    """Returns RGBA rows for an icon of `size` x `size` pixels."""
    pixel = 1.0 / size
    cx, cy = 0.5, 0.53
    rows = []
    for j in range(size):
        y = (j + 0.5) / size
        row = bytearray()
        for i in range(size):
            x = (i + 0.5) / size
            # Background: rounded square with a vertical gradient.
            box = coverage(rounded_box(x, y, 0.46, 0.11), pixel)
            colour = blend(TOP, BOTTOM, y)
            # Clock ring.
            ring = coverage(abs(math.hypot(x - cx, y - cy) - 0.27) - 0.045, pixel)
            colour = blend(colour, (255, 255, 255), ring)
            # Hands: one to twelve o'clock, one to three o'clock.
            hands = min(
                segment(x, y, cx, cy, cx, cy - 0.17),
                segment(x, y, cx, cy, cx + 0.13, cy),
            )
            colour = blend(colour, (255, 255, 255), coverage(hands - 0.035, pixel))
            # The accent dot at the top right: "someone is watching this case".
            dot = coverage(math.hypot(x - 0.76, y - 0.24) - 0.075, pixel)
            colour = blend(colour, ACCENT, dot)
            alpha = max(box, dot)
            row += bytes(int(round(c)) for c in colour) + bytes([int(round(alpha * 255))])
        rows.append(bytes(row))
    return rows


def png(rows, size):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(images):
    """An ICO file holding PNG-compressed images (supported since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    return header + entries + blobs


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {
        "32x32.png": 32,
        "128x128.png": 128,
        "128x128@2x.png": 256,
        "icon.png": 512,
    }
    rendered = {}
    for name, size in files.items():
        data = png(render(size), size)
        rendered[size] = data
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    with open(os.path.join(OUT, "icon.ico"), "wb") as f:
        f.write(ico([(32, rendered[32]), (256, rendered[256])]))


if __name__ == "__main__":
    main()
