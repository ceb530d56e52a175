"""A small PNG reader to 8-bit grey, for reading QR codes where Pillow is not installed (the packaged program
leaves Pillow out for size). Pure Python over zlib: every colour type, bit depths 1–16, no interlacing — what
pdftoppm, scanners and QR tools write. Slower than Pillow (seconds for a 150 dpi A4 page), which is used
whenever it is there.
"""

from __future__ import annotations

import struct
import zlib

from lhtl_desktop.errors import BundleError
from lhtl_desktop.i18n import _

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 120_000_000
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _bad() -> BundleError:
    return BundleError(_("Ảnh PNG hỏng hoặc dạng không đọc được (ảnh xen kẽ): hãy lưu lại ảnh rồi thử lại."))


def decode_png_gray(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, one byte of grey a pixel, row by row)."""
    if not data.startswith(SIGNATURE):
        raise _bad()
    pos, header, palette, idat = 8, None, b"", []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"PLTE":
            palette = chunk
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    if header is None:
        raise _bad()
    width, height, depth, colour, _comp, _filter, interlace = header
    if colour not in _CHANNELS or interlace or depth not in (1, 2, 4, 8, 16) or not 0 < width * height <= MAX_PIXELS:
        raise _bad()
    channels = _CHANNELS[colour]
    bits = depth * channels
    stride = (width * bits + 7) // 8
    bpp = max(1, bits // 8)
    try:
        raw = zlib.decompressobj().decompress(b"".join(idat), (stride + 1) * height + 1)
    except zlib.error:
        raise _bad() from None
    if len(raw) < (stride + 1) * height:
        raise _bad()
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ftype == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif ftype != 0:
            raise _bad()
        rows.append(line)
        prev = line
    return width, height, b"".join(_grey_row(r, width, depth, colour, palette) for r in rows)


def _grey_row(row: bytearray, width: int, depth: int, colour: int, palette: bytes) -> bytes:
    if depth < 8:
        per = 8 // depth
        mask = (1 << depth) - 1
        samples = [(row[i // per] >> (8 - depth * (i % per + 1))) & mask for i in range(width)]
        if colour == 3:
            return bytes(_lum(palette[3 * s], palette[3 * s + 1], palette[3 * s + 2]) for s in samples)
        return bytes(s * 255 // mask for s in samples)
    data = row[::2] if depth == 16 else row  # high bytes of 16-bit samples
    if colour == 0:
        return bytes(data[:width])
    if colour == 4:
        return bytes(data[0:2 * width:2])
    if colour == 3:
        return bytes(_lum(palette[3 * s], palette[3 * s + 1], palette[3 * s + 2]) for s in data[:width])
    n = 3 if colour == 2 else 4
    return bytes(_lum(data[i], data[i + 1], data[i + 2]) for i in range(0, n * width, n))


def _lum(r: int, g: int, b: int) -> int:
    return (299 * r + 587 * g + 114 * b) // 1000
