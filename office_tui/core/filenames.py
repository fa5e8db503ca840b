"""File names as the office keeps and shows them.

A name on disk is bytes on Linux; a zip made on Windows in Taiwan and unpacked here
gives names in Big5 (cp950), which are not UTF-8 and which SQLite cannot store as text.
Two forms, then:

* :func:`readable` — for people: UTF-8 as it is; else Big5 read as Big5 (what such a
  name meant); else every byte that is not UTF-8 written ``\\xNN``.
* :func:`lossless` — for the record: text from which the exact bytes come back
  (:func:`path_bytes`). A UTF-8 name stays itself; a byte that is not UTF-8 is written
  ``\\xNN`` and, on POSIX, a backslash ``\\\\`` (so that the two never meet). Windows
  names are Unicode already and are kept as they are.
"""

from __future__ import annotations

import os
import re

_POSIX = os.name == "posix"


def readable(name: str | os.PathLike) -> str:
    """``name`` (a path or a part of one, as Python gives it) as a person reads it."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp950")
        if text.isprintable():
            return text
    except UnicodeDecodeError:
        pass
    return raw.decode("utf-8", "backslashreplace")


def lossless(path: str | os.PathLike) -> str:
    """``path`` as text that keeps every byte of it (see the module)."""
    if not _POSIX:
        return os.fspath(path)
    raw = os.fsencode(path)
    return raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")


def path_bytes(text: str) -> bytes:
    """The bytes of the path :func:`lossless` gave ``text`` for (POSIX)."""
    def back(match: re.Match) -> str:
        code = match.group(1)
        return "\\" if code == "\\" else chr(0xDC00 + int(code[1:], 16))

    return _ESCAPE.sub(back, text).encode("utf-8", "surrogateescape")
