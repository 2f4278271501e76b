"""Official documents (公文) in the layout every document of the system uses: one
`OfficialDocument` says what the document shows, `officialdoc_docx` lays it out as a Word file
and the template `official_document.html` as an A4 sheet to print.

The layout (GB/T 9704-2012): A4 with the margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm
right (a text block of 156 × 225 mm); the title in 方正小标宋简体 22 pt (二号), centred; the
number centred under it; the body in 仿宋_GB2312 16 pt (三号) on an exact 28 pt line with a
two-character first-line indent; headings in 黑体; tables as real Word tables with borders; the
issuing unit, the date in Arabic numerals (2026年11月22日, `official_date`) and the seal
right-aligned; an optional 抄送 line at the foot; the page number "— 1 —" in 宋体 14 pt (四号)
under the text block, right on odd pages and left on even ones, one character in from the
edge; a draft says so in its header and its title.

The text is fixed official Chinese, not gettext: a document is issued in Chinese whatever the
user's interface language. Never put an ID number or a phone number into one.

Example::

    from core.officialdoc import OfficialDocument, Section, Table, officialdoc_docx

    doc = OfficialDocument(
        title="督办通知书",
        number="JZXFJ督〔2026〕3号",
        addressee="东湖街道",
        opening=["你单位办理的信访事项JZD1S1-2026-000012已超过办理期限。"],
        sections=[Section("一、督办要求", ["请于2026年11月30日前办结并书面报告。"])],
        tables=[Table("责任分摊表", ["单位", "职责"], [["东湖区信访局", "跟踪督办"]])],
        closing=["特此通知。"],
        issuing_unit="江城市信访局",
        date=datetime.date(2026, 11, 22),
        copy_to="东湖区人民政府",
    )
    content: bytes = officialdoc_docx(doc)  # serve as DOCX_TYPE, with `doc.filename`

and in a page: ``{% include "official_document.html" with document=doc %}``.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SEAL = "（印章）"
DRAFT_MARK = "草稿"
DRAFT_NOTICE = "草稿：未经审批，不得印发"

TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "宋体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
COPY_TO_SIZE = Pt(14)  # 四号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
EM_DASH = "—"  # the 一字线 either side of the page number
TABLE_SIZE = Pt(12)  # 小四: a table of several columns does not fit in 三号
LINE = Pt(28)
TABLE_LINE = Pt(20)
RED = RGBColor(0xC0, 0x00, 0x00)


def official_date(day: datetime.date) -> str:
    """Every date a document writes, in Arabic numerals without leading zeros (GB/T 9704-2012
    7.3.5.2): 2026年12月4日, in the body text and under the issuing unit alike."""
    return f"{day.year}年{day.month}月{day.day}日"


NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """A heading's number (一、二、… 十一、), 1 to 99: 1 → 一, 12 → 十二, 20 → 二十."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{NUMERALS[tens - 1] if tens > 1 else ''}十{NUMERALS[ones - 1] if ones else ''}"


def paragraphs_of(text: str) -> list[str]:
    """The non-empty lines of a text field, stripped: one paragraph each."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Section:
    """A heading (一、督办要求) in 黑体 and its paragraphs."""

    heading: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Table:
    """A table with borders: a caption above it, a header row (黑体) and the rows."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class OfficialDocument:
    """Everything an official document shows, in order: title, number, addressee (主送, with
    a colon after it; empty for none), opening paragraphs, sections, tables, closing
    paragraphs, issuing unit, date and seal, and the 抄送 line."""

    title: str
    number: str
    addressee: str
    opening: list[str]
    issuing_unit: str
    date: datetime.date
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    copy_to: str = ""
    is_draft: bool = False
    seal: str = SEAL
    draft_mark: str = DRAFT_MARK
    draft_notice: str = DRAFT_NOTICE
    # The .docx file name; `<title>-<number>.docx` when empty.
    name: str = ""

    @property
    def date_text(self) -> str:
        return official_date(self.date)

    @property
    def filename(self) -> str:
        return self.name or f"{self.title}-{self.number}.docx"

    @property
    def copy_to_line(self) -> str:
        """抄送：东湖区人民政府，江城市信访局。 (empty without a copy-to)."""
        return f"抄送：{self.copy_to.rstrip('。')}。" if self.copy_to else ""


# --- .docx primitives ---------------------------------------------------------------------------


