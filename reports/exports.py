"""Exporting a ledger: small ones at once, large ones as a worker job with progress."""

import tempfile
from pathlib import Path

from django.core.files import File
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from campaigns.models import Inspection
from xuncha.outbox import enqueue
from xuncha.xlsx import EXCEL_MAX_ROWS, LedgerWriter

from .ledgers import LEDGERS, Ledger
from .models import ExportJob

CHUNK = 2000  # rows read from the database at a time


def filename(title: str, inspection: Inspection | None = None) -> str:
    who = f"{inspection.organization.name}_" if inspection is not None else ""
    return f"{who}{title}_{timezone.localdate():%Y%m%d}.xlsx"


def describe(params: dict) -> str:
    shown = {k: v for k, v in params.items() if v and k not in ("page", "per_page", "sort", "export")}
    return "；".join(f"{k}={v}" for k, v in shown.items()) or "全部"


def unit_line(user: User, inspection: Inspection | None) -> str:
    if inspection is not None:
        return f"被巡察党组织：{inspection.organization.name}（{inspection.round.name}·{inspection.team.name}）"
    orgs = "、".join(sorted({a.organization.name for a in user.active_assignments()}))
    return f"单位：{orgs or '—'}"


def write(
    ledger: Ledger,
    queryset,
    target,
    *,
    user: User,
    params: dict,
    inspection=None,
    progress=None,
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    writer = LedgerWriter(
        title=ledger.title,
        unit=unit_line(user, inspection),
        date_line=f"导出日期：{timezone.localdate():%Y-%m-%d}　导出人：{user}　筛选：{describe(params)}",
        columns=ledger.columns,
        max_rows=max_rows,
    )
    # iterator(): rows stream from the database in chunks (a server-side cursor on PostgreSQL).
    count = writer.add_all(queryset.iterator(chunk_size=CHUNK), progress=progress)
    writer.save(target)
    return count


def ledger_for(user: User, key: str) -> Ledger | None:
    ledger = LEDGERS.get(key)
    if ledger is None or not user.has_role(*ledger.roles):
        return None
    return ledger


def start_job(*, user: User, ledger: Ledger, params: dict, inspection: Inspection | None, total: int) -> ExportJob:
    job = ExportJob.objects.create(user=user, ledger=ledger.key, params=params, inspection=inspection, total=total)
    # An outbox job in the same transaction: the export runs even if the broker is down now
    # (named, like the figures' refresh: tasks.py imports this module).
    enqueue("reports.run_export", [job.pk])
    return job


def run_job(job_id: int) -> None:
    """Claimed with a conditional UPDATE, so a finished job is never written again. A job left
    running by a killed worker is taken again: the outbox ran it again only because that
    worker's lease had run out, so nobody else is writing it."""
    live = [ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    taken = ExportJob.objects.filter(pk=job_id, status__in=live).update(
        status=ExportJob.Status.RUNNING, written=0, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not taken:
        return
    job = ExportJob.objects.select_related(
        "user", "inspection__organization", "inspection__round", "inspection__team"
    ).get(pk=job_id)
    ledger = LEDGERS[job.ledger]
    try:
        qs = ledger.queryset(job.user, job.params, request=UserRequest(job.user), inspection=job.inspection)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.xlsx"

            def progress(n: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(written=n)

            count = write(
                ledger, qs, path, user=job.user, params=job.params, inspection=job.inspection, progress=progress
            )
            name = filename(ledger.title, job.inspection)
            with path.open("rb") as fh:
                job.file.save(f"export-{job.pk}.xlsx", File(fh), save=False)
        job.filename, job.written, job.status, job.finished_at = name, count, ExportJob.Status.DONE, timezone.now()
        job.save(update_fields=["file", "filename", "written", "status", "finished_at"])
    except Exception as exc:  # the job page must say it failed, whatever went wrong
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise


class UserRequest:
    """FilterSets read choices from request.user; a job has the user but no request."""

    def __init__(self, user):
        self.user = user
