"""文件檢視 (document triage): what a document's text says, and the office's decision on it.

Two halves:

* **Rules** — plain functions on text, no database, no files: is the extracted text
  readable (:func:`text_quality`), which kind of document it is (:func:`classify`,
  :func:`kind_from_name`), which UBNs, dates and tax periods it shows
  (:func:`find_ubns`, :func:`find_dates`, :func:`annual_years`, :func:`vat_periods`), and
  whether a tax document is the latest one (:func:`latest_annual_year`,
  :func:`latest_vat_period`, :func:`period_check`). ``importers.documents`` applies them
  to each file it reads.
* **Decisions** — staff go through the documents one by one (:func:`queue`,
  :func:`document_facts`) and accept them, mark them deficient (the next step turns
  those into correction notices) or skip them for later. Each decision is a write
  through :func:`office_tui.db.write_session`, so the audit log has it, and each answers
  with the application's checklist after the decision
  (:func:`office_tui.eligibility.missing_documents`).

Classification, in brief: content first. The text (NFKC, whitespace removed) is scored
per kind: a strong phrase (a document title such as 「年度損益及稅額計算表」) counts 5,
a medium one (甲方, 銷項稅額, 附件2 …) 2, a weak one 1, and a phrase in the first lines
of the first page counts three times. The best kind with at least 5 points wins (ties go
to the earlier kind in :data:`KINDS`). Only when the content decides nothing does the
file name decide (warning ``kind_from_name``); a file name that says another kind than
the content gets warning ``name_mismatch``.

Text that extracts as nonsense — mostly ``(cid:NN)`` tokens (a font without a Unicode
map), private-use or replacement characters, very few CJK/ASCII word characters, or
Chinese characters that are nearly all rare ones (a font whose map points at the wrong
characters) — is never classified from its content. Such a document gets status
``no_text`` like a scan (nothing in it can be trusted, so the checklist does not count
it), warning ``unreadable_text``, and a kind guessed from its file name only (warning
``kind_from_name``) or ``unknown``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import Engine
from sqlmodel import select

from models import Application, Document, Provider, User
from office_tui.actor import Actor
from office_tui.clock import OFFICE_TZ, now_utc
from office_tui.db import read_session, write_session
from office_tui.errors import OfficeError
from office_tui.i18n import current_language, t

# ---------------------------------------------------------------------------------------
# codes
# ---------------------------------------------------------------------------------------

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
STATUSES = ("ok", "no_text", "encrypted", "corrupt", "not_pdf", "unmatched")
# Status codes that mean the system could not read the file at all.
UNREADABLE_STATUSES = ("encrypted", "corrupt", "not_pdf")
WARNINGS = (
    "ubn_mismatch",  # the document shows UBNs, none of them the applicant's
    "outdated",  # a tax document of a period before the latest one
    "unknown_kind",  # neither content nor file name says what it is
    "no_ubn",  # a tax document with no UBN in it
    "duplicate",  # the same content is already stored for this application
    "unreadable_text",  # the text extracts as nonsense (see the module docstring)
    "kind_from_name",  # the kind comes from the file name, not the content
    "name_mismatch",  # the file name says another kind than the content
    "no_period",  # a tax document whose year/period could not be found
    "pages_without_text",  # some pages (not all) have no text: scanned pages
    "unreadable_pages",  # some pages (not all) could not be read
    "combined",  # several documents merged into one file
    "wrong_extension",  # the file name's extension does not fit its content
)
TRIAGE_STATES = ("pending", "accepted", "deficient")


class TriageError(OfficeError):
    """A triage decision that cannot be made."""


def kind_label(kind: str) -> str:
    return t(f"doc.{kind}")


def status_label(status: str) -> str:
    return t(f"triage.status_{status}")


def warning_label(code: str) -> str:
    return t(f"triage.warning_{code}")


def triage_label(state: str) -> str:
    return t(f"triage.triage_{state}") if state in TRIAGE_STATES else state


def sentences(parts: list[str]) -> str:
    """Sentences joined as the language writes them (no space in Chinese)."""
    return ("" if current_language().startswith("zh") else " ").join(p for p in parts if p)


# ---------------------------------------------------------------------------------------
# text quality
# ---------------------------------------------------------------------------------------

_CID = re.compile(r"\(cid:\d+\)")
# Form filler that says nothing either way: blanks to write on, boxes, rules.
_FILLER = set("_-‐－.．…‥─━=＝·•・□■☐☑☒○●◎*＊~～|｜/／\\()（）[]［］:：,，、。")

CID_SHARE_MAX = 0.3  # more (cid:NN) tokens than this share of the glyphs: nonsense
ODD_SHARE_MAX = 0.1  # private-use, replacement and control characters
WORD_SHARE_MIN = 0.5  # CJK ideographs and ASCII letters/digits among the other glyphs
COMMON_HANZI_MIN = 0.8  # share of common characters (Big5/GB2312 level 1) among CJK
COMMON_HANZI_SAMPLE = 30  # judge the CJK share only with at least this many characters


@cache
def common_hanzi() -> frozenset[str]:
    """The frequently used characters: Big5 level 1 (常用字, 5,401) and GB2312 level 1.

    A font whose map points at the wrong code points still yields CJK characters, but
    mostly rare ones: a real document is nearly all common characters."""
    chars: set[str] = set()
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xA4, 0xC7):
        for trail in trails:
            if (lead, trail) > (0xC6, 0x7E):
                break
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def _is_odd(c: str) -> bool:
    o = ord(c)
    if 0xE000 <= o <= 0xF8FF or o >= 0xF0000 or o == 0xFFFD:
        return True
    return unicodedata.category(c) in ("Cc", "Co", "Cs", "Cn")


@dataclass(frozen=True)
class TextQuality:
    readable: bool
    why: str = ""  # "", "empty", "cid", "odd_chars", "few_words", "rare_hanzi"
    glyphs: int = 0


def text_quality(text: str) -> TextQuality:
    """Whether extracted text is real text or the nonsense of a font without a proper
    Unicode map. Empty text is not readable (``why="empty"``): a scan."""
    cids = len(_CID.findall(text))
    rest = _CID.sub("", text) if cids else text
    glyphs = [c for c in rest if not c.isspace()]
    total = len(glyphs) + cids
    if total == 0:
        return TextQuality(False, "empty", 0)
    if cids / total > CID_SHARE_MAX:
        return TextQuality(False, "cid", total)
    odd = sum(1 for c in glyphs if _is_odd(c))
    if odd / total > ODD_SHARE_MAX:
        return TextQuality(False, "odd_chars", total)
    considered = [c for c in glyphs if c not in _FILLER]
    if considered:
        cjk = [c for c in considered if _is_cjk(c)]
        words = len(cjk) + sum(1 for c in considered if c.isascii() and c.isalnum())
        if words / len(considered) < WORD_SHARE_MIN:
            return TextQuality(False, "few_words", total)
        if len(cjk) >= COMMON_HANZI_SAMPLE:
            common = common_hanzi()
            if sum(1 for c in cjk if c in common) / len(cjk) < COMMON_HANZI_MIN:
                return TextQuality(False, "rare_hanzi", total)
    return TextQuality(True, "", total)


# ---------------------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------------------

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


_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_WHITESPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) with the whitespace removed, except
    one space between two digits: 「04193850 113年度」 must not become 「04193850113年度」."""
    text = _DIGIT_GAP.sub(" ", unicodedata.normalize("NFKC", text))
    return _WHITESPACE.sub(lambda m: m[0] if m[0] == " " and _between_digits(m) else "", text)


