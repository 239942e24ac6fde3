"""Builds the shipped .docx templates in documents/templates_docx/ (run after changing this file):

    .venv/bin/python -m documents.build_templates

The templates are docxtpl (Jinja) files: an office edits one in Word or WPS, keeps the
{{ … }} and {%p … %} placeholders, and puts it under DOCUMENT_TEMPLATE_DIR with the same name.

Layout after GB/T 9704-2012 (党政机关公文格式): A4; margins 37 mm top, 35 mm bottom, 28 mm left,
26 mm right; 22 lines of 28 characters (3号 仿宋, exact line spacing 28.95 pt); the issuing
office's name in red 小标宋 as the masthead, the document number centred above a red line, the
title in 2号 小标宋, first-level headings in 黑体, page numbers "— 1 —" in 4号 宋体 at the outer
edge (odd pages right, even pages left). Fonts are named as the standard names them
(仿宋_GB2312, 方正小标宋简体) with the common fonts as alternatives in the font table, for
machines that lack them.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

OUT = Path(__file__).resolve().parent / "templates_docx"

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
# Fonts a machine may lack, and what Word or WPS use instead (w:altName in the font table).
ALTERNATIVES = {BODY_FONT: "仿宋", TITLE_FONT: "宋体"}
RED = RGBColor(0xFF, 0x00, 0x00)
LINE = Pt(28.95)  # 225 mm of type area ÷ 22 lines
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)
MASTHEAD_SIZE = Pt(30)
INDENT = Pt(32)  # two characters of 3号


def _fonts(element, name: str) -> None:
    """Set one font for Latin and East Asian text on a run's or style's properties."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _font_table(document) -> None:
    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, alternative in ALTERNATIVES.items():
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alternative})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "modern"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(paragraph) -> None:
    """ "— PAGE —": the number is a field, so Word, WPS and LibreOffice count the pages."""
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")
    for run in paragraph.runs:
        run.font.size = SIZE_4
        _fonts(run._r, PAGE_NUMBER_FONT)


def _footers(document, section) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = SIZE_4
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = SIZE_4
    _page_number(even)


def new_document():
    document = Document()
    section = document.sections[0]
    assert section.start_type == WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(21)  # the page number sits 7 mm below the type area
    normal = document.styles["Normal"]
    normal.font.size = SIZE_3
    _fonts(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    _font_table(document)
    _footers(document, section)
    return document


def paragraph(document, text: str = "", *, indent: bool = True, align=None, font=None, size=None, color=None):
    """One paragraph, one run: a placeholder never splits across runs, so docxtpl finds it whole."""
    p = document.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = INDENT
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    if font:
        _fonts(run._r, font)
    if size:
        run.font.size = size
    if color:
        run.font.color.rgb = color
    return p


def masthead(document) -> None:
    """发文机关标志 in red, the document number, and the red separator line under it."""
    p = paragraph(
        document, "{{ issuer }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=MASTHEAD_SIZE
    )
    p.runs[0].font.color.rgb = RED
    p.paragraph_format.line_spacing = Pt(48)
    p.paragraph_format.space_before = Pt(24)
    number = paragraph(document, "{{ reference }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    number.paragraph_format.space_before = Pt(28)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "FF0000")):
        bottom.set(qn(attr), value)
    border.append(bottom)
    number._p.get_or_add_pPr().append(border)
    paragraph(document, indent=False)


def title(document, text: str) -> None:
    p = paragraph(document, text, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=SIZE_2)
    p.paragraph_format.line_spacing = Pt(36)
    paragraph(document, indent=False)


def loop(document, header: str, body: str, footer: str = "{%p endfor %}") -> None:
    """A paragraph repeated for each item: docxtpl drops the {%p %} paragraphs themselves."""
    paragraph(document, header, indent=False)
    paragraph(document, body)
    paragraph(document, footer, indent=False)


def signature(document) -> None:
    paragraph(document, indent=False)
    for text in ("{{ issuer }}", "{{ date }}"):
        p = paragraph(document, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(64)  # four characters from the right edge


def immediate_notice():
    document = new_document()
    masthead(document)
    title(document, "立行立改通知书")
    paragraph(document, "{{ addressee }}：", indent=False)
    paragraph(document, "{{ team }}在对你单位开展巡察期间，发现以下问题，需立行立改：")
    paragraph(document, "{{ problem_title }}。")
    loop(document, "{%p for line in problem_lines %}", "{{ line }}")
    paragraph(document, "整改要求：")
    loop(document, "{%p for line in requirement_lines %}", "{{ line }}")
    paragraph(document, "请于{{ deadline }}前完成整改，并将整改情况书面报送{{ team }}。")
    signature(document)
    return document


def feedback():
    document = new_document()
    masthead(document)
    title(document, "关于巡察{{ organization }}的反馈意见")
    paragraph(document, "{{ organization }}：", indent=False)
    paragraph(
        document,
        "根据{{ committee }}巡察工作统一部署，{{ team }}于{{ onsite_start }}至{{ onsite_end }}"
        "对{{ organization }}开展了{{ mode }}。现将巡察发现的问题反馈如下：",  # mode: 常规巡察, 巡察“回头看”…
    )
    paragraph(document, "{%p for group in groups %}", indent=False)
    paragraph(document, "{{ group.ordinal }}、{{ group.category }}", font=HEADING_FONT)
    loop(
        document, "{%p for problem in group.problems %}", "{{ problem.index }}. {{ problem.title }}。{{ problem.text }}"
    )
    paragraph(document, "{%p endfor %}", indent=False)
    paragraph(
        document,
        "以上共{{ total }}个问题。请你单位认真对照反馈的问题逐项制定整改措施，"
        "于{{ deadline }}前完成整改，并将整改情况报送{{ issuer }}。",
    )
    signature(document)
    return document


def supervision():
    document = new_document()
    masthead(document)
    title(document, "{{ title }}")
    paragraph(document, "{{ addressee }}：", indent=False)
    paragraph(document, "{{ intro }}")
    loop(document, "{%p for line in content_lines %}", "{{ line }}")
    paragraph(document, "{%p if measure %}", indent=False)
    paragraph(document, "涉及整改措施：{{ measure }}（整改时限：{{ measure_deadline }}）。")
    paragraph(document, "{%p endif %}", indent=False)
    paragraph(document, "请于收到本{{ title }}后认真落实，并将落实情况书面报送{{ issuer }}。")
    signature(document)
    return document


def clue_transfer():
    document = new_document()
    masthead(document)
    title(document, "关于移交问题线索的函")
    paragraph(document, "{{ addressee }}：", indent=False)
    paragraph(
        document,
        "{{ team }}在对{{ organization }}开展巡察期间，发现反映{{ subject }}的问题线索，"
        "现按照有关规定移交你单位处置，请将办理结果及时反馈我办。",
    )
    paragraph(document, "主要问题：")
    loop(document, "{%p for line in summary_lines %}", "{{ line }}")
    signature(document)
    return document


TEMPLATES = {
    "immediate_notice.docx": immediate_notice,
    "feedback.docx": feedback,
    "supervision.docx": supervision,
    "clue_transfer.docx": clue_transfer,
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, build in TEMPLATES.items():
        document = build()
        # Fixed properties, so rebuilding gives the same files apart from the zip timestamps.
        document.core_properties.author = "巡察工作管理系统"
        document.core_properties.title = name.removesuffix(".docx")
        document.save(OUT / name)
        print(OUT / name)


if __name__ == "__main__":
    main()
