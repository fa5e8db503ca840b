"""Decompression bombs for the tests: small files whose parts inflate to a gibibyte.

Made in well under a second: deflate restarts its dictionary at a full flush, so after
the first block every 1 MiB of the same bytes compresses to the same block, which is
repeated; the checksums are computed over the whole, so the files are valid."""

from __future__ import annotations

import io
import zipfile
import zlib

MIB = 1 << 20
GIB = 1 << 30


def _raw_deflate(unit: bytes, times: int) -> bytes:
    """Raw deflate of ``unit`` repeated ``times`` times (times >= 3)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert middle == again
    last = compressor.compress(unit) + compressor.flush()
    return first + middle * (times - 3) + again + last


def zlib_stream(unit: bytes, times: int) -> bytes:
    """A zlib stream (as a PDF's FlateDecode holds) of ``unit`` × ``times``."""
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(unit, adler)
    return b"\x78\xda" + _raw_deflate(unit, times) + adler.to_bytes(4, "big")


def pdf_bomb(inflated: int = GIB) -> bytes:
    """A one-page PDF whose page content (spaces: valid, empty) inflates to ``inflated``."""
    stream = zlib_stream(b" " * MIB, inflated // MIB)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def xlsx_bomb(template: bytes, inflated: int = GIB, one_cell: bool = False) -> bytes:
    """``template`` (an xlsx) with shared strings that inflate to ``inflated``: many
    short strings, or (``one_cell``) one string as long as that."""
    if one_cell:
        head, tail = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>', b"</t></si></sst>"
        unit = b"A" * MIB
    else:
        head, tail = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', b"</sst>"
        item = b"<si><t>bomb</t></si>"
        unit = item * (MIB // len(item))
    times = inflated // len(unit)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(unit) * times + len(tail)
    # head + (unit × times) + tail as one raw deflate stream: the head and the tail in
    # blocks of their own, around the repeated middle.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = _raw_deflate_flushed(unit, times)
    end = compressor.compress(tail) + compressor.flush()
    data = start + middle + end
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info, source.read(info))
        info = zipfile.ZipInfo("xl/sharedStrings.xml", date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        _write_precompressed(target, info, data, crc, size)
    return out.getvalue()


def _raw_deflate_flushed(unit: bytes, times: int) -> bytes:
    """Raw deflate blocks of ``unit`` × ``times`` ending in a full flush (not final)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert middle == compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + middle * (times - 1)


def _write_precompressed(archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes, crc: int, size: int) -> None:
    """Add an entry whose deflated bytes are already made (zipfile has no API for it)."""
    import struct

    info.CRC, info.compress_size, info.file_size = crc, len(data), size
    info.header_offset = archive.fp.tell()
    info.flag_bits = 0
    name = info.filename.encode()
    header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, zipfile.ZIP_DEFLATED,
                         *_dos_time(info.date_time), crc, len(data), size, len(name), 0)
    archive.fp.write(header + name + data)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info
    info.create_version = info.extract_version = 20


def _dos_time(date_time) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