def _between_digits(match: re.Match) -> bool:
    s, a, b = match.string, match.start(), match.end()
    return 0 < a and b < len(s) and s[a - 1].isdigit() and s[b].isdigit()


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


# ---------------------------------------------------------------------------------------
# UBNs, dates, periods
# ---------------------------------------------------------------------------------------

_UBN_LABEL = re.compile(
    r"(?:統一編號|統編|營利事業編號|扣繳單位編號|UBN|Tax\s*ID)[^\d\n]{0,15}?\n?[^\d\n]{0,15}?"
    r"((?:\d[ \t]?){7}\d)(?![ \t]?\d)", re.IGNORECASE)
_UBN_BARE = re.compile(r"(?<![\dA-Za-z/.\-])\d{8}(?![\dA-Za-z/\-])(?!\.\d)")
_NOT_UBN_BEFORE = re.compile(r"電話|傳真|手機|專線|分機|帳號|帳戶|TEL|FAX|PHONE", re.IGNORECASE)


def find_ubns(text: str) -> list[str]:
    """The UBNs a document shows, in order of appearance: every 8-digit number after a
    label (統一編號, 統編 …), then bare 8-digit numbers that pass the checksum and are
    neither a date (YYYYMMDD) nor a phone or account number."""
    from office_tui.ubn import is_valid_ubn

    text = unicodedata.normalize("NFKC", text)
    found: list[str] = []
    for m in _UBN_LABEL.finditer(text):
        ubn = re.sub(r"\s", "", m[1])
        if ubn not in found:
            found.append(ubn)
    for m in _UBN_BARE.finditer(text):
        ubn = m[0]
        if ubn in found or not is_valid_ubn(ubn):
            continue
        if _NOT_UBN_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        if _plausible_yyyymmdd(ubn):
            continue
        found.append(ubn)
    return found


