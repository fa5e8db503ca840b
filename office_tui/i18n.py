"""One translation function for the whole interface.

Catalogues live in ``locales/<lang>.toml`` as flat ``"key" = "text"`` pairs with
``{name}`` placeholders; Traditional Chinese is the default, English complete.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANG = "zh_TW"

_current = DEFAULT_LANG


@cache
def catalogue(lang: str) -> dict[str, str]:
    with (LOCALES_DIR / f"{lang}.toml").open("rb") as handle:
        return tomllib.load(handle)


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
