"""Downloads: every list's ledger, the three lists of an inspection, the statistics report,
and the page of a large export running on the worker."""

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from campaigns.selectors import inspections_visible_to
from findings.readlog import KIND_OF, log_export

from . import exports
from .figures import ScopeError, figures, parse_scope, require_figure_role
from .models import ExportJob
from .statistics import write_statistics


def _download(path_or_file, name: str) -> FileResponse:
    return FileResponse(
        path_or_file,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _export(request, ledger, inspection=None):
    params = {k: v for k, v in request.GET.items() if k not in ("page", "per_page", "sort", "export")}
    qs = ledger.queryset(request.user, params, request=request, inspection=inspection)
    total = qs.count()
    if qs.model in KIND_OF:  # confidential ledgers: the file is in the read log, however it is made
        log_export(user=request.user, model=qs.model, rows=total, query=exports.describe(params), inspection=inspection)
    if total > settings.EXPORT_SYNC_MAX_ROWS:
        job = exports.start_job(user=request.user, ledger=ledger, params=params, inspection=inspection, total=total)
        return redirect("reports:export_job", pk=job.pk)
    spool = tempfile.TemporaryFile()
    exports.write(ledger, qs, spool, user=request.user, params=params, inspection=inspection)
    spool.seek(0)
    return _download(spool, exports.filename(ledger.title, inspection))


@login_required
@require_GET
def export_ledger(request, key):
    ledger = exports.ledger_for(request.user, key)
    if ledger is None or ledger.per_inspection:
        raise PermissionDenied("您的角色无权导出此台账。")
    return _export(request, ledger)


@login_required
@require_GET
def export_inspection_list(request, pk, key):
    inspection = get_object_or_404(
        inspections_visible_to(request.user).select_related("organization", "round", "team"), pk=pk
    )
    ledger = exports.ledger_for(request.user, key)
    if ledger is None or not ledger.per_inspection:
        raise Http404
    return _export(request, ledger, inspection)


@login_required
@require_GET
def export_statistics(request):
    require_figure_role(request.user)
    try:
        scope = parse_scope(request.user, request.GET)
    except ScopeError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    spool = tempfile.TemporaryFile()
    write_statistics(figures(request.user, scope), spool, user=request.user)
    spool.seek(0)
    return _download(spool, exports.filename("巡察工作统计表"))


def _job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob.objects.filter(user=request.user), pk=pk)


@login_required
def export_job(request, pk):
    job = _job(request, pk)
    template = "reports/_export_progress.html" if request.headers.get("HX-Request") else "reports/export_job.html"
    return render(request, template, {"job": job})


@login_required
def export_job_download(request, pk):
    job = _job(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404("导出尚未完成。")
    return _download(job.file.open("rb"), job.filename)