def _plausible_yyyymmdd(digits: str) -> bool:
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return 1950 <= day.year <= 2100


_DATE = re.compile(
    r"(?:中華)?民國\s*\d{1,3}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?<!\d)\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?<![\d/.\-])\d{2,4}([/.\-])\d{1,2}\1\d{1,2}(?![\d/.\-])")
DATE_YEARS = (1950, 2100)  # dates outside are version numbers and the like
MAX_DATES = 60


def find_dates(text: str) -> list[date]:
    """The dates a document shows (ROC or Gregorian, as office_tui.dates reads them), in
    order of appearance, each once."""
    from office_tui.dates import DateParseError, parse_date

    text = unicodedata.normalize("NFKC", text)
    found: list[date] = []
    for m in _DATE.finditer(text):
        try:
            day = parse_date(m[0])
        except DateParseError:
            continue
        if DATE_YEARS[0] <= day.year <= DATE_YEARS[1] and day not in found:
            found.append(day)
            if len(found) >= MAX_DATES:
                break
    return found


def _year(text: str) -> int | None:
    year = int(text)
    year = year if len(text) == 4 else year + 1911
    return year if DATE_YEARS[0] <= year <= DATE_YEARS[1] else None


_ANNUAL = re.compile(r"(?<!\d)(\d{2,4})年度")
_ANNUAL_END = re.compile(r"至(?:中華)?(?:民國)?(\d{2,4})年12月31日")


def annual_years(text: str) -> list[int]:
    """The (Gregorian) years an income tax return says it is for: 「114年度」, or the
    end of its period 「自114年1月1日至114年12月31日」."""
    c = compact(text)
    years = [y for y in (_year(m[1]) for m in _ANNUAL.finditer(c)) if y]
    if not years:
        years = [y for y in (_year(m[1]) for m in _ANNUAL_END.finditer(c)) if y]
    return years


