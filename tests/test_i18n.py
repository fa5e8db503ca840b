"""Both languages complete: the same keys, the same placeholders, every key used exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from office_tui.core import programme
from office_tui.core.i18n import catalogue, set_language, t

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("zh_TW", "en")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys():
    zh, en = catalogue("zh_TW"), catalogue("en")
    assert sorted(set(zh) - set(en)) == [], "missing in English"
    assert sorted(set(en) - set(zh)) == [], "missing in Chinese"


def test_placeholders_match_between_languages():
    zh, en = catalogue("zh_TW"), catalogue("en")
    differing = [k for k in zh if _placeholders(zh[k]) != _placeholders(en[k])]
    assert differing == []


def _literal_keys() -> set[str]:
    """Every key the code passes to t() or puts in a Binding/ListColumn/Detail as a literal."""
    pattern = re.compile(r"""["']((?:app|cli|common|demo|db|error|batch|user|role|login|dash|menu|placeholder|list|detail|help|palette|message|settings|key|col|status|category|outcome|notice|claim|condition|intake|move|warn|checklist|deficiency|doc|ubn|import|triage|dialog|form|queue|calendar|notices|decks|month|review|reviewer|roster|conflict|assign|score|sheet|tally|outlier|decide|decision|export|committee|rubric|confirm|sheets|ranking|members|panel|claims|claimsui|reconcile|flag|budget|subsidy|payment|store|past|usage|usageui|spotcheck)\.[a-z0-9_]+)["']""")
    keys = set()
    for folder in ("office_tui", "screens"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            keys |= set(pattern.findall(path.read_text(encoding="utf-8")))
    # Binding ids share the dotted shape but are not text.
    binding_ids = set()
    for path in (ROOT / "screens").rglob("*.py"):
        binding_ids |= set(re.findall(r'id="([a-z_.]+)"', path.read_text(encoding="utf-8")))
    binding_ids |= set(re.findall(r'id="([a-z_.]+)"', (ROOT / "office_tui" / "app.py").read_text(encoding="utf-8")))
    binding_ids |= {"app.pop_screen", "app.tcss", "usage.tcss", "rubric.toml"}  # an action name and files, not text
    return keys - binding_ids


def test_every_key_used_in_the_code_exists():
    missing = sorted(k for k in _literal_keys() if k not in catalogue("zh_TW"))
    assert missing == []


@pytest.mark.parametrize("family, codes", [
    ("status", programme.APPLICATION_STATUSES),
    ("category", programme.CATEGORIES),
    ("claim", programme.CLAIM_STATUSES),
    ("notice", programme.NOTICE_STATUSES),
    ("role", ("admin", "staff", "reviewer")),
    ("condition", [str(n) for n in range(1, 10)]),
    ("outcome", ("met", "unmet", "unknown")),
])
def test_every_code_has_a_label_in_both_languages(family, codes):
    for lang in LANGS:
        missing = [c for c in codes if f"{family}.{c}" not in catalogue(lang)]
        assert missing == [], lang


def test_translation_follows_the_language_and_fills_placeholders():
    set_language("zh_TW")
    assert t("status.not_accepted") == "不予受理"
    assert t("batch.created", number=2, closes="110/09/17 17:00") == "已新增第 2 批次，收件截止：110/09/17 17:00。"
    set_language("en")
    assert t("status.not_accepted") == "Not accepted"
    assert t("list.count", n="1,000") == "1,000 rows"


def test_chinese_category_labels_are_the_programme_names():
    zh = catalogue("zh_TW")
    names = {zh[f"category.{c}"] for c in programme.CATEGORIES}
    assert names == {"CRM(客戶關係管理)", "雲端進銷存管理", "HR(人力資源管理)", "雲端收銀(POS)", "數位行銷工具",
                     "會員集點服務", "開店平台工具", "客戶訂位/預約服務", "其他"}
