"""How big a file may swell (README "Hostile files"): a small PDF or xlsx can inflate to
gigabytes (a decompression bomb). Before a reader is handed a file, its compressed parts
are inflated here as a stream, counting, in bounded memory, and the file is refused as
soon as a limit is passed — with the limit and the part named:

* a PDF stream the text reader decodes (page contents, forms, fonts, object streams;
  images are not decoded for text, so not counted): :data:`PDF_STREAM_LIMIT` each,
  :data:`PDF_TOTAL_LIMIT` together. The filters pdfminer applies are followed as it
  would (Flate, LZW, ASCII85, ASCIIHex, RunLength, in a chain);
* an xlsx (a zip): :data:`XLSX_PART_LIMIT` a part, :data:`XLSX_TOTAL_LIMIT` in all —
  the sizes the archive declares and the sizes its parts really inflate to; a part whose
  size or checksum is not what the archive says makes the file unreadable;
* a cell's text: :data:`CELL_LIMIT` characters, Excel's own limit (in the shared
  strings and the worksheets of an xlsx).

The check is one pass of inflating, in chunks of :data:`CHUNK` (a few milliseconds for
an everyday file); nothing inflated is kept.
"""

from __future__ import annotations

import html
import mmap
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

MIB = 1 << 20
PDF_STREAM_LIMIT = 32 * MIB
PDF_TOTAL_LIMIT = 256 * MIB
XLSX_PART_LIMIT = 256 * MIB
XLSX_TOTAL_LIMIT = 512 * MIB
CELL_LIMIT = 32_767
CHUNK = MIB


class Problem(NamedTuple):
    """Why a file is refused: a locale key and its values."""

    key: str
    params: dict


class _Over(Exception):
    """A count went past its limit."""


def _mib(size: int) -> str:
    return f"{size / MIB:,.0f}"


# -- streaming decoders ---------------------------------------------------------------------


