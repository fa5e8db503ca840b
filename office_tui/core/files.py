"""Who may read the office's files (README "Where data lives"): nobody but the account
that runs office-tui — or, with the setting ``shared_group = "NAME"``, the members of that
group too, for an office whose staff share one server.

* folders the app makes (the data directory, the document store, a backup's or an
  export's folder): 0700, or 2770 with the shared group (set-group-id, so that what is
  made in them belongs to the group);
* files it writes (the database and SQLite's ``-wal``/``-shm``, which take the
  database's mode, backups, stored documents, exports): 0600, or 0660 with the group.

:func:`apply` (run whenever the office is opened) fixes the policy for the process, sets
its umask to match — so that nothing written on the way, by any library, is readable by
others — and tightens the data directory and the files at its top (an office made before
these rules had them 0755/0644). Files that belong to another account are left as they
are. On Windows, where modes mean little, the data directory under the user's profile is
already private to the user; ``shared_group`` is refused there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from office_tui.core.errors import OfficeError

PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
SHARED_FILE, SHARED_DIR = 0o660, 0o2770

_gid: int | None = None  # the shared group's id, when one is set


class FilesError(OfficeError):
    """The file policy cannot be applied (an unknown group, say)."""


def apply(settings, folder: Path | None = None) -> None:
    """Fix the policy from ``settings.shared_group`` and tighten the data directory
    ``folder`` (office_tui.core.config.data_dir), if given."""
    global _gid
    name = (getattr(settings, "shared_group", "") or "").strip()
    if not name:
        _gid = None
    else:
        try:
            import grp
        except ImportError:  # Windows
            raise FilesError("files.group_unsupported", group=name) from None
        try:
            _gid = grp.getgrnam(name).gr_gid
        except KeyError:
            raise FilesError("files.no_such_group", group=name) from None
    os.umask(0o007 if _gid is not None else 0o077)
    if folder is not None and folder.is_dir():
        secure_dir(folder)
        for entry in folder.iterdir():
            if entry.is_file() and not entry.is_symlink():
                secure_file(entry)
        store = folder / "documents"
        if store.is_dir():
            secure_dir(store)


def shared_gid() -> int | None:
    return _gid


def file_mode() -> int:
    return SHARED_FILE if _gid is not None else PRIVATE_FILE


def dir_mode() -> int:
    return SHARED_DIR if _gid is not None else PRIVATE_DIR


def _mine(path: Path) -> bool:
    try:
        return not hasattr(os, "getuid") or path.stat().st_uid == os.getuid()
    except OSError:
        return False


def _set(path: Path, mode: int) -> None:
    if not _mine(path):
        return  # another account's file: not ours to change
    try:
        if _gid is not None:
            os.chown(path, -1, _gid)
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except (OSError, NotImplementedError):
        pass  # a file system without modes (a Windows share, say)


def secure_file(path: str | os.PathLike) -> None:
    """Give ``path`` (a file this account owns) the policy's file mode and group."""
    _set(Path(path), file_mode())


def secure_dir(path: str | os.PathLike) -> None:
    """Give ``path`` (a folder this account owns) the policy's folder mode and group."""
    _set(Path(path), dir_mode())


def make_dirs(path: str | os.PathLike) -> Path | None:
    """Make ``path`` and the folders missing on the way, each with the policy's folder
    mode; folders already there are left alone. Returns the first folder made, if any."""
    path = Path(path)
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=dir_mode())
        except FileExistsError:
            continue
        secure_dir(folder)  # mkdir's mode passes through the umask, and takes no group
    return missing[-1] if missing else None


def create_file(path: str | os.PathLike) -> Path:
    """Create ``path`` empty with the policy's file mode (or give an existing one that
    mode), so that whatever then writes into it never leaves it readable by others."""
    path = Path(path)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), file_mode())
    os.close(descriptor)
    secure_file(path)
    return path
