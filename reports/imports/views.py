"""The import pages: download a template, upload a file and see it checked, confirm.

Upload: the file is read and every row checked; with any error or refusal the page lists
them (HTTP 400) and nothing is kept. Without, the page previews what would happen and keeps
the file for the confirmation, which checks it again and writes it in one transaction.
"""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from . import storage
from .engine import ACTION_LABELS, ImportKind, Outcome, run_import
from .forms import ProblemUploadForm, UploadForm, draftable_inspections
from .kinds import KINDS
from .reader import Refused
from .rows import shown
from .template import template_filename, write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 50
ERRORS_SHOWN = 500


def _kind_for(request, key: str) -> ImportKind:
    kind = KINDS.get(key)
    if kind is None:
        raise Http404
    if not kind.may_use(request.user):
        raise PermissionDenied("您的角色无权进行此项导入。")
    return kind


def _form(kind: ImportKind, request, data=None):
    form_class = ProblemUploadForm if kind.needs_inspection else UploadForm
    initial = {"inspection": request.GET.get("inspection")} if kind.needs_inspection else None
    return form_class(*(data or ()), user=request.user, initial=initial)


def _page(request, kind, form, *, outcome: Outcome | None = None, refusal: str = "", status: int = 200):
    errors = outcome.errors if outcome is not None else []
    return render(
        request,
        "reports/import_upload.html",
        {
            "kind": kind,
            "form": form,
            "refusal": refusal,
            "errors": errors[:ERRORS_SHOWN],
            "error_count": len(errors),
            "errors_hidden": max(len(errors) - ERRORS_SHOWN, 0),
        },
        status=status,
    )


@login_required
@require_GET
def import_template(request, kind):
    kind = _kind_for(request, kind)
    spool = tempfile.TemporaryFile()
    write_template(kind, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=template_filename(kind), content_type=XLSX)


@login_required
def import_upload(request, kind):
    kind = _kind_for(request, kind)
    if request.method != "POST":
        return _page(request, kind, _form(kind, request))
    form = _form(kind, request, (request.POST, request.FILES))
    if not form.is_valid():
        return _page(request, kind, form, status=400)
    inspection = form.cleaned_data.get("inspection")
    upload = form.cleaned_data["file"]
    try:
        # Read where Django spooled it; only a file that passes is kept for the confirmation.
        outcome = run_import(kind, upload, user=request.user, inspection=inspection, commit=False)
    except Refused as exc:
        return _page(request, kind, form, refusal=str(exc), status=400)
    if not outcome.ok:
        return _page(request, kind, form, outcome=outcome, status=400)
    path = storage.store(upload)
    token = storage.token_for(
        path, user_id=request.user.pk, kind=kind.key, inspection_id=inspection.pk if inspection else None
    )
    return render(request, "reports/import_preview.html", _preview(kind, outcome, token, inspection))


def _preview(kind: ImportKind, outcome: Outcome, token: str, inspection) -> dict:
    rows = sorted(outcome.planned, key=lambda p: p.row.number)[:PREVIEW_ROWS]
    headers = [c.header for c in kind.columns]
    return {
        "kind": kind,
        "token": token,
        "inspection": inspection,
        "counts": outcome.counts,
        "total": len(outcome.planned),
        "headers": headers,
        "rows": [
            {
                "number": p.row.number,
                "action": p.action,
                "action_label": p.action_label,
                "cells": [shown(p.row.cells.get(h)) for h in headers],
                "note": p.note,
            }
            for p in rows
        ],
        "labels": ACTION_LABELS,
    }


@login_required
@require_POST
def import_confirm(request, kind):
    kind = _kind_for(request, kind)
    form = _form(kind, request)
    try:
        path, inspection_id = storage.claim(request.POST.get("token", ""), user_id=request.user.pk, kind=kind.key)
    except storage.Expired as exc:
        return _page(request, kind, form, refusal=str(exc), status=400)
    try:
        inspection = None
        if kind.needs_inspection:
            inspection = draftable_inspections(request.user).filter(pk=inspection_id).first()
            if inspection is None:
                return _page(request, kind, form, refusal="您已不能在该巡察中新增问题底稿，未导入。", status=400)
        with path.open("rb") as fh:
            outcome = run_import(kind, fh, user=request.user, inspection=inspection, commit=True)
    except Refused as exc:
        return _page(request, kind, form, refusal=str(exc), status=400)
    finally:
        path.unlink(missing_ok=True)
    if not outcome.saved:
        return _page(request, kind, form, outcome=outcome, status=400)
    return render(
        request,
        "reports/import_done.html",
        {"kind": kind, "counts": outcome.counts, "inspection": inspection, "labels": ACTION_LABELS},
    )