_SEP = r"[-~～至到、及]"
_VAT_PATTERNS = (
    # 114年9-10月, 114年9至10月
    re.compile(rf"(?<!\d)(?P<y>\d{{2,3}})年(?P<m1>\d{{1,2}}){_SEP}(?P<m2>\d{{1,2}})月"),
    # 114年9月至10月, 113年1月至114年10月
    re.compile(rf"(?<!\d)(?P<y>\d{{2,3}})年(?P<m1>\d{{1,2}})月份?{_SEP}(?:(?P<y2>\d{{2,3}})年)?(?P<m2>\d{{1,2}})月"),
    # 11409-11410
    re.compile(rf"(?<!\d)(?P<y>\d{{3}})(?P<m1>\d{{2}}){_SEP}(?P<y2>\d{{3}})(?P<m2>\d{{2}})(?!\d)"),
    # 所屬年月：114年10月
    re.compile(r"所屬年月份?[:：]?(?P<y>\d{2,3})年(?P<m2>\d{1,2})月"),
)


def vat_periods(text: str) -> list[tuple[int, int]]:
    """The 營業稅 periods a document shows, as (Gregorian year, last month of the
    two-month period: 2, 4 … 12)."""
    c = compact(text)
    found = []
    for pattern in _VAT_PATTERNS:
        for m in pattern.finditer(c):
            groups = m.groupdict()
            year = _year(groups.get("y2") or groups["y"])
            month = int(groups["m2"])
            if year is None or not 1 <= month <= 12:
                continue
            if groups.get("m1") is not None and not 1 <= int(groups["m1"]) <= 12:
                continue
            month += month % 2  # a month stands for its two-month period
            if (year, month) not in found:
                found.append((year, month))
    return found


def latest_annual_year(submitted_on: date) -> int:
    """The latest income tax year a company can show on ``submitted_on``.

    Annual 營利事業所得稅 returns are filed in May for the previous year. So from June on
    the latest return is for the previous year (D − 1); before June the return for D − 1
    may not be filed yet, and the latest one is for D − 2."""
    return submitted_on.year - 1 if submitted_on.month >= 6 else submitted_on.year - 2


def vat_deadline(year: int, last_month: int) -> date:
    """營業稅 is filed by the 15th of the odd month after each two-month period (a 15th
    that is no working day moves to the next working day)."""
    from office_tui.workdays import WorkCalendar

    day = date(year + 1, 1, 15) if last_month == 12 else date(year, last_month + 1, 15)
    calendar = WorkCalendar()
    while not calendar.is_working_day(day):
        day = date.fromordinal(day.toordinal() + 1)
    return day


def latest_vat_period(submitted_on: date) -> tuple[int, int]:
    """The latest 營業稅 period a company must have filed by ``submitted_on``: the most
    recent two-month period (Jan–Feb … Nov–Dec) whose filing deadline (see
    :func:`vat_deadline`) lies before that day. A newer period, filed early, is fine."""
    year, month = submitted_on.year, submitted_on.month - submitted_on.month % 2
    if month == 0:
        year, month = year - 1, 12
    while vat_deadline(year, month) >= submitted_on:
        year, month = (year, month - 2) if month > 2 else (year - 1, 12)
    return year, month


def format_period(period: tuple[int, int] | int) -> str:
    if isinstance(period, int):
        return t("triage.period_year", year=period - 1911)
    year, month = period
    return t("triage.period_vat", year=year - 1911, start=month - 1, end=month)


@dataclass(frozen=True)
class PeriodCheck:
    warning: str | None  # None, "outdated" or "no_period"
    shown: tuple[int, int] | int | None = None
    latest: tuple[int, int] | int | None = None


def period_check(kind: str, text: str, submitted_on: date | None) -> PeriodCheck:
    """Whether a tax document is of the latest period (see :func:`latest_annual_year`
    and :func:`latest_vat_period`); the newest period the document shows counts."""
    if kind not in TAX_KINDS:
        return PeriodCheck(None)
    if kind == "tax_return":
        years = annual_years(text)
        if not years:
            return PeriodCheck("no_period")
        shown: tuple[int, int] | int = max(years)
        latest: tuple[int, int] | int | None = latest_annual_year(submitted_on) if submitted_on else None
    else:
        periods = vat_periods(text)
        if not periods:
            return PeriodCheck("no_period")
        shown = max(periods)
        latest = latest_vat_period(submitted_on) if submitted_on else None
    if latest is not None and shown < latest:  # type: ignore[operator]
        return PeriodCheck("outdated", shown, latest)
    return PeriodCheck(None, shown, latest)


