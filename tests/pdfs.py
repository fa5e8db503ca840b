"""PDFs (and not-PDFs) for the document triage tests, built in memory.

Chinese text uses reportlab's CID font MSung-Light (Traditional Chinese, no font file).
reportlab ≤ 5.1 pairs it with the *simplified* Chinese encoding UniGB-UCS2-H, so its text
extracts as the wrong characters; :func:`cjk_pdf` uses the right one (UniCNS-UCS2-H), and
:func:`wrong_map_pdf` keeps the wrong one on purpose: real CJK characters, all wrong.
"""

from __future__ import annotations

import io
import zipfile

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import _cidfontdata, pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "MSung-Light"
COMPANY = "雲端科技股份有限公司"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        _cidfontdata.defaultUnicodeEncodings[FONT] = ("cht", "UniCNS-UCS2-H")
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def cjk_pdf(pages: list[list[str]], size=A4, encrypt=None) -> bytes:
    """One page per list of lines, in MSung-Light."""
    font = _font()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=size, encrypt=encrypt, invariant=1)
    for lines in pages:
        c.setFont(font, 14)
        y = size[1] - 60
        for line in lines:
            c.drawString(50, y, line)
            y -= 24
        c.showPage()
    c.save()
    return out.getvalue()


# ---- the kinds ----------------------------------------------------------------------

def tax_return(ubn: str, roc_year: int, company: str = COMPANY) -> bytes:
    return cjk_pdf([[
        "年度損益及稅額計算表",
        f"{roc_year}年度 營利事業所得稅結算申報",
        f"營利事業名稱：{company}",
        f"統一編號：{ubn}",
        f"所得期間：自{roc_year}年1月1日至{roc_year}年12月31日",
        "營業收入淨額 12,345,678",
        "營業毛利 3,456,789",
        "全年所得額 1,234,567",
        "課稅所得額 1,234,567",
        "本年度應納稅額 246,913",
        f"申報日期：{roc_year + 1}年5月20日",
    ], [
        "（續）營業費用及損失總額明細",
        "薪資支出 5,000,000",
        "租金支出 600,000",
    ]])


def vat_401(ubn: str, roc_year: int, months: tuple[int, int]) -> bytes:
    m1, m2 = months
    return cjk_pdf([[
        "營業人銷售額與稅額申報書（401）",
        f"營業人名稱：{COMPANY}",
        f"統一編號：{ubn}",
        f"所屬年月份：{roc_year}年{m1}-{m2}月",
        "銷項稅額 120,000",
        "進項稅額 80,000",
        "本期應實繳稅額 40,000",
    ]])


def payment_proof(ubn: str, roc_year: int, months: tuple[int, int]) -> bytes:
    m1, m2 = months
    return cjk_pdf([[
        "營業稅繳納證明",
        f"營業人名稱：{COMPANY}",
        f"統一編號：{ubn}",
        f"所屬期間：{roc_year}年{m1}月至{m2}月",
        f"繳納日期：{roc_year}年{m2 + 1}月10日",
        "稅額 40,000 元，業已繳納。",
        "財政部北區國稅局",
    ]])


def contract(seller_ubn: str, buyer_ubn: str) -> bytes:
    return cjk_pdf([[
        "軟體服務合約書",
        f"立合約書人 甲方：好吃餐飲有限公司（統一編號：{buyer_ubn}）",
        f"乙方：{COMPANY}（統一編號：{seller_ubn}）",
        "合約期間：自114年1月1日至114年12月31日",
        "服務內容：雲端收銀系統(POS) 訂閱一年",
        "合約總金額：新臺幣 36,000 元整（含稅）",
        "甲方已於114年1月15日付清全額。",
    ]])


def certificate() -> bytes:
    return cjk_pdf([[
        "證書",
        f"茲證明 {COMPANY}",
        "通過 ISO/IEC 27001:2013 資訊安全管理系統認證",
        "有效期限：至115年12月31日",
        "特此證明",
    ]], size=landscape(A4))


def application_form(ubn: str) -> bytes:
    return cjk_pdf([[
        "建構零售暨服務業數據共享創新服務計畫",
        "雲端解決方案申請書",
        f"申請單位：{COMPANY}",
        f"統一編號：{ubn}",
        "解決方案名稱：雲端收銀好幫手",
        "方案類別：雲端收銀(POS)",
        "申請日期：110年7月5日",
        "應附文件：附件2 技術特性說明書、附件3 推廣計畫書",
        "負責人：王大明（簽章）",
    ]])


