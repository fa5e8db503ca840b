"""No Textual below the screens: models, importers, exports and the programme's rules
must work from a plain script with no terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_MODULES = {"office_tui.app", "office_tui.__main__"}


def _core_modules() -> list[str]:
    names = []
    for package in ("models", "importers", "exports", "office_tui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            if module not in UI_MODULES:
                names.append(module)
    return names


def test_core_modules_do_not_import_textual():
    modules = _core_modules()
    assert "office_tui.core.listing" in modules and "models.intake" in modules
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'screens'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(result.stdout) == []
