"""Measures and their verification, evidence, handover items, rules established, supervision
actions and evaluations (DESIGN.md §2.6–2.8)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Inspection, Organization
from findings.models import Problem, Sanction
from xuncha.records import DomainRecord, LiveQuerySet


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("整改中")
    REPORTED = "reported", _("待验收")
    SENT_BACK = "sent_back", _("已退回")
    ACCEPTED = "accepted", _("已验收")
    ONGOING = "ongoing", _("长期坚持")


# A measure in one of these states needs nothing more from the unit.
MEASURE_DONE = (MeasureStatus.ACCEPTED, MeasureStatus.ONGOING)


class Measure(DomainRecord):
    """A rectification measure (整改措施) the unit takes against one problem."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="measures", verbose_name=_("问题"))
    number = models.PositiveIntegerField(_("序号"))
    content = models.TextField(_("整改措施"))
    responsible_unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    responsible_person = models.CharField(_("责任人"), max_length=100)
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    progress = models.TextField(_("整改进展"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报告人"),
    )
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("验收人"),
    )
    verification_note = models.TextField(_("验收意见"), blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["problem_id", "number"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="measure_status_deadline_idx"),
            # The measure list's default order (deadline, then newest first): page 1 walks this
            # index instead of sorting two million rows.
            models.Index(fields=["deadline", "-id"], name="measure_deadline_idx"),
            # Open measures only, in the same order: the overdue list (and the lights) walk it
            # without stepping over the million and a half measures already accepted.
            models.Index(
                fields=["deadline", "-id"],
                name="measure_open_deadline_idx",
                # One "<>" per status, not NOT IN: PostgreSQL prints an IN list back in a form that
                # does not read back the same, and the province load rebuilds indexes from print.
                condition=models.Q(withdrawn_at__isnull=True)
                & ~models.Q(status=MeasureStatus.ACCEPTED)
                & ~models.Q(status=MeasureStatus.ONGOING),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="uniq_measure_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="measure_number_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "ongoing"]) | Q(verified_at__isnull=False),
                name="measure_accepted_is_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"措施 {self.number}：{self.content[:30]}"

    @property
    def is_done(self) -> bool:
        return self.status in MEASURE_DONE

    def figure_inspection_id(self) -> int:
        return self.problem.inspection_id


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The uploaded name is never trusted: files are stored under a random name.
    return f"evidence/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file uploaded as proof of a measure's progress; served only through a checked view."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("整改措施"))
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


class HandoverStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class HandoverItem(DomainRecord):
    """A matter handed over to another department (转交办事项), closed (办结) with a result."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="handover_items", verbose_name=_("巡察")
    )
    number = models.PositiveIntegerField(_("编号"))
    title = models.CharField(_("事项"), max_length=300)
    content = models.TextField(_("具体内容"), blank=True)
    department = models.CharField(_("承办部门"), max_length=200)
    handed_over_on = models.DateField(_("转交日期"))
    deadline = models.DateField(_("办理时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.OPEN)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    sanctions = models.ManyToManyField(Sanction, blank=True, related_name="handover_items", verbose_name=_("处理处分"))

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("转交办事项")
        verbose_name_plural = _("转交办事项")
        ordering = ["inspection_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="uniq_handover_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="handover_number_positive"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("handed_over_on")),
                name="handover_deadline_in_order",
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_on__isnull=True))
                | (Q(status="closed") & Q(closed_on__gte=F("handed_over_on"))),
                name="handover_closed_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"转交办事项 {self.number}：{self.title}"


class RuleKind(models.TextChoices):
    NEW = "new", _("新建")
    REVISED = "revised", _("修订完善")


class RuleEstablished(DomainRecord):
    """A rule the unit established or improved (建立健全规章制度) during rectification."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="rules", verbose_name=_("巡察"))
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, null=True, blank=True, related_name="rules", verbose_name=_("针对问题")
    )
    handover_item = models.ForeignKey(
        "HandoverItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("根据转交办事项"),
    )
    title = models.CharField(_("制度名称"), max_length=300)
    kind = models.CharField(_("类型"), max_length=20, choices=RuleKind.choices)
    adopted_on = models.DateField(_("印发日期"))

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("建立健全规章制度")
        verbose_name_plural = _("建立健全规章制度")

    def __str__(self) -> str:
        return self.title


class SupervisionKind(models.TextChoices):
    NOTICE = "notice", _("督办通知书")
    REMINDER = "reminder", _("提醒书")
    WARNING = "warning", _("告诫书")
    INTERVIEW = "interview", _("约谈")
    LOOK_BACK = "look_back", _("安排回头看")


class SupervisionAction(DomainRecord):
    """What the office did to push a lagging unit (督查督办)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="supervision_actions", verbose_name=_("巡察")
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_actions",
        verbose_name=_("整改措施"),
    )
    kind = models.CharField(_("督办方式"), max_length=20, choices=SupervisionKind.choices)
    acted_on = models.DateField(_("日期"))
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    target_person = models.CharField(_("对象"), max_length=100, blank=True)
    content = models.TextField(_("内容"))

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查督办")
        verbose_name_plural = _("督查督办")
        ordering = ["-acted_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.acted_on}"


class EvaluationGrade(models.TextChoices):
    EXCELLENT = "excellent", _("好")
    GOOD = "good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


class Evaluation(DomainRecord):
    """The office's score of a unit's rectification (整改评估), 0–100 and a grade."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("巡察")
    )
    score = models.PositiveSmallIntegerField(_("得分"))
    grade = models.CharField(_("等次"), max_length=20, choices=EvaluationGrade.choices)
    evaluated_on = models.DateField(_("评估日期"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评估人")
    )
    note = models.TextField(_("评估意见"), blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改评估")
        verbose_name_plural = _("整改评估")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="evaluation_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.score}"
