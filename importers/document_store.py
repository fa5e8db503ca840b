"""The office's copy of every imported file, kept in the data directory under its
content hash (``data_dir()/documents/ab/abcdef….pdf``) and hashed while copying; the
start and the end of the file are kept on the way, to tell what it is."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from office_tui.core import files
from office_tui.core.config import data_dir
from office_tui.core.errors import OfficeError

HEAD_BYTES = 2048  # the start of each file, kept to tell what it is
TAIL_BYTES = 4096  # its end: a complete PDF ends with %%EOF
CHUNK = 1 << 20


class DocumentImportError(OfficeError):
    """The import as a whole cannot go on (no such folder, the data directory not writable)."""


@dataclass
class StoredFile:
    """One file's copy in the store: its hash, size, first and last bytes, and path."""

    sha256: str
    size: int
    head: bytes
    tail: bytes
    path: Path


def store_folder() -> Path:
    """The folder the copies are kept in, made if it is not there yet."""
    store = data_dir() / "documents"
    try:
        files.make_dirs(store)
    except OSError as error:
        raise DocumentImportError("triage.store_failed", path=str(store), error=error.strerror or str(error)) from None
    return store


class SourceError(Exception):
    """The file to copy cannot be read."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def store_copy(path: Path, store: Path) -> StoredFile:
    """Copy ``path`` into the store, hashing as it goes; the copy is named by its hash."""
    digest, size, head, tail = hashlib.sha256(), 0, b"", b""
    try:
        source = path.open("rb")
    except OSError as error:
        raise SourceError(error.strerror or type(error).__name__) from None
    temporary = store / f".incoming-{uuid.uuid4().hex}"
    try:
        with source, _open_store(temporary) as target:
            while True:
                try:
                    chunk = source.read(CHUNK)
                except OSError as error:
                    raise SourceError(error.strerror or type(error).__name__) from None
                if not chunk:
                    break
                if len(head) < HEAD_BYTES:
                    head += chunk[:HEAD_BYTES - len(head)]
                tail = (tail + chunk[-TAIL_BYTES:])[-TAIL_BYTES:]
                digest.update(chunk)
                size += len(chunk)
                try:
                    target.write(chunk)
                except OSError as error:
                    raise DocumentImportError("triage.store_failed", path=str(temporary),
                                              error=error.strerror or str(error)) from None
        sha = digest.hexdigest()
        suffix = path.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", path.suffix.lower()) else ""
        final = store / sha[:2] / f"{sha}{suffix}"
        try:
            files.make_dirs(final.parent)
            if final.exists() and final.stat().st_size == size:
                temporary.unlink()
            else:
                os.replace(temporary, final)
        except OSError as error:
            raise DocumentImportError("triage.store_failed", path=str(final), error=error.strerror or str(error)) from None
    finally:
        if temporary.exists():
            temporary.unlink(missing_ok=True)
    return StoredFile(sha, size, head, tail, final)


@contextmanager
def _open_store(path: Path) -> Iterator:
    try:
        handle = open(files.create_file(path), "wb")
    except OSError as error:
        raise DocumentImportError("triage.store_failed", path=str(path), error=error.strerror or str(error)) from None
    with handle:
        yield handle
