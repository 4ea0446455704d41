"""The text of a PDF, for tests: pypdf when installed, else poppler's `pdftotext` when on PATH, else a reader of
what reportlab writes (ASCII85 + Flate content streams; text strings of a UCS-2 CID font), so the check runs
everywhere and never passes for want of a tool."""

from __future__ import annotations

import base64
import importlib.util
import re
import shutil
import subprocess
import zlib

STREAM = re.compile(rb"<<([^<>]*)>>\s*stream\r?\n(.*?)\s*endstream", re.S)
TEXT_OP = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-"), data[:20]
    assert data.rstrip().endswith(b"%%EOF")
    if importlib.util.find_spec("pypdf") is not None:
        import io

        import pypdf  # type: ignore[import-not-found]

        return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    if (tool := shutil.which("pdftotext")) is not None:
        done = subprocess.run([tool, "-q", "-", "-"], input=data, capture_output=True, check=True, timeout=30)
        return done.stdout.decode()
    return own_reading(data)


def own_reading(data: bytes) -> str:
    texts = []
    for head, body in STREAM.findall(data):
        if b"ASCII85Decode" in head:
            body = base64.a85decode(body.strip(), adobe=True)
        if b"FlateDecode" in head:
            body = zlib.decompress(body)
        texts += [_unescape(m).decode("utf-16-be", "replace") for m in TEXT_OP.findall(body)]
    return "\n".join(texts)


def _unescape(raw: bytes) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        e = m.group(1)
        if e[:1].isdigit():
            return bytes([int(e, 8) & 0xFF])
        return ESCAPES.get(e, e)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)
