"""Binding descriptions in the interface language.

Textual reads ``Binding.description`` for the Footer and help; our BINDINGS carry an
i18n key there ("key.…", "menu.…") and each screen swaps in the translation when it is built, so
a language switch needs no restart.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from office_tui.core.i18n import DEFAULT_LANG, catalogue, t


def translate_bindings(node: DOMNode) -> None:
    """Give ``node`` its class bindings with descriptions in the current language.

    ``_merged_bindings`` (the class's, with i18n keys) and ``_bindings`` (the node's own
    copy) are textual.dom.DOMNode internals; re-running after a language switch works.
    """
    originals = type(node)._merged_bindings
    if originals is None:
        return
    for key, entries in originals.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=t(b.description)) if b.description in catalogue(DEFAULT_LANG) else b
            for b in entries
        ]


class TranslatedBindings:
    """Mixin for screens, widgets and the app whose BINDINGS use i18n keys."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # type: ignore[arg-type]
