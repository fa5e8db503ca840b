"""One translation function for the whole interface.

Catalogues live in ``locales/<lang>.toml`` and ``locales/<area>.<lang>.toml`` (one pair
per area of the app) as flat ``"key" = "text"`` pairs with ``{name}`` placeholders;
Traditional Chinese is the default, English complete. A key defined twice is an error.

Parsing the catalogues (some 1,300 keys a language) is the slowest part of a short
command's start, so the merged catalogue is kept, per language, in the user's cache
folder and read back whole while no catalogue file has changed (same names, sizes and
modification times); any change, or a cache that cannot be read or written, means
parsing the files again.
"""

from __future__ import annotations

import marshal
import os
import sys
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).parents[1] / "locales"
DEFAULT_LANG = "zh_TW"

_current = DEFAULT_LANG


class CatalogueError(ValueError):
    """A catalogue file is missing or defines a key twice."""


def catalogue_files(lang: str) -> list[Path]:
    main = LOCALES_DIR / f"{lang}.toml"
    if not main.exists():
        raise CatalogueError(f"no catalogue for {lang}")
    return [main, *sorted(LOCALES_DIR.glob(f"*.{lang}.toml"))]


@cache
def catalogue(lang: str) -> dict[str, str]:
    files = catalogue_files(lang)
    stamp = [str(sys.version_info[:2])] + [f"{p}:{s.st_size}:{s.st_mtime_ns}" for p in files for s in (p.stat(),)]
    kept = _cache_file(lang)
    try:
        saved_stamp, saved = marshal.loads(kept.read_bytes())
        if saved_stamp == stamp and isinstance(saved, dict):
            return saved
    except (OSError, ValueError, EOFError, TypeError):
        pass
    merged = _parse(files)
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps((stamp, merged)))
        os.replace(partial, kept)
    except OSError:
        pass  # no cache folder to be had: parse again next time
    return merged


def _parse(files: list[Path]) -> dict[str, str]:
    import tomllib

    merged: dict[str, str] = {}
    for path in files:
        with path.open("rb") as handle:
            entries = tomllib.load(handle)
        twice = sorted(set(entries) & set(merged))
        if twice:
            raise CatalogueError(f"{path.name} defines again: {', '.join(twice)}")
        merged.update(entries)
    return merged


def _cache_file(lang: str) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("office-tui", appauthor=False)) / f"catalogue-{lang}.marshal"


def set_language(lang: str) -> None:
    global _current
    catalogue(lang)  # fail early on an unknown language
    _current = lang


def current_language() -> str:
    return _current


def t(key: str, /, **params: object) -> str:
    """The interface text for ``key`` in the current language."""
    text = catalogue(_current).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANG).get(key, key)
    return text.format(**params) if params else text
