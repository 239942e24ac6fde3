"""Generating documents: numbers per office, kind and year; the .docx read back in the official
layout; the same document handed back on a second request; records that do not allow one."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document as read_docx
from docx.shared import Pt, RGBColor

from campaigns import services as cs
from campaigns.models import Inspection, InspectionMode, Round, Team, Term
from documents import services as ds
from documents.models import Document, DocumentCounter, DocumentKind
from documents.selectors import document_source
from findings import services as fs
from tests.documents.helpers import clue, feedback_inspection, notice, supervision, texts
from tests.world import D, approve, draft_problem, on_site

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def generate(user, slug, record):
    return ds.document_generate(user=user, source=document_source(user, slug, record.pk))


def east_asia(run_or_style_element) -> str:
    return run_or_style_element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia")


def test_the_feedback_letter_reads_back_in_the_official_layout(world):
    inspection = on_site(world)
    approve(world, draft_problem(world, inspection, title="三会一课不规范", code="B05"))
    approve(world, draft_problem(world, inspection, title="问题1"))
    approve(world, draft_problem(world, inspection, title="问题2"))
    dropped = draft_problem(world, inspection, title="重复记录")
    fs.problem_withdraw(user=world.team_leader, problem=dropped, reason="与问题1重复")
    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    inspection = fs.inspection_feed_back(user=world.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    doc = generate(world.office, "inspection", inspection)
    assert doc.reference == f"清巡办反馈〔{YEAR}〕1号"
    assert doc.title == "关于巡察青石镇党委的反馈意见"
    data = doc.file.read()
    paragraphs = texts(data)
    assert paragraphs[0] == "中共清河市委巡察工作领导小组办公室"
    assert paragraphs[1] == f"清巡办反馈〔{YEAR}〕1号"
    assert "关于巡察青石镇党委的反馈意见" in paragraphs
    assert "青石镇党委：" in paragraphs
    # The kind of inspection is named once ("常规巡察", not "常规巡察巡察").
    assert any("对青石镇党委开展了常规巡察。现将巡察发现的问题反馈如下：" in p for p in paragraphs)
    assert not any("巡察巡察" in p for p in paragraphs)
    # The problem list: under the top-level category, numbered through the letter.
    start = paragraphs.index("一、党的领导弱化")
    assert paragraphs[start : start + 5] == [
        "一、党的领导弱化",
        "1. 问题1。问题1的具体表现",
        "2. 问题2。问题2的具体表现",
        "二、党的建设缺失",
        "3. 三会一课不规范。三会一课不规范的具体表现",
    ]
    assert not any("重复记录" in p for p in paragraphs)
    assert any(p.startswith("以上共3个问题。") and "2026年7月10日前完成整改" in p for p in paragraphs)
    assert paragraphs[-1] == f"{timezone.localdate().year}年{timezone.localdate().month}月{timezone.localdate().day}日"
    assert not any("{{" in p or "{%" in p for p in paragraphs)

    document = read_docx(io.BytesIO(data))
    section = document.sections[0]
    mm = [round(length.mm, 1) for length in (section.page_width, section.page_height)]
    assert mm == [210, 297]  # A4
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(length.mm, 1) for length in margins] == [37, 35, 28, 26]
    normal = document.styles["Normal"]
    assert east_asia(normal.element) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    masthead = document.paragraphs[0].runs[0]
    assert masthead.font.color.rgb == RGBColor(0xFF, 0, 0) and east_asia(masthead._r) == "方正小标宋简体"
    title = next(p for p in document.paragraphs if p.text == doc.title).runs[0]
    assert east_asia(title._r) == "方正小标宋简体" and title.font.size == Pt(22)
    red_line = document.paragraphs[1]._p.pPr.find(f"{W}pBdr").find(f"{W}bottom")
    assert red_line.get(f"{W}color") == "FF0000"
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —" and "PAGE" in footer._p.xml
    assert "PAGE" in section.even_page_footer.paragraphs[0]._p.xml
    font_table = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    assert '<w:altName w:val="仿宋"/>' in font_table.blob.decode()


def test_numbers_run_per_kind_and_office_and_a_second_request_keeps_the_first(world):
    first = generate(world.office, "inspection", feedback_inspection(world))
    again = generate(world.office, "inspection", first.inspection)
    assert again.pk == first.pk and Document.objects.count() == 1
    action = supervision(world, first.inspection)
    reminder = supervision(world, first.inspection, kind="reminder")
    warning = supervision(world, first.inspection, kind="warning")
    notice_doc = generate(world.office, "supervision", action)
    assert notice_doc.reference == f"清巡办督〔{YEAR}〕1号"
    assert generate(world.office, "supervision", reminder).reference == f"清巡办提〔{YEAR}〕1号"
    assert generate(world.office, "supervision", warning).reference == f"清巡办诫〔{YEAR}〕1号"
    action2 = supervision(world, first.inspection, content="第二次督办")
    assert generate(world.office, "supervision", action2).reference == f"清巡办督〔{YEAR}〕2号"
    counter = DocumentCounter.objects.get(issuer=world.city, kind=DocumentKind.SUPERVISION_NOTICE, year=YEAR)
    assert counter.last == 2
    assert doc_history_users(notice_doc) == [world.office]


def doc_history_users(doc):
    return [h.history_user for h in doc.history.all()]


def test_a_failed_render_gives_the_number_back(world, settings, tmp_path):
    """The number is allocated in the document's transaction: a broken template rolls both back."""
    inspection = feedback_inspection(world)
    (tmp_path / "feedback.docx").write_bytes(b"not a docx")
    settings.DOCUMENT_TEMPLATE_DIR = str(tmp_path)
    with pytest.raises(Exception):  # noqa: B017 - whatever the zip reader raises
        generate(world.office, "inspection", inspection)
    assert not DocumentCounter.objects.filter(last__gt=0).exists() and not Document.objects.exists()
    settings.DOCUMENT_TEMPLATE_DIR = ""
    assert generate(world.office, "inspection", inspection).number == 1


