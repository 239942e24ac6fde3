"""Writes for documents: generating one (allocating its number) and adding its PDF."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.jurisdiction import organization_ids
from accounts.models import Role, User
from campaigns.models import InspectionStatus, Organization
from findings.models import ClueStatus

from . import rendering
from .models import Document, DocumentCounter, DocumentKind
from .pdf import ConversionError, docx_to_pdf
from .selectors import Source, document_for, feedback_problems

NOT_OFFICE = "只有{office}的工作人员可以生成公文、分配文号。"


def document_number_allocate(*, issuer: Organization, kind: str, year: int) -> int:
    """The next number of this kind for this office and year. Call inside the transaction that
    saves the document: the counter row stays locked until it commits, and a rollback returns
    the number, so numbers run 1, 2, 3 … with no gap and no repeat."""
    counter, _ = DocumentCounter.objects.select_for_update().get_or_create(issuer=issuer, kind=kind, year=year)
    DocumentCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


def document_generate_check(*, user: User, source: Source) -> None:
    """Only the office of the committee whose round it is issues the round's documents, under its
    own masthead and from its own numbers: office staff of a committee above it may read the
    records (and correct them), but not write in another office's name."""
    committee = source.inspection.round.term.committee
    if committee.pk not in organization_ids(user, Role.OFFICE_ADMIN):
        raise PermissionDenied(NOT_OFFICE.format(office=rendering.issuer_name(committee)))
    if document_for(source) is not None:
        return  # already issued: generating again hands back the same document
    _require_state(source)


def _require_state(source: Source) -> None:
    record = source.record
    if source.kind is None:
        raise ValidationError(f"{record.get_kind_display()}记录没有对应的公文。")
    if record.is_withdrawn:
        raise ValidationError(f"{record._meta.verbose_name}已撤销，不能生成公文。")
    if source.kind == DocumentKind.FEEDBACK:
        if record.status not in (InspectionStatus.FED_BACK, InspectionStatus.CLOSED):
            raise ValidationError("巡察尚未反馈，不能生成反馈意见；请先在巡察页办理“反馈”。")
        if not feedback_problems(record):
            raise ValidationError("本次巡察没有反馈的问题，不能生成反馈意见。")
    if source.kind == DocumentKind.CLUE_TRANSFER and record.status == ClueStatus.DRAFT:
        raise ValidationError("线索尚未移交，不能生成移交线索函；请先办理“移交”。")
    if source.kind == DocumentKind.IMMEDIATE_NOTICE and record.problem.is_withdrawn:
        raise ValidationError("该问题已撤销，不能生成立行立改通知书。")


def _context(source: Source) -> dict:
    record = source.record
    if source.kind == DocumentKind.IMMEDIATE_NOTICE:
        return rendering.notice_context(record)
    if source.kind == DocumentKind.FEEDBACK:
        return rendering.feedback_context(record, feedback_problems(record))
    if source.kind == DocumentKind.CLUE_TRANSFER:
        return rendering.clue_context(record)
    return rendering.supervision_context(record, source.kind)


@transaction.atomic
def document_generate(*, user: User, source: Source) -> Document:
    """Issue the document for a record once: allocate its number, render the .docx, keep both.
    Asked again (a second click, a colleague at the same moment) it returns the same document."""
    type(source.record)._default_manager.select_for_update().get(pk=source.record.pk)  # one issue per record
    document_generate_check(user=user, source=source)
    existing = document_for(source)
    if existing is not None:
        return existing
    committee = source.inspection.round.term.committee
    today = timezone.localdate()
    number = document_number_allocate(issuer=committee, kind=source.kind, year=today.year)
    reference = rendering.reference(committee, source.kind, today.year, number)
    context = rendering.common_context(source.inspection, reference, today) | _context(source)
    data = rendering.render_docx(source.kind, context)
    document = Document(
        kind=source.kind,
        issuer=committee,
        year=today.year,
        number=number,
        reference=reference,
        title=_title(source, context),
        inspection=source.inspection,
        issued_by=user,
        **({source.document_field: source.record} if source.document_field != "inspection" else {}),
    )
    document.file.save(f"{reference}.docx", ContentFile(data), save=False)
    document._history_user = user
    document.full_clean()
    document.save()
    return document


def _title(source: Source, context: dict) -> str:
    if source.kind == DocumentKind.FEEDBACK:
        return f"关于巡察{context['organization']}的反馈意见"
    if source.kind == DocumentKind.CLUE_TRANSFER:
        return "关于移交问题线索的函"
    return str(DocumentKind(source.kind).label)


def document_pdf(*, user: User, document: Document) -> Document:
    """The PDF of an issued document, converted once from its .docx and kept."""
    if document.pdf:
        return document
    with document.file.open("rb") as f:
        data = f.read()
    try:
        pdf = docx_to_pdf(data)
    except ConversionError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if not document.pdf:  # a colleague's conversion may have finished first
            document.pdf.save(f"{document.reference}.pdf", ContentFile(pdf), save=False)
            document._history_user = user
            document._change_reason = "生成PDF"
            document.save()
    return document