# ---------------------------------------------------------------------------------------
# reading a document's text
# ---------------------------------------------------------------------------------------


@dataclass
class Reading:
    """What the rules make of one document's text."""

    status: str  # "ok" or "no_text"
    kind: str
    warnings: list[str]
    ubns: list[str]
    dates: list[date]
    details: dict[str, dict[str, object]]  # warning code → its sentence's values
    quality: TextQuality


def read_pages(pages: list[str], file_name: str, *, applicant_ubn: str | None = None,
               submitted_on: date | None = None, landscape_share: float = 0.0,
               deck_stems: frozenset[str] = frozenset()) -> Reading:
    """Apply every rule to the extracted text of a document's pages."""
    text = "\n".join(pages)
    quality = text_quality(text)
    warnings: list[str] = []
    details: dict[str, dict[str, object]] = {}
    if not quality.readable:
        kind = kind_from_name(file_name, deck_stems) or "unknown"
        if quality.why != "empty":
            warnings.append("unreadable_text")
        if kind != "unknown":
            warnings.append("kind_from_name")
            details["kind_from_name"] = {"kind": kind_label(kind)}
        else:
            warnings.append("unknown_kind")
        return Reading("no_text", kind, warnings, [], [], details, quality)
    found = classify(pages, file_name, landscape_share=landscape_share, deck_stems=deck_stems)
    kind = found.kind
    if found.by == "name":
        warnings.append("kind_from_name")
        details["kind_from_name"] = {"kind": kind_label(kind)}
    elif found.by == "none":
        warnings.append("unknown_kind")
    if found.by == "content" and found.name_kind and found.name_kind != kind:
        warnings.append("name_mismatch")
        details["name_mismatch"] = {"name_kind": kind_label(found.name_kind), "kind": kind_label(kind)}
    if found.parts:
        warnings.append("combined")
        details["combined"] = {"kinds": "、".join(kind_label(k) for k in found.parts)}
    ubns = find_ubns(text)
    if applicant_ubn and ubns and applicant_ubn not in ubns:
        warnings.append("ubn_mismatch")
        details["ubn_mismatch"] = {"found": ", ".join(ubns[:5]), "ubn": applicant_ubn}
    if kind in TAX_KINDS and not ubns:
        warnings.append("no_ubn")
    check = period_check(kind, text, submitted_on)
    if check.warning == "outdated":
        warnings.append("outdated")
        details["outdated"] = {"shown": format_period(check.shown), "latest": format_period(check.latest)}
    elif check.warning == "no_period":
        warnings.append("no_period")
    empty = sum(1 for p in pages if not p.strip())
    if empty:
        warnings.append("pages_without_text")
        details["pages_without_text"] = {"n": empty}
    return Reading("ok", kind, warnings, ubns, find_dates(text), details, quality)


# Warnings with a sentence of their own in a reason; the others are said by the status.
_SAID = ("ubn_mismatch", "outdated", "no_ubn", "no_period", "kind_from_name", "name_mismatch",
         "combined", "pages_without_text", "unreadable_pages", "wrong_extension")


def warning_sentences(warnings: list[str], details: dict[str, dict[str, object]]) -> list[str]:
    return [t(f"triage.say_{code}", **details.get(code, {})) for code in warnings if code in _SAID]


# ---------------------------------------------------------------------------------------
# decisions
# ---------------------------------------------------------------------------------------