def tech_spec() -> bytes:
    return cjk_pdf([[
        "附件2",
        "雲端解決方案技術特性說明書",
        "一、系統架構：採用多租戶雲端架構。",
        "二、大量連線：支援同時 5,000 個連線。",
        "三、資源彈性調度：依負載自動擴充。",
        "四、服務不中斷：異地備援，年可用率 99.9%。",
        "五、資安風險：定期弱點掃描。",
        "六、資料自主權：店家可隨時匯出資料。",
    ]])


def promo_plan(target: int = 200) -> bytes:
    return cjk_pdf([[
        "附件3",
        "雲端解決方案推廣計畫書",
        "一、目標客群：中小型餐飲業者。",
        "二、推廣方式：商圈說明會、線上廣告。",
        "三、行銷策略：首年九折，續約八五折。",
        f"四、預計推廣店家數：{target} 家。",
    ]])


def deck_pdf() -> bytes:
    return cjk_pdf([["雲端收銀好幫手", "審查簡報"], ["公司簡介", "團隊成員"], ["方案特色", "價格"],
                    ["推廣成果", "謝謝聆聽"]], size=landscape(A4))


def minutes() -> bytes:
    """Readable text that is none of the kinds."""
    return cjk_pdf([["會議紀錄", "時間：114年3月2日下午二時", "出席人員：王小明、李大華", "討論事項：下一季的工作安排",
                     "決議：照案通過"]])


def many_pages(n: int, lines: list[str]) -> bytes:
    return cjk_pdf([lines] * n)


def combined(ubn: str) -> bytes:
    """An application form and its annex 2 merged into one file."""
    return cjk_pdf([["雲端解決方案申請書", f"申請單位：{COMPANY}", f"統一編號：{ubn}"],
                    ["附件2 雲端解決方案技術特性說明書", "一、系統架構：多租戶。", "二、大量連線：5,000。"]])


