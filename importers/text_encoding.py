"""The text encoding of an imported CSV file, found once for every importer, and the file
read as text as it is decoded (docs/import-layouts.md).

Accepted: UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode
text"), and Big5 as Windows writes it (cp950: what Excel on a Taiwanese Windows machine
saves as 「CSV（逗號分隔）」). Anything else is refused with the file named and the
encodings listed, never read as mojibake.

How it is told: a byte-order mark decides at once. Without one, the first 64 KiB are
looked at: NUL bytes mean UTF-16 without a mark (or not text at all) — refused; text
that decodes as UTF-8 is UTF-8 (Big5 text almost never does); else text that decodes as
cp950 is Big5; else the file is refused. When those first bytes are plain ASCII (a log
of UBNs and times often is, for thousands of rows), the decision waits for the first
block that is not, which only ASCII preceded, so the choice is still safe. A file that
turns out to break its encoding later is refused where it breaks, with the row.

A file whose first bytes are gzip's magic number (``.csv.gz``) is decompressed as it is
read. :class:`TextSource` reads in blocks of about 1 MiB, so a file of millions of rows
is never held whole; its ``position`` (bytes of the file on disk read so far) against
its ``size`` is how far the reading has come.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import zlib
from collections.abc import Iterator
from pathlib import Path

from importers.report import ImportFileError

BLOCK = 1 << 20
SAMPLE = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"

# codec → how a message names it
LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16", "cp950": "Big5 (cp950)",
          "ascii": "ASCII"}


def detect(sample: bytes, name: str) -> str | None:
    """The codec of a file that starts with ``sample``: "utf-8-sig", "utf-16", "utf-8"
    or "cp950"; None when the sample is plain ASCII (see the module). ImportFileError
    when it is none of the accepted encodings."""
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError("import.file.encoding", name=name)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise ImportFileError("import.file.encoding", name=name)
    if sample.isascii():
        return None
    for codec in ("utf-8", "cp950"):
        if _decodes(sample, codec):
            return codec
    raise ImportFileError("import.file.encoding", name=name)


def _decodes(data: bytes, codec: str) -> bool:
    """Does ``data`` decode as ``codec``, allowing a character cut at its end?"""
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def open_binary(path: Path):
    """(stream of the file's bytes — decompressed for gzip —, the file on disk)."""
    handle = path.open("rb")
    try:
        magic = handle.read(2)
        handle.seek(0)
        if magic == GZIP_MAGIC:
            return gzip.GzipFile(fileobj=handle, mode="rb"), handle
        return handle, handle
    except BaseException:
        handle.close()
        raise


class TextSource:
    """A CSV file as text, decoded block by block in the encoding :func:`detect` finds.

    ``blocks()`` yields text cut after a line end (the last block may lack one);
    ``lines()`` yields lines with their line ends, as ``csv.reader`` wants them. Either
    is read once. ``encoding`` is the codec (None while the file has been ASCII)."""

    def __init__(self, path: str | Path, block: int = BLOCK) -> None:
        self.path = Path(path)
        self.block = block
        self.name = self.path.name
        self.digest = hashlib.sha256()  # of the text's bytes as read (after gzip), for "the same file"
        try:
            self._stream, self._file = open_binary(self.path)
        except OSError as error:
            raise ImportFileError("import.file.os_error", name=self.name, detail=error.strerror or str(error)) from None
        try:
            self.size = self.path.stat().st_size
            self._first = self._read_raw(SAMPLE)
            self.encoding = detect(self._first, self.name)
        except BaseException:
            self.close()
            raise
        self._decoder = codecs.getincrementaldecoder(self.encoding)() if self.encoding else None
        self.lines_done = 0  # line ends decoded so far: where a decoding failure is

    # -- reading ---------------------------------------------------------------------

    def _read_raw(self, size: int) -> bytes:
        try:
            data = self._stream.read(size)
            self.digest.update(data)
            return data
        except (OSError, EOFError, zlib.error) as error:  # a damaged or cut-off .gz
            raise ImportFileError("import.file.bad_gzip", name=self.name, detail=str(error) or type(error).__name__) \
                from None

    @property
    def position(self) -> int:
        """Bytes of the file on disk read so far (compressed bytes for a .gz)."""
        try:
            return self._file.tell()
        except (OSError, ValueError):
            return self.size

    @property
    def label(self) -> str:
        """The encoding as a message names it."""
        return LABELS[self.encoding or "ascii"]

    def _decode(self, data: bytes, final: bool) -> str:
        if self._decoder is None:
            if data.isascii():
                return data.decode("ascii")
            for codec in ("utf-8", "cp950"):
                decoder = codecs.getincrementaldecoder(codec)()
                try:
                    text = decoder.decode(data, final=final)
                except UnicodeDecodeError:
                    continue
                self.encoding, self._decoder = codec, decoder
                return text
            raise ImportFileError("import.file.encoding", name=self.name)
        try:
            return self._decoder.decode(data, final=final)
        except UnicodeDecodeError as error:
            # The line of the failure: the lines decoded before, plus those in this block
            # up to the bad byte (decoded leniently to count them).
            before = data[:error.start].decode(self.encoding, errors="replace")
            raise ImportFileError("import.file.encoding_at", name=self.name, row=self.lines_done + before.count("\n") + 1,
                                  encoding=self.label) from None

    def chunks(self) -> Iterator[str]:
        """The text as decoded, about a block at a time (cut anywhere)."""
        data = self._first
        self._first = b""
        while True:
            more = self._read_raw(self.block)
            text = self._decode(data, final=not more)
            if text:
                self.lines_done += text.count("\n")
                yield text
            if not more:
                return
            data = more

    def blocks(self) -> Iterator[str]:
        """The text in blocks that end after a line end (the last one maybe not)."""
        carry = ""
        for text in self.chunks():
            cut = text.rfind("\n") + 1
            if not cut:
                carry += text
                continue
            yield carry + text[:cut]
            carry = text[cut:]
        if carry:
            yield carry

    def lines(self) -> Iterator[str]:
        """The lines, each with its line end ("\\n" or "\\r\\n"), for csv.reader."""
        for block in self.blocks():
            yield from split_lines(block)

    def close(self) -> None:
        for handle in (getattr(self, "_stream", None), getattr(self, "_file", None)):
            if handle is not None:
                try:
                    handle.close()
                except OSError:
                    pass

    def __enter__(self) -> TextSource:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def split_lines(block: str) -> list[str]:
    """``block`` cut after each "\\n" only (str.splitlines would also cut at U+2028, form
    feeds and the like, which a quoted field may hold)."""
    parts = block.split("\n")
    last = parts.pop()
    lines = [part + "\n" for part in parts]
    if last:
        lines.append(last)
    return lines