_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def queue(engine: Engine, application_no: str | None = None) -> list[int]:
    """Document ids in the order staff go through them.

    Pending documents first — those never skipped, then the skipped ones, the one
    skipped longest ago first (a skip records its time in ``triaged_at`` and leaves
    ``triage`` pending) — then documents in no application (unmatched folders: they
    need the folder renamed and imported again), then the decided ones. Within each
    group by application number, kind (in :data:`KINDS` order) and file name."""
    with read_session(engine) as session:
        query = (select(Document.id, Document.file_name, Document.kind, Document.triage, Document.triaged_at,
                        Document.application_id, Application.application_no)
                 .join(Application, Document.application_id == Application.id, isouter=True))
        if application_no is not None:
            query = query.where(Application.application_no == application_no)
        rows = session.exec(query).all()

    def key(row):
        doc_id, file_name, kind, state, triaged_at, app_id, number = row
        undecided = state not in ("accepted", "deficient")
        if app_id is None:
            group = 2 if undecided else 3
        elif undecided:
            group = 1 if triaged_at is not None or state == "skipped" else 0
        else:
            group = 3
        skipped_at = triaged_at.timestamp() if group == 1 and triaged_at is not None else 0.0
        return (group, skipped_at, number or "", _KIND_ORDER.get(kind, len(KINDS)), file_name, doc_id)

    return [row[0] for row in sorted(rows, key=key)]


@dataclass(frozen=True)
class DocumentFacts:
    """Everything a triage screen shows about one document."""

    id: int
    file_name: str
    original_path: str
    stored_path: str | None
    sha256: str
    size_bytes: int
    pages: int
    application_id: int | None
    application_no: str | None
    solution_name: str
    company: str
    ubn: str  # the applicant's
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    warnings: tuple[str, ...]
    warning_labels: tuple[str, ...]
    ubns_found: tuple[str, ...]
    ubn_matches: bool | None  # None: the document shows no UBN (or has no applicant)
    dates_found: tuple[date, ...]
    preview: str
    triage: str
    triage_label: str
    triage_reason: str
    triaged_by: str  # user name of the last decision (or skip)
    triaged_at: datetime | None
    skipped: bool  # still pending, skipped at triaged_at
    imported_at: datetime
    missing: tuple[str, ...]  # the application's checklist: kinds still missing
    can_accept: bool


def _split(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split(",") if part)


def _dates(value: str) -> tuple[date, ...]:
    out = []
    for part in _split(value):
        try:
            out.append(date.fromisoformat(part))
        except ValueError:
            pass
    return tuple(out)


def document_facts(engine: Engine, doc_id: int) -> DocumentFacts:
    from office_tui.eligibility import missing_documents

    with read_session(engine) as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            raise TriageError("triage.no_such_document", doc_id=doc_id)
        application = session.get(Application, doc.application_id) if doc.application_id else None
        provider = session.get(Provider, application.provider_id) if application else None
        user = session.get(User, doc.triaged_by) if doc.triaged_by else None
        missing = tuple(missing_documents(session, application)) if application else ()
        ubns = _split(doc.ubns_found)
        warnings = _split(doc.warnings)
        return DocumentFacts(
            id=doc.id, file_name=doc.file_name, original_path=doc.original_path, stored_path=doc.stored_path,
            sha256=doc.sha256, size_bytes=doc.size_bytes, pages=doc.pages,
            application_id=doc.application_id, application_no=application.application_no if application else None,
            solution_name=application.solution_name if application else "",
            company=provider.name if provider else "", ubn=provider.ubn if provider else "",
            kind=doc.kind, kind_label=kind_label(doc.kind), status=doc.status, status_label=status_label(doc.status),
            reason=doc.reason, warnings=warnings, warning_labels=tuple(warning_label(w) for w in warnings),
            ubns_found=ubns, ubn_matches=(provider.ubn in ubns) if provider and ubns else None,
            dates_found=_dates(doc.dates_found), preview=doc.text_preview,
            triage=doc.triage, triage_label=triage_label(doc.triage), triage_reason=doc.triage_reason,
            triaged_by=(user.display_name or user.username) if user else "", triaged_at=doc.triaged_at,
            skipped=doc.triage not in ("accepted", "deficient") and doc.triaged_at is not None,
            imported_at=doc.imported_at, missing=missing, can_accept=_acceptable(doc) is None,
        )