def _flate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Inflate, at most CHUNK out at a time; a damaged stream ends where it breaks (as
    pdfminer reads it)."""
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            data = chunk
            while data:
                out = inflater.decompress(data, CHUNK)
                if out:
                    yield out
                if inflater.eof:
                    return
                data = inflater.unconsumed_tail
    except zlib.error:
        return


def _collected(chunks: Iterable[bytes], cap: int) -> bytes:
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if len(buffer) > cap:
            raise _Over
    return bytes(buffer)


def _lzw(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    from pdfminer.lzw import LZWDecoder

    pending = bytearray()
    for piece in LZWDecoder(BytesIO(_collected(chunks, cap))).run():
        pending += piece
        if len(pending) >= CHUNK:
            yield bytes(pending)
            pending.clear()
    if pending:
        yield bytes(pending)


def _run_length(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    data = _collected(chunks, cap)
    out = bytearray()
    i = 0
    while i < len(data):
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        if len(out) >= CHUNK:
            yield bytes(out)
            out.clear()
    if out:
        yield bytes(out)


def _ascii(chunks: Iterable[bytes], cap: int, hexadecimal: bool) -> Iterator[bytes]:
    from pdfminer.ascii85 import ascii85decode, asciihexdecode

    data = _collected(chunks, cap)
    yield asciihexdecode(data) if hexadecimal else ascii85decode(data)


def _counted(chunks: Iterable[bytes], limit: int) -> int:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise _Over
    return total


# -- PDF -------------------------------------------------------------------------------------

_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_DECODED = {b"FlateDecode": "flate", b"Fl": "flate", b"LZWDecode": "lzw", b"LZW": "lzw",
            b"ASCII85Decode": "a85", b"A85": "a85", b"ASCIIHexDecode": "ahx", b"AHx": "ahx",
            b"RunLengthDecode": "rl", b"RL": "rl"}


def _filters(head: bytes) -> list[str] | None:
    """The decoding chain of a stream from its dictionary (None: a filter the text
    reader does not decode, such as an image's)."""
    found = _FILTER.search(head)
    if found is None:
        return []
    chain = []
    for name in _NAME.findall(found.group(1)):
        kind = _DECODED.get(name)
        if kind is None:
            return None
        chain.append(kind)
    return chain


def _decoded(raw: Iterable[bytes], chain: list[str], cap: int) -> Iterable[bytes]:
    data: Iterable[bytes] = raw
    for kind in chain:
        if kind == "flate":
            data = _flate(data)
        elif kind == "lzw":
            data = _lzw(data, cap)
        elif kind == "rl":
            data = _run_length(data, cap)
        else:
            data = _ascii(data, cap, hexadecimal=kind == "ahx")
    return data


def pdf_problem(path: str | Path) -> Problem | None:
    """Why the PDF at ``path`` must not be read (one of its streams, or all of them,
    inflate past the limits), or None."""
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _pdf_streams(data)
    except (OSError, ValueError):
        return None  # an empty or unreadable file: the reader says what is wrong with it


def _pdf_streams(data: mmap.mmap) -> Problem | None:
    total = 0
    for found in _STREAM.finditer(data):
        begin, start = found.start(), found.end()
        head = data[max(0, begin - 4096):begin]
        head = head[head.rfind(b"obj") + 1:] if b"obj" in head else head
        if _IMAGE.search(head):
            continue
        chain = _filters(head)
        if chain is None or not chain:
            continue
        length = _LENGTH.search(head)
        end = start + int(length.group(1)) if length else data.find(b"endstream", start)
        if end < start or end > len(data):
            end = data.find(b"endstream", start)
            if end < 0:
                end = len(data)
        raw = (data[i:min(i + CHUNK, end)] for i in range(start, end, CHUNK))
        try:
            size = _counted(_decoded(raw, chain, PDF_STREAM_LIMIT), PDF_STREAM_LIMIT)
        except _Over:
            return Problem("triage.reason_stream_too_large", {"limit": _mib(PDF_STREAM_LIMIT), "offset": begin})
        except Exception:  # noqa: BLE001 — a stream that does not decode: the reader judges it
            continue
        total += size
        if total > PDF_TOTAL_LIMIT:
            return Problem("triage.reason_streams_too_large", {"limit": _mib(PDF_TOTAL_LIMIT)})
    return None


# -- xlsx ------------------------------------------------------------------------------------

_SURELY_LONG = 6 * CELL_LIMIT  # bytes of text no cell of CELL_LIMIT characters takes (&amp; is 5)
_TEXT_PARTS = re.compile(r"xl/(sharedStrings|worksheets/[^/]+)\.xml", re.IGNORECASE)


def _too_long(raw: bytes) -> bool:
    if len(raw) > _SURELY_LONG:
        return True
    return len(html.unescape(raw.decode("utf-8", "ignore"))) > CELL_LIMIT


def _long_text(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Pass the chunks on; raise _Long on a text between two tags of more than
    CELL_LIMIT characters."""
    carry = b""
    for chunk in chunks:
        yield chunk
        data = carry + chunk
        last = data.rfind(b"<")
        body, carry = (data[:last], data[last + 1:]) if last >= 0 else (b"", data)
        runs = body.split(b"<")  # at C speed; a long run is looked at closely
        if max(map(len, runs)) > CELL_LIMIT:
            for run in runs:
                if len(run) > CELL_LIMIT and _too_long(run[:_SURELY_LONG + 1]):
                    raise _Long
        if len(carry) > _SURELY_LONG:
            raise _Long
    if len(carry) > CELL_LIMIT and _too_long(carry):
        raise _Long


class _Long(Exception):
    """A cell longer than CELL_LIMIT characters."""


def xlsx_problem(path: str | Path) -> Problem | None:
    """Why the xlsx at ``path`` must not be read (too big inflated, a cell too long, a
    part that is not what the archive says), or None. A file that is no zip at all is
    left to the reader to say so."""
    name = Path(path).name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with archive:
        parts = archive.infolist()
        declared = sum(part.file_size for part in parts)
        for part in parts:
            if part.file_size > XLSX_PART_LIMIT:
                return Problem("import.file.xlsx_part_too_large", {"name": name, "part": part.filename,
                                                                    "limit": _mib(XLSX_PART_LIMIT)})
        if declared > XLSX_TOTAL_LIMIT:
            return Problem("import.file.xlsx_too_large", {"name": name, "limit": _mib(XLSX_TOTAL_LIMIT)})
        total = 0
        for part in parts:
            limit = min(XLSX_PART_LIMIT, XLSX_TOTAL_LIMIT - total)
            try:
                with archive.open(part) as handle:
                    chunks: Iterable[bytes] = iter(lambda: handle.read(CHUNK), b"")
                    if _TEXT_PARTS.fullmatch(part.filename):
                        chunks = _long_text(chunks)
                    total += _counted(chunks, limit)
            except _Over:
                if limit == XLSX_PART_LIMIT:
                    return Problem("import.file.xlsx_part_too_large", {"name": name, "part": part.filename,
                                                                        "limit": _mib(XLSX_PART_LIMIT)})
                return Problem("import.file.xlsx_too_large", {"name": name, "limit": _mib(XLSX_TOTAL_LIMIT)})
            except _Long:
                return Problem("import.file.cell_too_long", {"name": name, "limit": f"{CELL_LIMIT:,}"})
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
                return Problem("import.file.unreadable_xlsx", {"name": name})
    return None