def test_an_office_template_replaces_the_shipped_one(world, settings, tmp_path):
    from docx import Document as new_docx

    custom = new_docx()
    custom.add_paragraph("本办自定义：{{ reference }} 致 {{ organization }}")
    custom.add_paragraph("{%p for group in groups %}")
    custom.add_paragraph("{{ group.category }}")
    custom.add_paragraph("{%p endfor %}")
    custom.save(tmp_path / "feedback.docx")
    settings.DOCUMENT_TEMPLATE_DIR = str(tmp_path)
    doc = generate(world.office, "inspection", feedback_inspection(world))
    assert texts(doc.file.read()) == [f"本办自定义：清巡办反馈〔{YEAR}〕1号 致 青石镇党委", "党的领导弱化"]


def test_the_notice_the_clue_letter_and_a_warning_say_what_their_records_say(world):
    n = notice(world)
    paragraphs = texts(generate(world.office, "immediate-notice", n).file.read())
    assert paragraphs[1] == f"清巡办立改〔{YEAR}〕1号" and "立行立改通知书" in paragraphs
    assert "食堂账目混乱。" in paragraphs and "立即清理食堂账目" in paragraphs and "建立台账" in paragraphs
    assert "请于2026年3月30日前完成整改，并将整改情况书面报送清河市委第一巡察组。" in paragraphs
    c = clue(world, inspection=n.problem.inspection)
    paragraphs = texts(generate(world.office, "clue", c).file.read())
    assert "清河市纪委监委：" in paragraphs and "违规发放津贴补贴" in paragraphs
    assert any("反映镇财政所所长张某的问题线索" in p for p in paragraphs)


def test_record_text_with_markup_characters_stays_text(world):
    inspection = feedback_inspection(world)
    action = supervision(world, inspection, kind="warning", content="进度 <滞后> & 敷衍")
    paragraphs = texts(generate(world.office, "supervision", action).file.read())
    assert "告诫书" in paragraphs and "进度 <滞后> & 敷衍" in paragraphs


def test_records_not_in_a_state_for_a_document_are_refused_with_a_reason(world):
    n = notice(world)
    inspection = n.problem.inspection  # on site: not fed back yet
    with pytest.raises(ValidationError, match="巡察尚未反馈，不能生成反馈意见"):
        generate(world.office, "inspection", inspection)
    with pytest.raises(ValidationError, match="线索尚未移交，不能生成移交线索函"):
        generate(world.office, "clue", clue(world, transferred=False, inspection=inspection))
    fs.problem_withdraw(user=world.team_leader, problem=n.problem, reason="经核实不属实")
    with pytest.raises(ValidationError, match="该问题已撤销，不能生成立行立改通知书"):
        generate(world.office, "immediate-notice", n)
    assert not Document.objects.exists() and not DocumentCounter.objects.filter(last__gt=0).exists()


def test_an_interview_has_no_document(world):
    inspection = feedback_inspection(world)
    interview = supervision(world, inspection, kind="interview", content="约谈镇党委书记")
    with pytest.raises(ValidationError, match="约谈记录没有对应的公文"):
        generate(world.office, "supervision", interview)


def test_a_district_round_is_documented_by_the_district_office_only(world):
    """The city office sees the district's records but writes nothing in the district office's
    name (it issued 青巡办反馈〔2026〕1号 under 青岚区委's masthead before)."""
    term = Term.objects.create(
        committee=world.district_a, name="东城区委本届", start_date=D(2022, 1, 1), end_date=D(2026, 12, 31)
    )
    round_ = Round.objects.create(term=term, number=1, name="区委第一轮", start_date=D(2026, 3, 1))
    team = Team.objects.create(round=round_, number=1, name="区委第一巡察组")
    inspection = Inspection.objects.create(  # only its round matters here
        round=round_, team=team, organization=world.district_a_unit, mode=InspectionMode.REGULAR
    )
    with pytest.raises(PermissionDenied, match="只有中共东城区委巡察工作领导小组办公室的工作人员"):
        ds.document_generate_check(user=world.office, source=document_source(world.office, "inspection", inspection.pk))
    # The district office may: what stops it now is only the state (not fed back yet).
    with pytest.raises(ValidationError):
        ds.document_generate_check(
            user=world.office_a, source=document_source(world.office_a, "inspection", inspection.pk)
        )
    assert not DocumentCounter.objects.exists()


def test_only_the_issuing_office_allocates_numbers(world):
    inspection = feedback_inspection(world)
    for user in (world.leader, world.team_leader, world.office_a):  # office_a: district A, not the city's office
        with pytest.raises(PermissionDenied, match="只有中共清河市委巡察工作领导小组办公室的工作人员"):
            generate(user, "inspection", inspection)
    assert not Document.objects.exists()