@dataclass(frozen=True)
class Decision:
    """A triage decision made, and the application's checklist after it."""

    document_id: int
    application_no: str
    triage: str  # pending (skipped), accepted, deficient
    kind: str
    missing: tuple[str, ...]
    message: str


def _acceptable(doc: Document) -> TriageError | None:
    if doc.application_id is None:
        return TriageError("triage.no_application", file=doc.file_name)
    if doc.status in UNREADABLE_STATUSES:
        return TriageError("triage.cannot_accept", file=doc.file_name, status=status_label(doc.status))
    return None


def _decide(engine: Engine, actor: Actor, doc_id: int, reason: str, change) -> Decision:
    from office_tui.eligibility import missing_documents

    with write_session(engine, actor, reason=reason) as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            raise TriageError("triage.no_such_document", doc_id=doc_id)
        if doc.application_id is None:
            raise TriageError("triage.no_application", file=doc.file_name)
        message = change(doc)
        doc.triaged_by = actor.user_id if actor else None
        doc.triaged_at = now_utc()
        session.add(doc)
        session.flush()
        application = session.get(Application, doc.application_id)
        missing = tuple(missing_documents(session, application))
    summary = (t("triage.checklist_missing", application_no=application.application_no,
                 kinds="、".join(kind_label(k) for k in missing)) if missing
               else t("triage.checklist_complete", application_no=application.application_no))
    return Decision(doc.id, application.application_no, doc.triage, doc.kind, missing, sentences([message, summary]))


def accept(engine: Engine, actor: Actor, doc_id: int, kind: str | None = None) -> Decision:
    """Accept a document as its kind (``kind`` corrects what triage read; required when
    the kind is unknown). A file the system could not open (encrypted, corrupt, not a
    PDF) cannot be accepted: mark it deficient instead. A scan (no_text) can: staff read
    it on screen."""
    if kind is not None and kind not in KINDS[:-1]:
        raise TriageError("triage.bad_kind", kind=kind, kinds=", ".join(KINDS[:-1]))

    def change(doc: Document) -> str:
        refusal = _acceptable(doc)
        if refusal is not None:
            raise refusal
        if kind is not None:
            doc.kind = kind
        if doc.kind == "unknown":
            raise TriageError("triage.kind_required", file=doc.file_name)
        doc.triage, doc.triage_reason = "accepted", ""
        return t("triage.accepted", file=doc.file_name, kind=kind_label(doc.kind))

    return _decide(engine, actor, doc_id, f"triage accept document {doc_id}", change)


def mark_deficient(engine: Engine, actor: Actor, doc_id: int, reason: str) -> Decision:
    """Mark a document deficient (不符/無法辨識); ``reason`` is required — it is what the
    correction notice will ask the provider to fix."""
    reason = (reason or "").strip()
    if not reason:
        raise TriageError("triage.reason_required")

    def change(doc: Document) -> str:
        doc.triage, doc.triage_reason = "deficient", reason
        return t("triage.marked_deficient", file=doc.file_name, reason=reason)

    return _decide(engine, actor, doc_id, reason, change)


def skip(engine: Engine, actor: Actor, doc_id: int) -> Decision:
    """Leave a pending document for later: it stays pending, and the time of the skip
    (``triaged_at``, with ``triaged_by``) puts it behind the documents not yet skipped
    in :func:`queue`. A decided document cannot be skipped."""

    def change(doc: Document) -> str:
        if doc.triage in ("accepted", "deficient"):
            raise TriageError("triage.already_decided", file=doc.file_name, triage=triage_label(doc.triage))
        doc.triage = "pending"
        return t("triage.skipped", file=doc.file_name)

    return _decide(engine, actor, doc_id, f"triage skip document {doc_id}", change)


def submission_day(submitted_at: datetime) -> date:
    """An application's submission day at the office (Asia/Taipei)."""
    return submitted_at.astimezone(OFFICE_TZ).date()
