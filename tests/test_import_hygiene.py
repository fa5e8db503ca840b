"""The shape of the code (docs/architecture.md): no Textual below the screens (models,
importers, exports and the programme's rules work from a plain script with no terminal),
the layers and areas of the import contracts, and no import cycles."""

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


def test_layer_contracts_hold():
    """The contracts in pyproject.toml (docs/architecture.md): the layers, the areas apart
    but for their named modules, no Textual below the screens. Function-level imports count."""
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _import_cycles(packages: tuple[str, ...]) -> list[list[str]]:
    """Strongly connected groups of modules (more than one) in the import graph, imports
    inside functions included: a cycle hidden in a function is still a cycle."""
    import grimp

    graph = grimp.build_graph(*packages, cache_dir=None)
    modules = {m for m in graph.modules if ".migrations" not in m}
    edges = {m: [n for n in graph.find_modules_directly_imported_by(m) if n in modules] for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(modules):  # Tarjan's algorithm, iteratively
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_cycles():
    assert _import_cycles(("office_tui", "screens", "models", "importers", "exports")) == []