def _font(run, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None):
    """Set a run's font for Latin and East Asian text alike: python-docx's `font.name` sets
    only the Latin slots, so Chinese would fall back to the theme font without w:eastAsia."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _title_font(run, color: RGBColor | None = None) -> None:
    """方正小标宋简体 for the Chinese title; 宋体 in the Latin slots, which is also what
    renders digits and brackets where the 方正 font is not installed."""
    _font(run, TITLE_FONT, TITLE_SIZE, color=color)
    fonts = run._element.rPr.rFonts
    fonts.set(qn("w:ascii"), TITLE_FALLBACK)
    fonts.set(qn("w:hAnsi"), TITLE_FALLBACK)


def _layout(paragraph: Paragraph, *, align=None, indent: bool = False, line: Pt = LINE):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        # Two characters: firstLineChars is what Word and WPS honour, firstLine the fallback.
        fmt.first_line_indent = BODY_SIZE * 2
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")


def _body(doc, text: str, *, font: str = BODY_FONT, align=None, indent: bool = True):
    paragraph = doc.add_paragraph()
    _layout(paragraph, align=align, indent=indent)
    _font(paragraph.add_run(text), font, BODY_SIZE)
    return paragraph


def new_a4_document():
    """An empty Word document: A4 with the official margins, 仿宋_GB2312 16 pt as Normal and
    the page number in the footers (see `_page_numbers`)."""
    doc = new_docx()
    section = doc.sections[0]
    # A4 exactly as Word stores it (11906 × 16838 twips).
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _page_numbers(doc)
    return doc


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field (the current page number, in Arabic numerals) at the end of `paragraph`."""
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), " PAGE ")
    run = paragraph.add_run("1")
    _font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    run._r.addprevious(field_)
    field_.append(run._r)


def _page_number(paragraph: Paragraph, align) -> None:
    """`— 1 —` in 宋体 四号, one character in from the side it is aligned to."""
    _layout(paragraph, align=align, line=Pt(21))
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE
    _font(paragraph.add_run(f"{EM_DASH} "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _page_field(paragraph)
    _font(paragraph.add_run(f" {EM_DASH}"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _page_numbers(doc) -> None:
    """The page number of GB/T 9704-2012 7.5: separate odd and even footers, odd pages on the
    right and even pages on the left; the number's top about 7 mm under the text block."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    section.footer_distance = Mm(23)
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _border(paragraph: Paragraph, *sides: str) -> None:
    """A single thin line on `sides` ("top", "bottom") of a paragraph (the 版记 rules)."""
    borders = OxmlElement("w:pBdr")
    for side in sides:
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    paragraph._p.get_or_add_pPr().append(borders)


def _table(doc, table: Table) -> None:
    if table.caption:
        _body(doc, table.caption, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    columns = max(1, len(table.header), *(len(row) for row in table.rows))
    grid = doc.add_table(rows=0, cols=columns)
    grid.style = doc.styles["Table Grid"]  # single borders on every cell
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    lines = ([(table.header, True)] if table.header else []) + [(r, False) for r in table.rows]
    for values, is_header in lines:
        cells = grid.add_row().cells
        for index, cell in enumerate(cells):
            text = str(values[index]) if index < len(values) else ""
            paragraph = cell.paragraphs[0]
            _layout(
                paragraph,
                align=WD_ALIGN_PARAGRAPH.CENTER if is_header else None,
                line=TABLE_LINE,
            )
            _font(
                paragraph.add_run(text),
                HEADING_FONT if is_header else BODY_FONT,
                TABLE_SIZE,
                bold=is_header,
            )
    if table.header:
        # The header row repeats on every page the table runs over.
        row_pr = grid.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        row_pr.append(repeat)
    _body(doc, "", indent=False)


def officialdoc_docx(content: OfficialDocument) -> bytes:
    """`content` as a .docx in the official layout (see the module docstring)."""
    doc = new_a4_document()
    section = doc.sections[0]

    if content.is_draft:
        # Odd and even pages have headers of their own: the notice goes on both.
        for part in (section.header, section.even_page_header):
            header = part.paragraphs[0]
            header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(header.add_run(content.draft_notice), HEADING_FONT, Pt(12), bold=True, color=RED)

    title = doc.add_paragraph()
    _layout(title, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(40)
    _title_font(title.add_run(content.title))
    if content.is_draft:
        _title_font(title.add_run(f"（{content.draft_mark}）"), color=RED)

    _body(doc, content.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _body(doc, "", indent=False)
    if content.addressee:
        _body(doc, f"{content.addressee}：", indent=False)
    for text in content.opening:
        _body(doc, text)
    for part in content.sections:
        _body(doc, part.heading, font=HEADING_FONT)
        for text in part.paragraphs:
            _body(doc, text)
    for table in content.tables:
        _table(doc, table)
    for text in content.closing:
        if text:
            _body(doc, text)

    _body(doc, "", indent=False)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for text in (content.issuing_unit, content.date_text, content.seal):
        _body(doc, text, align=right, indent=False).paragraph_format.right_indent = BODY_SIZE * 2

    if content.copy_to:
        _body(doc, "", indent=False)
        copy_to = doc.add_paragraph()
        _layout(copy_to)
        copy_to.paragraph_format.left_indent = COPY_TO_SIZE
        copy_to.paragraph_format.right_indent = COPY_TO_SIZE
        _font(copy_to.add_run(content.copy_to_line), BODY_FONT, COPY_TO_SIZE)
        _border(copy_to, "top", "bottom")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
