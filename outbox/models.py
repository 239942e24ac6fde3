"""The transactional outbox: work that must happen after a change, written in the change's own
transaction (DESIGN.md §3). Redis and the broker only make it happen sooner: a job is gone
from this table only once it has run.

The app knows no domain app: a job names its Celery task (`reports.refresh_rollups`) and its
JSON arguments, and the relay (outbox.relay) finds the task in Celery's registry."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def claimable(self, now):
        # Never claimed, or its claim's lease ran out (the worker that held it died).
        return self.filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))


class Job(models.Model):
    task = models.CharField(_("任务"), max_length=100)
    args = models.JSONField(_("参数"), default=list)
    # Jobs of one task whose only argument is a list of ids are run as one call with the
    # union of their ids: a busy afternoon's edits of one inspection cost one recompute.
    coalesce = models.BooleanField(_("可合并"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # A claim is a lease: the relay that holds it runs the job, then deletes the row; a relay
    # killed mid-job leaves the row, and the next sweep after `locked_until` runs it again.
    locked_until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    claim = models.CharField(_("领取标记"), max_length=32, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("待办后台任务")
        verbose_name_plural = _("待办后台任务")
        indexes = [
            # The relay's claim: the claimable jobs, oldest first (the table stays short).
            models.Index(fields=["locked_until", "id"], name="outbox_job_claimable"),
            # /healthz and the dashboard's "figures behind" notice: the oldest job of a task.
            models.Index(fields=["task", "created_at"], name="outbox_job_task_age"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{self.args}"
