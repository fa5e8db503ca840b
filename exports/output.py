"""Where an export is written: the path checked before anything is built, and every
failure to write it said in the interface language (which path, why) — never a
traceback.

Rules, the same for the command line (``-o FILE``) and the TUI's path dialogs:

* An export is an .xlsx: a name without an extension gets ``.xlsx``; a name with another
  one (``list.csv``, ``名單.v2``) is refused rather than written as ``list.csv.xlsx``.
  (Empty templates, ``office-tui template``, may also be .csv.)
* A folder is not a file name.
* Missing folders on the way are created (deliberately: the TUI offers paths in the
  office's data folder, and staff type sub-folders such as ``…/115年/11月/``); the command
  line says when it created one (:func:`missing_folder`).
* The file is written to a temporary name beside it and moved into place when complete:
  a failure (disk full, no permission) leaves neither a half-written file nor a damaged
  earlier one.
* An export holds people's data: it is readable by this account alone (0600; 0660 of
  the shared group with ``shared_group``), and so are the folders made for it, wherever
  it is written (office_tui.core.files). Share one deliberately.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from office_tui.core import files
from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t

XLSX = ".xlsx"


class OutputError(OfficeError):
    """The file cannot be written where asked; nothing was written."""


# errno → the reason's key (export.why_…); anything else is the system's own words.
_REASONS = {
    errno.ENOENT: "missing", errno.EACCES: "denied", errno.EPERM: "denied", errno.EROFS: "read_only",
    errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EISDIR: "is_folder", errno.ENOTDIR: "not_folder",
    errno.ENAMETOOLONG: "too_long", errno.EEXIST: "exists",
}


def reason(error: OSError) -> str:
    """Why ``error`` happened, in the interface language."""
    key = _REASONS.get(error.errno)
    if key is not None:
        return t(f"export.why_{key}")
    return error.strerror or str(error)


def output_path(path: str | Path, suffixes: tuple[str, ...] = (XLSX,)) -> Path:
    """The file an export given ``path`` writes: ``~`` expanded, ``.xlsx`` added to a
    name without an extension. Raises OutputError for an empty path, a folder, an
    extension not in ``suffixes``, or a file or folder on the way that cannot be written."""
    text = str(path)
    if not text.strip():
        raise OutputError("export.output_empty")
    target = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or target.is_dir():
        raise OutputError("export.output_is_folder", path=text)
    suffix = target.suffix
    if not suffix:
        target = target.with_name(target.name + suffixes[0])
    elif suffix.lower() not in suffixes:
        raise OutputError("export.output_suffix", path=text, suffix=suffix, allowed="、".join(suffixes),
                          example=str(target.with_name(target.name + suffixes[0])))
    if target.is_dir():
        raise OutputError("export.output_is_folder", path=str(target))
    folder = _existing_ancestor(target.parent)
    if not folder.is_dir():
        raise OutputError("export.output_failed", path=str(target), reason=t("export.why_not_folder_named",
                                                                           folder=str(folder)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError("export.output_failed", path=str(target), reason=t("export.why_denied"))
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError("export.output_failed", path=str(target), reason=t("export.why_read_only_file"))
    return target


def missing_folder(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that does not exist yet, if any."""
    missing = None
    folder = path.parent
    while not folder.exists():
        missing = folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return missing


def _existing_ancestor(folder: Path) -> Path:
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def write_file(path: str | Path, write, suffixes: tuple[str, ...] = (XLSX,)) -> Path:
    """Check ``path`` (:func:`output_path`), make its missing folders, call
    ``write(temporary path)`` and move the result into place. Any OSError on the way
    becomes an OutputError naming the file and why; a partial file is removed."""
    target = output_path(path, suffixes)
    try:
        files.make_dirs(target.parent)
    except OSError as error:
        raise OutputError("export.output_folder_failed", folder=str(target.parent), reason=reason(error)) from None
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        files.create_file(temporary)  # private before a byte of it is written
        write(temporary)
        files.secure_file(temporary)
        os.replace(temporary, target)
    except OSError as error:
        _remove(temporary)
        raise OutputError("export.output_failed", path=str(target), reason=reason(error)) from None
    except BaseException:
        _remove(temporary)
        raise
    return target


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def planned(path: str | Path, suffixes: tuple[str, ...] = (XLSX,)) -> tuple[Path, Path | None]:
    """Before an export is built: the file it will write (:func:`output_path`, which
    refuses a bad path at once) and the first folder writing it will create, if any
    (the command line says so afterwards)."""
    target = output_path(path, suffixes)
    return target, missing_folder(target)
