"""What every domain record shares: withdrawal instead of deletion, an edit version, history.

DESIGN.md §5: nothing is hard-deleted through the UI, and concurrent edits never silently
overwrite each other. The `version` column is what services compare before saving.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .figures_queue import inspection_changed


class DomainRecord(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # who withdrew a record is evidence; keep the user
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("撤销人"),
    )
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=500, blank=True, editable=False)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def figure_inspection_id(self) -> int | None:
        """The inspection whose figures this record counts in."""
        return getattr(self, "inspection_id", None)


class LiveQuerySet(models.QuerySet):
    def live(self):
        return self.filter(withdrawn_at__isnull=True)


# --- Helpers every services.py uses ------------------------------------------------------

STALE_MESSAGE = (
    "该记录已被他人修改（您打开的是第{expected}版，当前为第{current}版），请刷新后重新操作，您填写的内容未丢失。"
)


def lock(record):
    """Re-read `record` with a row lock, so a state check and its write are one decision."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def check_version(record, expected: int | None) -> None:
    """Refuse a write based on a stale copy (DESIGN.md §5: no silent overwrite)."""
    if expected is not None and record.version != expected:
        raise ValidationError(STALE_MESSAGE.format(expected=expected, current=record.version))


def record_save(record, *, user, reason: str = "") -> None:
    """Save with the acting user and reason in history, bumping the edit version."""
    record._history_user = user
    if reason:
        # History keeps reasons in varchar(100) (PostgreSQL refuses longer); a withdrawal or
        # return reason is kept whole on the record itself.
        record._change_reason = reason[:100]
    if record.pk and isinstance(record, DomainRecord):
        record.version += 1
    record.full_clean()
    record.save()
    if isinstance(record, DomainRecord):
        inspection_changed(record.figure_inspection_id())


def next_number(queryset, field: str = "number") -> int:
    """The next free number inside a parent; callers hold a lock on the parent row."""
    return (queryset.aggregate(m=Max(field))["m"] or 0) + 1


def record_withdraw(*, record: DomainRecord, user, reason: str) -> DomainRecord:
    """Withdraw (撤销) instead of deleting; the caller has checked the user may do it."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请填写撤销原因。"})
    record = lock(record)
    if record.is_withdrawn:
        raise ValidationError(f"该记录已于{timezone.localtime(record.withdrawn_at):%Y-%m-%d}撤销，不能重复撤销。")
    record.withdrawn_at = timezone.now()
    record.withdrawn_by = user
    record.withdrawn_reason = reason
    record_save(record, user=user, reason=f"撤销：{reason}")
    return record


def require_live(record: DomainRecord) -> None:
    if record.is_withdrawn:
        raise ValidationError(f"{record._meta.verbose_name}已撤销，不能再办理。")


def allowed(check, **kwargs) -> bool:
    """Whether a service's precondition check passes: the same rule decides the button and the write."""
    try:
        check(**kwargs)
    except (ValidationError, PermissionDenied):
        return False
    return True


def not_in_future(value, field: str, label: str) -> None:
    """An event that happened (进驻, 撤离, 办结 …) cannot be dated after today."""
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天。"})