def partly_scanned(ubn: str) -> bytes:
    """A 401 whose second page is a scan (an image, no text)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in (vat_401(ubn, 110, (3, 4)), image_only_pdf()):
        writer.add_page(PdfReader(io.BytesIO(data)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- broken and odd files -----------------------------------------------------------

def image_only_pdf() -> bytes:
    """A scan: one page holding nothing but an image."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (200, 280), "white")
    for x in range(20, 180):
        for y in range(40, 60):
            image.putpixel((x, y), (0, 0, 0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.drawImage(ImageReader(image), 50, 200, width=400, height=560)
    c.showPage()
    c.save()
    return out.getvalue()


def encrypted_pdf(ubn: str) -> bytes:
    """Needs a password to open (reportlab's standard encryption, user password set)."""
    return cjk_pdf([["營業稅繳納證明", f"統一編號：{ubn}"]], encrypt="secret")


def truncated_pdf(ubn: str) -> bytes:
    data = tax_return(ubn, 109)
    return data[: len(data) * 2 // 3]


def not_pdf() -> bytes:
    return "這不是 PDF，是一個改了副檔名的文字檔。\n營業稅繳納證明\n".encode()


def pptx(title: str = "雲端收銀好幫手") -> bytes:
    """Enough of a .pptx to be one by its content: a zip with ppt/presentation.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("ppt/presentation.xml", '<?xml version="1.0"?><p:presentation/>')
        archive.writestr("ppt/slides/slide1.xml", f'<?xml version="1.0"?><p:sld><a:t>{title}</a:t></p:sld>')
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand from its objects (1 = catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(content: bytes) -> bytes:
    return f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"


def _one_page(font: bytes, content: bytes, extra: list[bytes] = ()) -> bytes:
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        font,
        _stream(content),
        *extra,
    ])


def cid_pdf(lines: int = 6) -> bytes:
    """Text in a composite font (Identity-H) with no /ToUnicode: pdfminer can only give
    (cid:NN) tokens — the commonest nonsense in real files."""
    shows = b"".join(
        b"0 -20 Td <" + "".join(f"{(i * 37 + k * 11) % 900 + 100:04X}" for k in range(12)).encode() + b"> Tj "
        for i in range(lines))
    return _one_page(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Broken /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"BT /F1 14 Tf 50 800 Td " + shows + b"ET",
        [b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Broken"
         b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"],
    )


def private_use_pdf() -> bytes:
    """A simple font whose /Differences name glyphs uniE000…: every character extracts
    as a private-use code point."""
    names = " ".join(f"/uniE{i:03X}" for i in range(96))
    lines = b"".join(b"0 -20 Td (" + line + b") Tj " for line in (b"ABCDEFGHIJKLMN", b"OPQRSTUVWXYZ", b"abcdefghijk"))
    return _one_page(
        f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding"
        f" /Differences [32 {names}] >> >>".encode(),
        b"BT /F1 14 Tf 50 800 Td " + lines + b"ET",
    )


def wrong_map_pdf(ubn: str) -> bytes:
    """A 年度損益及稅額計算表 whose font says the simplified Chinese encoding while its
    glyphs are the traditional ones (what reportlab ≤ 5.1 writes): it extracts as real
    but wrong and mostly rare characters."""
    data = tax_return(ubn, 109)
    assert b"/UniCNS-UCS2-H" in data
    return data.replace(b"/UniCNS-UCS2-H", b"/UniGB-UCS2-H ")  # same length: the xref holds


# ---- the applications the documents belong to ---------------------------------------

APPLICANT_UBN = "04193850"
OTHER_UBN = "12345675"  # a valid UBN that is not the applicant's
FIRST = "C110-1-0001"  # submitted 110/07/05 (2021-07-05) by APPLICANT_UBN
SECOND = "C110-1-0002"  # submitted 110/07/06 by OTHER_UBN


def seed_applications(engine) -> dict[str, int]:
    """Batch 1 (110/07/01–110/07/08 17:00) with two applications; {application_no: id}."""
    from datetime import date, datetime

    from sqlmodel import select

    from models import Application, Batch, Provider
    from models.clock import OFFICE_TZ
    from office_tui.core.db import write_session

    with write_session(engine, None, reason="test office") as session:
        batch = Batch(number=1, opens_on=date(2021, 7, 1), closes_at=datetime(2021, 7, 8, 17, 0, tzinfo=OFFICE_TZ))
        session.add(batch)
        session.flush()
        for number, ubn, name, day in ((FIRST, APPLICANT_UBN, COMPANY, 5), (SECOND, OTHER_UBN, "好點子資訊有限公司", 6)):
            provider = Provider(ubn=ubn, name=name, business_items="I301010", registered_on=date(2015, 3, 1),
                                paid_in_capital=5_000_000)
            session.add(provider)
            session.flush()
            session.add(Application(application_no=number, batch_id=batch.id, provider_id=provider.id,
                                    solution_name="雲端收銀好幫手", category="pos",
                                    submitted_at=datetime(2021, 7, day, 10, 0, tzinfo=OFFICE_TZ)))
        session.flush()
        return dict(session.exec(select(Application.application_no, Application.id)).all())


def _hello_objects() -> list[bytes]:
    content = b"BT /F1 12 Tf 72 720 Td (Hello from page one) Tj ET"
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]


def _pdf_with(objects: list[bytes], trailer: bytes) -> tuple[bytes, int]:
    """%PDF, the objects, an xref of them and ``trailer`` (with %(size)s filled in)."""
    import io

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n" + trailer % {b"size": len(objects) + 1} + b"\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue(), xref


def page_tree_in_the_info() -> bytes:
    """The defect of pypdf's cmyk-image.pdf: the document information shares the page
    tree, and pdfplumber, decoding the information, loses the pages."""
    data, _ = _pdf_with(_hello_objects() + [b"<< /Producer (test) /Kids 2 0 R >>"],
                        b"<< /Size %(size)d /Root 1 0 R /Info 6 0 R >>")
    return data


def update_without_way_back() -> bytes:
    """The defect of PyMuPDF's test_4114.pdf: an incremental update whose cross-reference
    does not lead back (no /Prev) to the section holding the page tree."""
    data, _ = _pdf_with(_hello_objects(), b"<< /Size %(size)d /Root 1 0 R >>")
    catalog = len(data)
    data += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (zh-TW) >>\nendobj\n"
    xref = len(data)
    data += b"xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n" % catalog
    data += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return data
