"""One translation function for the whole interface.

Catalogues live in ``locales/<lang>.toml`` and ``locales/<area>.<lang>.toml`` (one pair
per area of the app) as flat ``"key" = "text"`` pairs with ``{name}`` placeholders;
Traditional Chinese is the default, English complete. A key defined twice is an error.
"""

from __future__ import annotations

import tomllib
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
    merged: dict[str, str] = {}
    for path in catalogue_files(lang):
        with path.open("rb") as handle:
            entries = tomllib.load(handle)
        twice = sorted(set(entries) & set(merged))
        if twice:
            raise CatalogueError(f"{path.name} defines again: {', '.join(twice)}")
        merged.update(entries)
    return merged


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
