"""The document page of a record (generate, download .docx / PDF, history) and the downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from findings.models import Clue, ReadVia
from findings.readlog import log_reads
from xuncha.actions import action_view, refusal_text
from xuncha.records import allowed

from . import services as s
from .models import Document, DocumentKind
from .pdf import soffice
from .selectors import document_for, document_source, documents_visible_to

FORMATS = {"docx", "pdf"}


def _page_url(slug: str, pk: int) -> str:
    return reverse("documents:document_page", args=[slug, pk])


def _log_clue_read(user, record, via: str) -> None:
    """A clue transfer letter repeats the clue: its page and file are reads of the clue."""
    if isinstance(record, Clue):
        log_reads(user=user, records=[record], via=via)


@login_required
def document_page(request, source, pk):
    found = document_source(request.user, source, pk)
    document = document_for(found)
    _log_clue_read(request.user, found.record, ReadVia.DETAIL)
    refusal = None
    if document is None and found.kind is not None:
        try:
            s.document_generate_check(user=request.user, source=found)
        except (ValidationError, PermissionDenied) as exc:  # the reason, from the write's own rule
            refusal = refusal_text(exc)
    history = document.history.select_related("history_user").order_by("-history_date") if document else []
    return render(
        request,
        "documents/document_page.html",
        {
            "source": found,
            "kind_label": DocumentKind(found.kind).label if found.kind else _("公文"),
            "document": document,
            "can_generate": document is None and allowed(s.document_generate_check, user=request.user, source=found),
            "refusal": refusal,
            "pdf_available": soffice() is not None,
            "history": history,
            "back_url": _record_url(found),
        },
    )


@login_required
@require_POST
def document_generate(request, source, pk):
    found = document_source(request.user, source, pk)
    return action_view(
        request,
        title=_("生成公文"),
        subject=found.record,
        check=lambda: s.document_generate_check(user=request.user, source=found),
        call=lambda: s.document_generate(user=request.user, source=found),
        success=_("公文已生成，文号已分配。"),
        back_url=_page_url(source, pk),
    )


@login_required
def document_download(request, pk, fmt):
    document = get_object_or_404(
        documents_visible_to(request.user).select_related("notice", "supervision", "clue__inspection__organization"),
        pk=pk,
    )
    if fmt not in FORMATS:
        return redirect(_page_of(document))
    _log_clue_read(request.user, document.clue, ReadVia.EXPORT)
    if fmt == "pdf":
        try:
            document = s.document_pdf(user=request.user, document=document)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(_page_of(document))
        return FileResponse(document.pdf.open("rb"), as_attachment=True, filename=f"{_name(document)}.pdf")
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{_name(document)}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _record_url(found) -> str:
    """The page of the record the document is issued for."""
    if found.slug == "immediate-notice":
        return reverse("rectification:problem_detail", args=[found.record.problem_id])
    if found.slug == "clue":
        return reverse("findings:clue_detail", args=[found.record.pk])
    tab = "feedback" if found.slug == "inspection" else "supervision"
    return reverse("rectification:inspection_detail", args=[found.inspection.pk]) + f"?tab={tab}"


def _name(document: Document) -> str:
    return f"{document.reference} {document.title}"


def _page_of(document: Document) -> str:
    for field, slug in (("notice", "immediate-notice"), ("supervision", "supervision"), ("clue", "clue")):
        if getattr(document, f"{field}_id"):
            return _page_url(slug, getattr(document, f"{field}_id"))
    return _page_url("inspection", document.inspection_id)
