"""Decoding an upload and making what is kept of it, with Pillow, off the event loop and a few at a time.

The type is judged from the bytes (Pillow's format sniffing, limited to JPEG, PNG and WebP), never from the name or
the Content-Type. The pixel count is read from the header and refused before anything is decoded (the
decompression-bomb guard: a 100-megapixel PNG of one colour is a few hundred kilobytes). The orientation is applied,
and the image is re-encoded from its pixels alone: no EXIF (GPS: the resident's home), no XMP, no ICC, no comment
survives. A decoded 40-megapixel photo takes ~120 MB, so `ImageWorkers` lets only PHOTO_WORKERS decode at once;
the others wait on disk (the multipart file is spooled there), not in memory.
"""

from __future__ import annotations

import asyncio
import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps

# Pillow warns (once per image, through the process-wide warnings filters) between its MAX_IMAGE_PIXELS and twice
# that; PHOTO_MAX_PIXELS, checked below before any decoding, is the limit that counts, and is lower.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# Longest side of what is kept, and of the thumbnail; JPEG quality of both.
FULL_SIDE = 2560
THUMB_SIDE = 360
QUALITY = 85
CONTENT_TYPE = "image/jpeg"


class NotAnImage(ValueError):
    """The bytes are not a whole JPEG, PNG or WebP image."""


class TooManyPixels(ValueError):
    """More pixels than PHOTO_MAX_PIXELS: refused before decoding."""


@dataclass(frozen=True)
class Processed:
    full: bytes
    thumb: bytes
    width: int
    height: int


def process(source: BinaryIO, max_pixels: int) -> Processed:
    """The cleaned full image and its thumbnail, both JPEG. Blocking: run it through `ImageWorkers`."""
    try:
        with Image.open(source, formats=ACCEPTED_FORMATS) as img:
            if img.width * img.height > max_pixels:
                raise TooManyPixels(f"{img.width}×{img.height} is more than {max_pixels:,} pixels")
            img.load()
            return _clean(img)
    except Image.DecompressionBombError as exc:  # Pillow's own guard, past twice its MAX_IMAGE_PIXELS
        raise TooManyPixels(str(exc)) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Unidentified, truncated, corrupt: Pillow says so with any of these (TooManyPixels is ours, passed on).
        if isinstance(exc, TooManyPixels):
            raise
        raise NotAnImage(f"not a whole JPEG, PNG or WebP image ({type(exc).__name__})") from exc


def _clean(img: Image.Image) -> Processed:
    # In place, and made smaller before the copy `_flatten` takes: a 12-megapixel photo is 36 MB decoded, and every
    # copy of it counts twice under PHOTO_WORKERS at once (bench/photos.py measures the peak).
    ImageOps.exif_transpose(img, in_place=True)
    img.thumbnail((FULL_SIDE, FULL_SIDE), Image.Resampling.LANCZOS)
    rgb = _flatten(img)
    full, (width, height) = _jpeg(rgb), rgb.size
    rgb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return Processed(full=full, thumb=_jpeg(rgb), width=width, height=height)


def _flatten(img: Image.Image) -> Image.Image:
    """Pixels only, in RGB: transparency on white, palettes expanded; a new image, so no `info` comes along."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        out = Image.new("RGB", rgba.size, (255, 255, 255))
        out.paste(rgba, mask=rgba.getchannel("A"))
        return out
    converted = img.convert("RGB")
    out = Image.new("RGB", converted.size)
    out.paste(converted)
    return out


def _jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    # No exif=, icc_profile= or comment=: Pillow writes only what it is given.
    img.save(buf, "JPEG", quality=QUALITY, optimize=True)
    return buf.getvalue()


class ImageWorkers:
    """A small thread pool for `process`, entered only PHOTO_WORKERS at a time (waiters hold no decoded pixels)."""

    def __init__(self, workers: int, max_pixels: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="photo")
        self._slots = asyncio.Semaphore(workers)
        self.max_pixels = max_pixels

    async def process(self, source: BinaryIO) -> Processed:
        async with self._slots:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, process, source, self.max_pixels)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
