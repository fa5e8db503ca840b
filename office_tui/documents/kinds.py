"""Document kinds: the codes and their labels, and which kind a document is by its
text (:func:`classify`) or by its file name (:func:`kind_from_name`).

Classification, in brief: content first. The text (:func:`office_tui.documents.text.compact`)
is scored per kind: a strong phrase (a document title such as 「年度損益及稅額計算表」)
counts 5, a medium one (甲方, 銷項稅額, 附件2 …) 2, a weak one 1, and a phrase in the
first lines of the first page counts three times. The best kind with at least 5 points
wins (ties go to the earlier kind in :data:`KINDS`). Only when the content decides
nothing does the file name decide (warning ``kind_from_name``); a file name that says
another kind than the content gets warning ``name_mismatch``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from office_tui.documents.text import compact
from office_tui.core.i18n import t

KINDS = (
    "tax_return",  # 營利事業所得稅 年度損益及稅額計算表
    "vat_return_401",  # 營業人銷售額與稅額申報書 (401)
    "tax_payment_proof",  # 營業稅繳納證明
    "track_record",  # 實績: a customer contract or a sales invoice copy
    "other_cert",  # awards, certifications, IDB technical-service registration
    "application_form",  # 申請書
    "tech_spec",  # 附件2 技術特性說明書
    "promo_plan",  # 附件3 推廣計畫書
    "deck_pdf",  # the pitch deck as PDF
    "deck_ppt",  # the pitch deck as PowerPoint (.ppt/.pptx)
    "unknown",
)
TAX_KINDS = ("tax_return", "vat_return_401", "tax_payment_proof")
VAT_KINDS = ("vat_return_401", "tax_payment_proof")


def kind_label(kind: str) -> str:
    return t(f"doc.{kind}")


STRONG, MEDIUM, WEAK = 5, 2, 1
TITLE_FACTOR = 3  # a phrase in the title region counts three times
TITLE_CHARS = 60  # the title region: the first characters of the first page (no spaces)
MIN_SCORE = STRONG

_RULES: dict[str, tuple[tuple[str, int], ...]] = {
    "tax_return": (
        (r"損益及稅額計算表", STRONG),
        (r"營利事業所得稅結算申報", STRONG),
        (r"所得稅結算申報書", STRONG),
        (r"營利事業所得稅", MEDIUM),
        (r"課稅所得額|全年所得額", MEDIUM),
        (r"營業收入淨額|營業毛利|營業淨利", MEDIUM),
        (r"應納稅額|結算申報", WEAK),
    ),
    "vat_return_401": (
        (r"銷售額與稅額申報書", STRONG),
        (r"營業稅申報書", STRONG),
        (r"[(（]401[)）]|401(?:表|申報書)", STRONG),
        (r"銷項稅額", MEDIUM),
        (r"進項稅額", MEDIUM),
        (r"溢付稅額|留抵稅額|零稅率銷售額", MEDIUM),
        (r"所屬年月", WEAK),
    ),
    "tax_payment_proof": (
        (r"繳納證明", STRONG),
        (r"繳款書", STRONG),
        (r"納稅證明|無欠稅|查無欠繳", STRONG),
        (r"已繳納|已繳清|繳納日期|繳款日期", MEDIUM),
        (r"代收|收訖", MEDIUM),
        (r"營業稅", WEAK),
    ),
    "track_record": (
        (r"[契合]約書", STRONG),
        (r"統一發票|電子發票證明聯", STRONG),
        (r"銷售實績|實績證明", STRONG),
        (r"訂購單|採購單|訂購合約", STRONG),
        (r"甲方", MEDIUM),
        (r"乙方", MEDIUM),
        (r"[契合]約期[間限]|服務期[間限]", MEDIUM),
        (r"買受人|賣方|買方", MEDIUM),
        (r"發票號碼|(?<![A-Z])[A-Z]{2}-?\d{8}(?!\d)", MEDIUM),
        (r"總金額|總價|合計金額", WEAK),
    ),
    "other_cert": (
        (r"證書", STRONG),
        (r"獎狀|得獎|獲獎|榮獲|頒發", STRONG),
        (r"登錄證明|服務機構登錄|技術服務機構|能量登錄", STRONG),
        (r"ISO/?IEC|ISO\d{4,5}|CMMI", MEDIUM),
        (r"工業局|產業發展署|特此證明|有效期限", MEDIUM),
        (r"認證", WEAK),
    ),
    "application_form": (
        (r"申請書", STRONG),
        (r"申請單位|申請日期|申請人", MEDIUM),
        (r"解決方案名稱|方案名稱", MEDIUM),
        (r"負責人|簽章|用印|印鑑", WEAK),
    ),
    "tech_spec": (
        (r"技術特性說明", STRONG),
        (r"附件[2二]", MEDIUM),
        (r"系統架構|大量連線|大量計算|資源彈性調度|服務不中斷|負載", MEDIUM),
        (r"資安|資料自主", WEAK),
    ),
    "promo_plan": (
        (r"推廣計畫", STRONG),
        (r"附件[3三]", MEDIUM),
        (r"行銷策略|推廣策略|推廣方式|推廣活動|目標客群|預計推廣", MEDIUM),
    ),
    "deck_pdf": (
        (r"審查簡報|提案簡報|簡報資料", STRONG),
        (r"簡報", MEDIUM),
    ),
}
_COMPILED = {kind: tuple((re.compile(p), w) for p, w in rules) for kind, rules in _RULES.items()}
_STRONG_PATTERNS = {kind: tuple(p for p, w in rules if w == STRONG) for kind, rules in _COMPILED.items()}

# The file name: first match wins, so the attachments come before 申請書.
_NAME_RULES: tuple[tuple[str, str], ...] = (
    ("tech_spec", r"附件[_\-\s]*[2二]|技術特性|tech[_\-\s]*spec"),
    ("promo_plan", r"附件[_\-\s]*[3三]|推廣|promo|marketing"),
    ("tax_return", r"損益|稅額計算|所得稅|結算申報|income[_\-\s]*tax|tax[_\-\s]*return"),
    ("vat_return_401", r"(?<!\d)401(?!\d)|營業稅申報|銷售額與稅額|vat"),
    ("tax_payment_proof", r"繳納|繳款|繳稅|納稅證明|無欠稅|payment|paid"),
    ("track_record", r"實績|合約|契約|發票|訂單|invoice|contract|track[_\-\s]*record"),
    ("other_cert", r"獎|認證|證書|登錄|award|cert|iso"),
    ("application_form", r"申請書|申請表|application"),
    ("deck_pdf", r"簡報|deck|slides?|pitch|presentation"),
)
_NAME_COMPILED = tuple((kind, re.compile(p, re.IGNORECASE)) for kind, p in _NAME_RULES)

DECK_LANDSCAPE_SHARE = 0.6  # most pages wider than high …
DECK_MIN_PAGES = 3  # … in a file of several pages …
DECK_MAX_CHARS_PER_PAGE = 600  # … with little text each: slides
DECK_LAYOUT_SCORE = 5  # enough alone; any title phrase of another kind beats it


def kind_from_name(file_name: str, deck_stems: frozenset[str] = frozenset()) -> str | None:
    """The kind a file name suggests, or None. ``deck_stems``: the stems of the
    PowerPoint decks beside it (a PDF of the same name is the deck as PDF)."""
    name = unicodedata.normalize("NFKC", file_name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if stem.lower() in deck_stems:
        return "deck_pdf"
    for kind, pattern in _NAME_COMPILED:
        if pattern.search(stem):
            return kind
    return None


def _score(text: str, title: str) -> dict[str, int]:
    scores = {}
    for kind, rules in _COMPILED.items():
        score = 0
        for pattern, weight in rules:
            if pattern.search(title):
                score += weight * TITLE_FACTOR
            elif pattern.search(text):
                score += weight
        scores[kind] = score
    return scores


@dataclass(frozen=True)
class Classification:
    kind: str  # one of KINDS
    by: str  # "content", "name" or "none"
    name_kind: str | None = None  # what the file name says
    scores: dict[str, int] = field(default_factory=dict)
    parts: tuple[str, ...] = ()  # kinds titled on different pages: a combined file


def classify(pages: list[str], file_name: str = "", *, landscape_share: float = 0.0,
             deck_stems: frozenset[str] = frozenset()) -> Classification:
    """The kind of a readable document from its pages' text, the file name as fallback."""
    texts = [compact(p) for p in pages]
    whole = "".join(texts)
    first = next((p for p in texts if p), "")
    scores = _score(whole, first[:TITLE_CHARS])
    if (len(pages) >= DECK_MIN_PAGES and landscape_share >= DECK_LANDSCAPE_SHARE
            and len(whole) / max(len(pages), 1) <= DECK_MAX_CHARS_PER_PAGE):
        scores["deck_pdf"] += DECK_LAYOUT_SCORE
    name_kind = kind_from_name(file_name, deck_stems) if file_name else None
    best = max(scores.values(), default=0)
    if best >= MIN_SCORE:
        kind = next(k for k in _RULES if scores[k] == best)
        by = "content"
    elif name_kind:
        kind, by = name_kind, "name"
    else:
        kind, by = "unknown", "none"
    titled = []
    for text in texts:
        head = text[:TITLE_CHARS]
        for k, patterns in _STRONG_PATTERNS.items():
            if k not in titled and any(p.search(head) for p in patterns):
                titled.append(k)
                break
    parts = tuple(titled) if len(titled) > 1 else ()
    return Classification(kind, by, name_kind, scores, parts)
