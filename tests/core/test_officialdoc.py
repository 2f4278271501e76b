"""The generic official document (core.officialdoc): the .docx read back with python-docx
(layout, sections, real tables with borders, 抄送, draft mark) and the print sheet."""

import datetime
import io

from django.template.loader import render_to_string
from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from core.officialdoc import OfficialDocument, Section, Table, officialdoc_docx

DOC = OfficialDocument(
    title="督办通知书",
    number="JZXFJ督〔2026〕3号",
    addressee="东湖街道",
    opening=["你单位办理的信访事项已超过办理期限。"],
    sections=[Section("一、督办要求", ["请立即办结。", "书面报告办理结果。"])],
    tables=[
        Table(
            "责任分摊表", ["单位", "职责", "期限"], [["东湖区信访局", "跟踪督办", "2026年12月1日"]]
        )
    ],
    closing=["特此通知。"],
    issuing_unit="江城市信访局",
    date=datetime.date(2026, 11, 22),
    copy_to="东湖区人民政府。",
)


def test_docx_lays_out_every_part_in_the_official_layout():
    doc = read_docx(io.BytesIO(officialdoc_docx(DOC)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:4] == ["督办通知书", "JZXFJ督〔2026〕3号", "", "东湖街道："]
    for expected in ("你单位办理的信访事项已超过办理期限。", "一、督办要求", "请立即办结。"):
        assert expected in texts
    assert "责任分摊表" in texts
    assert texts.index("特此通知。") > texts.index("责任分摊表")
    assert texts[-5:-2] == ["江城市信访局", "2026年11月22日", "（印章）"]
    assert texts[-1] == "抄送：东湖区人民政府。"
    assert doc.paragraphs[-1]._p.pPr.find(qn("w:pBdr")) is not None

    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    title = doc.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = doc.paragraphs[texts.index("请立即办结。")]
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.paragraph_format.line_spacing == Pt(28)
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    heading = doc.paragraphs[texts.index("一、督办要求")]
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    for paragraph in doc.paragraphs[-5:-2]:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_page_setup_is_the_gbt_9704_text_block():
    section = read_docx(io.BytesIO(officialdoc_docx(DOC))).sections[0]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    text_width = Length(section.page_width - section.left_margin - section.right_margin)
    text_height = Length(section.page_height - section.top_margin - section.bottom_margin)
    assert (round(text_width.mm), round(text_height.mm)) == (156, 225)


def test_title_and_body_fonts():
    doc = read_docx(io.BytesIO(officialdoc_docx(DOC)))
    title = doc.paragraphs[0].runs[0]
    assert title.font.size == Pt(22) and not title.font.bold  # 二号小标宋, not a fake bold
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    texts = [p.text for p in doc.paragraphs]
    for text in ("JZXFJ督〔2026〕3号", "请立即办结。", "江城市信访局", "2026年11月22日"):
        paragraph = doc.paragraphs[texts.index(text)]
        assert paragraph.runs[0].font.size == Pt(16)
        assert paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        assert paragraph.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert paragraph.paragraph_format.line_spacing == Pt(28)


def _page_footer(footer):
    """The footer's text with its PAGE field, and the field's instruction."""
    xml = footer._element
    fields = xml.findall(".//" + qn("w:fldSimple"))
    instructions = [f.get(qn("w:instr")).strip() for f in fields]
    instructions += [t.text.strip() for t in xml.iter(qn("w:instrText"))]
    return "".join(t.text for t in xml.iter(qn("w:t"))), instructions


def test_every_page_has_its_number_right_on_odd_pages_and_left_on_even_ones():
    doc = read_docx(io.BytesIO(officialdoc_docx(DOC)))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        assert not footer.is_linked_to_previous
        text, instructions = _page_footer(footer)
        assert text == "— 1 —"  # the field's cached result between two em dashes
        assert instructions == ["PAGE"]
        (paragraph,) = footer.paragraphs
        assert paragraph.alignment == align
        for run in footer._element.iter(qn("w:r")):
            props = run.find(qn("w:rPr"))
            assert props.find(qn("w:sz")).get(qn("w:val")) == "28"  # 四号, 14 pt
            assert props.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_tables_are_real_word_tables_with_borders():
    doc = read_docx(io.BytesIO(officialdoc_docx(DOC)))
    (table,) = doc.tables
    assert table.style.name == "Table Grid"
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["单位", "职责", "期限"],
        ["东湖区信访局", "跟踪督办", "2026年12月1日"],
    ]
    header_run = table.rows[0].cells[0].paragraphs[0].runs[0]
    assert header_run.font.bold
    assert header_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_a_short_row_gets_empty_cells():
    doc = OfficialDocument(
        title="表",
        number="1号",
        addressee="",
        opening=[],
        issuing_unit="单位",
        date=datetime.date(2026, 1, 1),
        tables=[Table("", ["a", "b"], [["only"]])],
    )
    (table,) = read_docx(io.BytesIO(officialdoc_docx(doc))).tables
    assert [cell.text for cell in table.rows[1].cells] == ["only", ""]


def test_draft_is_marked_in_the_header_and_title():
    draft = OfficialDocument(**{**vars(DOC), "is_draft": True})
    doc = read_docx(io.BytesIO(officialdoc_docx(draft)))
    assert doc.paragraphs[0].text == "督办通知书（草稿）"
    section = doc.sections[0]
    for header in (section.header, section.even_page_header):
        assert "草稿" in "".join(p.text for p in header.paragraphs)


def test_print_sheet_shows_the_same_document():
    page = render_to_string("official_document.html", {"document": DOC})
    for expected in (
        "督办通知书",
        "JZXFJ督〔2026〕3号",
        "东湖街道：",
        "一、督办要求",
        '<th scope="col">职责</th>',
        "<td>跟踪督办</td>",
        "特此通知。",
        "江城市信访局",
        "2026年11月22日",
        "抄送：东湖区人民政府。",
    ):
        assert expected in page, expected
    assert "草稿" not in page
    assert DOC.filename == "督办通知书-JZXFJ督〔2026〕3号.docx"
