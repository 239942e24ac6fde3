"""What each document says, drawn from its record, and the .docx rendered from a template.

The wording lives in the templates (documents/templates_docx/, built by build_templates.py);
here are only the facts they print. An office overrides a template by placing a file of the
same name in DOCUMENT_TEMPLATE_DIR.
"""

import datetime
import io
from pathlib import Path

from django.conf import settings
from docxtpl import DocxTemplate

from campaigns.models import Inspection, Organization
from findings.models import Clue, ClueDestination, ImmediateNotice, Problem
from rectification.models import SupervisionAction, SupervisionKind

from .models import NUMBER_MARK, DocumentKind

SHIPPED = Path(__file__).resolve().parent / "templates_docx"
TEMPLATE_OF = {
    DocumentKind.IMMEDIATE_NOTICE: "immediate_notice.docx",
    DocumentKind.FEEDBACK: "feedback.docx",
    DocumentKind.SUPERVISION_NOTICE: "supervision.docx",
    DocumentKind.REMINDER: "supervision.docx",
    DocumentKind.WARNING: "supervision.docx",
    DocumentKind.CLUE_TRANSFER: "clue_transfer.docx",
}
KIND_OF_SUPERVISION = {
    SupervisionKind.NOTICE: DocumentKind.SUPERVISION_NOTICE,
    SupervisionKind.REMINDER: DocumentKind.REMINDER,
    SupervisionKind.WARNING: DocumentKind.WARNING,
}
SUPERVISION_INTRO = {
    DocumentKind.SUPERVISION_NOTICE: "经督查，你单位巡察整改工作存在以下情况，现予督办：",
    DocumentKind.REMINDER: "经督查，现就你单位巡察整改工作提醒如下：",
    DocumentKind.WARNING: "经督查，你单位巡察整改工作存在以下问题，经提醒仍未有效落实，现予告诫：",
}
CHINESE_ORDINALS = "一二三四五六七八九十"


def _short(committee: Organization) -> str:
    return committee.name.removeprefix("中共")


def issuer_name(committee: Organization) -> str:
    """The issuing office, as its masthead prints it: 中共清河市委巡察工作领导小组办公室."""
    return f"中共{_short(committee)}巡察工作领导小组办公室"


def reference(committee: Organization, kind: str, year: int, number: int) -> str:
    """The document number (发文字号): 清巡办反馈〔2026〕3号 — the committee's first character."""
    return f"{_short(committee)[:1]}巡办{NUMBER_MARK[kind]}〔{year}〕{number}号"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _ordinal(n: int) -> str:
    return CHINESE_ORDINALS[n - 1] if n <= 10 else str(n)


def common_context(inspection: Inspection, ref: str, on: datetime.date) -> dict:
    committee = inspection.round.term.committee
    return {
        "issuer": issuer_name(committee),
        "reference": ref,
        "date": chinese_date(on),
        "committee": _short(committee),
        "organization": inspection.organization.name,
        "team": f"{_short(committee)}{inspection.team.name}",
    }


def notice_context(notice: ImmediateNotice) -> dict:
    problem = notice.problem
    return {
        "addressee": problem.inspection.organization.name,
        "problem_title": problem.title.rstrip("。"),
        "problem_lines": _lines(problem.description),
        "requirement_lines": _lines(notice.requirement),
        "deadline": chinese_date(notice.deadline),
    }


def feedback_groups(problems: list[Problem]) -> list[dict]:
    """The problems under their top-level category (三大问题), numbered through the letter."""
    groups: dict[int, dict] = {}
    for index, problem in enumerate(problems, start=1):
        top = problem.category.top
        group = groups.setdefault(top.pk, {"category": top.name, "problems": []})
        text = " ".join(_lines(problem.description))
        group["problems"].append({"index": index, "title": problem.title.rstrip("。"), "text": text})
    for n, group in enumerate(groups.values(), start=1):
        group["ordinal"] = _ordinal(n)
    return list(groups.values())


def feedback_context(inspection: Inspection, problems: list[Problem]) -> dict:
    deadline = inspection.rectification_deadline
    return {
        "mode": inspection.get_mode_display(),
        "onsite_start": chinese_date(inspection.onsite_start),
        "onsite_end": chinese_date(inspection.onsite_end),
        "groups": feedback_groups(problems),
        "total": len(problems),
        "deadline": chinese_date(deadline) if deadline else "规定时限",
    }


def supervision_context(action: SupervisionAction, kind: str) -> dict:
    measure = action.measure
    unit = action.inspection.organization.name
    return {
        "title": str(DocumentKind(kind).label),
        "addressee": f"{unit}{action.target_person}同志" if action.target_person else unit,
        "intro": SUPERVISION_INTRO[kind],
        "content_lines": _lines(action.content),
        "measure": measure.content if measure else "",
        "measure_deadline": chinese_date(measure.deadline) if measure else "",
    }


def clue_context(clue: Clue) -> dict:
    committee = _short(clue.inspection.round.term.committee)
    if clue.destination == ClueDestination.DISCIPLINE:
        addressee = f"{committee.removesuffix('委')}纪委监委"
    else:
        addressee = f"中共{committee}组织部"
    subject = f"{clue.subject_position}{clue.subject_name}" if clue.subject_position else clue.subject_name
    return {"addressee": addressee, "subject": subject, "summary_lines": _lines(clue.summary)}


def template_path(kind: str) -> Path:
    """The office's own template when DOCUMENT_TEMPLATE_DIR holds one of that name, else ours."""
    name = TEMPLATE_OF[kind]
    override_dir = getattr(settings, "DOCUMENT_TEMPLATE_DIR", "")
    if override_dir and (Path(override_dir) / name).is_file():
        return Path(override_dir) / name
    return SHIPPED / name


def render_docx(kind: str, context: dict) -> bytes:
    template = DocxTemplate(template_path(kind))
    template.render(context, autoescape=True)  # a "<" or "&" in a record stays text
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
