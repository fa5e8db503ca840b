"""The command line's registry (office_tui/cli/main.py AREAS): each area declares the words
it answers to, a command line loads only the area it names, and a command that needs no
database never loads the database layer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from office_tui.cli.main import AREAS, areas_for, build_parser

ROOT = Path(__file__).resolve().parents[1]


def _choices(parser, *path: str) -> set[str]:
    """The subcommand words under ``path`` (e.g. ("import",))."""
    for word in path:
        parser = _subparsers(parser).choices[word]
    return set(_subparsers(parser).choices)


def _subparsers(parser):
    return next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.module.rsplit(".", 1)[-1])
def test_each_area_registers_exactly_the_words_it_declares(area):
    parser = build_parser((area,))
    assert _choices(parser) - {"import", "export"} == set(area.top)
    assert _choices(parser, "import") == set(area.imports)
    assert _choices(parser, "export") == set(area.exports)


def test_no_word_is_claimed_twice():
    for kind in ("top", "imports", "exports"):
        words = [w for area in AREAS for w in getattr(area, kind)]
        assert len(words) == len(set(words)), kind


@pytest.mark.parametrize(("argv", "module"), [
    (["ubn", "check", "04193850"], "office_tui.cli.intake"),
    (["--db", "sqlite:///x.db", "claims", "list"], "office_tui.cli.claims"),
    (["import", "claims", "f.xlsx"], "office_tui.cli.claims"),
    (["import", "scores", "--json", "f.xlsx"], "office_tui.cli.tally"),
    (["export", "approvals", "--batch", "1", "-o", "a.xlsx"], "office_tui.cli.publication"),
    (["--lang", "en", "workdays", "add", "110/07/05", "3"], "office_tui.cli.notices"),
])
def test_a_command_line_loads_only_its_area(argv, module):
    assert [area.module for area in areas_for(argv)] == [module]


@pytest.mark.parametrize("argv", [[], ["--help"], ["claims", "--help"], ["bogus"], ["import", "bogus", "f"]])
def test_help_and_unknown_words_load_every_area(argv):
    assert areas_for(argv) == AREAS


def test_a_command_without_the_database_does_not_load_it():
    code = ("import json, sys\n"
            "from office_tui.cli.main import main\n"
            "rc = main(['ubn', 'check', '04193850'])\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'models', 'alembic')"
            " or m.startswith('office_tui.cli.') and m not in ('office_tui.cli.main', 'office_tui.cli.base', 'office_tui.cli.intake', 'office_tui.cli.text'))\n"
            "print(json.dumps([rc, loaded]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    rc, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert rc == 0
    assert loaded == []
