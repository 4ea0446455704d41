"""Images made for the tests: a phone photo with GPS and an orientation, the other accepted formats, and the
inputs that must be refused (made here, byte by byte where Pillow would refuse to write them)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def phone_jpeg(width: int = 400, height: int = 200, orientation: int = 6) -> bytes:
    """A JPEG as a phone takes it: EXIF with GPS coordinates (a home's), a camera model, rotated by `orientation`."""
    img = Image.new("RGB", (width, height), (200, 30, 30))
    img.paste((30, 30, 200), (0, 0, width // 2, height))  # left half blue: the rotation is visible
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x0110] = "Phone X"  # Model
    exif[GPS_IFD] = {1: "N", 2: (36.0, 35.0, 12.5), 3: "E", 4: (109.0, 29.0, 3.25)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, comment=b"secret comment")
    return buf.getvalue()


def encoded(fmt: str, size: tuple[int, int] = (120, 80), mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (10, 200, 10, 128) if mode == "RGBA" else (10, 200, 10)).save(buf, fmt)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 10_000) -> bytes:
    """A PNG that says 10000×10000 (100 megapixels, 300 MB decoded) in a few hundred bytes: a decompression bomb."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * side
    idat = zlib.compress(row * 16, 9)  # only the first rows: the guard must refuse before reading any of it
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def big_noise_jpeg(target_bytes: int) -> bytes:
    """A JPEG near `target_bytes` (noise does not compress): what a 10 MB phone photo costs to process."""
    import os

    side = 1000
    while True:
        img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=95)
        if buf.tell() >= target_bytes * 0.9:
            return buf.getvalue()
        side = int(side * (target_bytes / buf.tell()) ** 0.5 * 1.05) + 1
