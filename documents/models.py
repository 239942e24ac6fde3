"""Official documents (公文) issued from the records, and the counters that number them.

A document is issued once per record and kind: its number (文号) is allocated when it is first
generated and the .docx rendered then is kept, so downloading it again gives the same paper.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Inspection, Organization
from findings.models import Clue, ImmediateNotice
from rectification.models import SupervisionAction


class DocumentKind(models.TextChoices):
    IMMEDIATE_NOTICE = "immediate_notice", _("立行立改通知书")
    FEEDBACK = "feedback", _("巡察反馈意见")
    SUPERVISION_NOTICE = "supervision_notice", _("督办通知书")
    REMINDER = "reminder", _("提醒书")
    WARNING = "warning", _("告诫书")
    CLUE_TRANSFER = "clue_transfer", _("移交线索函")


# The character after "X巡办" in the document number (发文字号), one per kind: each kind is
# numbered on its own, so without it two kinds would print the same 文号.
NUMBER_MARK = {
    DocumentKind.IMMEDIATE_NOTICE: "立改",
    DocumentKind.FEEDBACK: "反馈",
    DocumentKind.SUPERVISION_NOTICE: "督",
    DocumentKind.REMINDER: "提",
    DocumentKind.WARNING: "诫",
    DocumentKind.CLUE_TRANSFER: "函",
}


class DocumentCounter(models.Model):
    """The last number given to one kind of document of one issuing office in one year.

    Allocation locks this row, so concurrent documents queue on it and get consecutive numbers;
    a failed generation rolls its increment back with it, so no number is skipped."""

    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文机关"))
    kind = models.CharField(_("公文种类"), max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用最大号"), default=0)

    class Meta:
        verbose_name = _("公文编号")
        verbose_name_plural = _("公文编号")
        constraints = [models.UniqueConstraint(fields=["issuer", "kind", "year"], name="uniq_document_counter")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.get_kind_display()} {self.year}: {self.last}"


def document_path(instance: "Document", filename: str) -> str:
    return f"documents/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Document(models.Model):
    """One issued document: its kind, number, the record it was issued for, who issued it, the file."""

    kind = models.CharField(_("公文种类"), max_length=20, choices=DocumentKind.choices)
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文机关"))
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("序号"))
    reference = models.CharField(_("文号"), max_length=60)
    title = models.CharField(_("标题"), max_length=300)
    # The inspection every document belongs to: scoping starts from it.
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="documents", verbose_name=_("巡察")
    )
    notice = models.ForeignKey(
        ImmediateNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("立行立改通知书"),
    )
    supervision = models.ForeignKey(
        SupervisionAction, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("督查督办")
    )
    clue = models.ForeignKey(
        Clue, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("问题线索")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("生成人")
    )
    issued_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    file = models.FileField(_("文件（.docx）"), upload_to=document_path)
    pdf = models.FileField(_("文件（PDF）"), upload_to=document_path, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公文")
        verbose_name_plural = _("公文")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "kind", "year", "number"], name="uniq_document_number"),
            # One document per record: the second request finds the first instead of a new number.
            models.UniqueConstraint(fields=["inspection"], condition=Q(kind="feedback"), name="uniq_feedback_document"),
            models.UniqueConstraint(fields=["notice"], name="uniq_notice_document"),
            models.UniqueConstraint(fields=["supervision"], name="uniq_supervision_document"),
            models.UniqueConstraint(fields=["clue"], name="uniq_clue_document"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"
