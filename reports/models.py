"""The per-inspection rollup behind every figure (DESIGN.md §3), and in-app reminders.

One row per inspection holds all its counts, plus the scope keys the figures filter on
(term, round, committee, district path, level, mode), so the dashboard and figures.json sum
one narrow table instead of joining the domain tables at request time.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models import Inspection, Organization, Round, Term

# The counted columns, in the order figures and exports list them. Each is the count defined
# in reports.rollup; the figures module sums them.
COUNT_FIELDS = [
    "problems_found",
    "problems_found_a",
    "problems_found_b",
    "problems_found_c",
    "problems_fed_back",
    "problems_rectified",
    "problems_ongoing",
    "immediate_notices",
    "petitions",
    "clues_discipline",
    "clues_orgdept",
    "clues_disposed",
    "disp_preliminary",
    "disp_letter_inquiry",
    "disp_case_opened",
    "disp_closed",
    "disp_shelved",
    "disp_org_handling",
    "sanction_discipline_persons",
    "sanction_org_handling",
    "sanction_judicial",
    # The same three, by where the sanction came from (SANCTION_SOURCES): a transferred clue, a
    # handover item, or a problem's rectification.
    *(
        f"sanction_{source}_{measure}"
        for source in ("clue", "handover", "rectification")
        for measure in ("discipline_persons", "org_handling", "judicial")
    ),
    "handover_items",
    "handover_closed",
    "rules_established",
    "rules_from_handover",  # a rule established on a handover item (根据转交办事项……建立健全)
    "rules_from_problem",  # a rule established in a problem's rectification (and no handover item)
    "measures",
    "measures_done",
    "measures_overdue",
]


class InspectionRollup(models.Model):
    inspection = models.OneToOneField(
        Inspection,
        on_delete=models.CASCADE,  # derived data: it goes with its inspection
        primary_key=True,
        related_name="rollup",
    )
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("campaigns.Team", on_delete=models.CASCADE, null=True, related_name="+")
    district = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, related_name="+")
    org_path = models.CharField(max_length=255)
    # The district's path, or the organization's own where it is under no district: the key
    # the pre-summed rows (RollupSummary, RollupOrgCount) are grouped by.
    anchor_path = models.CharField(max_length=255, default="")
    org_level = models.CharField(max_length=20)
    mode = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    went_on_site = models.BooleanField()
    feedback_date = models.DateField(null=True)
    rectification_deadline = models.DateField(null=True)
    computed_at = models.DateTimeField()
    locals().update({name: models.PositiveIntegerField(default=0) for name in COUNT_FIELDS})

    class Meta:
        verbose_name = _("巡察统计汇总")
        verbose_name_plural = _("巡察统计汇总")
        indexes = [
            # figures filter by term, round, or a district subtree (path prefix).
            models.Index(fields=["term", "round"], name="rollup_term_round_idx"),
            models.Index(fields=["org_path"], name="rollup_path_idx", opclasses=["varchar_pattern_ops"]),
            # The pre-summed rows of an anchor are recomputed from its rollup rows.
            models.Index(fields=["anchor_path"], name="rollup_anchor_idx"),
            # Units below the rectification threshold: only rows with fewer rectified than fed
            # back can be, a few percent of the table; covering, so no heap is read (PostgreSQL).
            models.Index(
                fields=["rectification_deadline"],
                include=["org_path", "problems_rectified", "problems_fed_back"],
                condition=models.Q(problems_rectified__lt=models.F("problems_fed_back")),
                name="rollup_below_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"rollup {self.inspection_id}"


class RollupSummary(models.Model):
    """The rollup pre-summed: one row per round × anchor × level × mode (term, committee and
    district follow from round and anchor), maintained by reports.summaries in the same
    transaction as the rollup rows it sums. figures() reads it when the scope allows."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    district = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    anchor_path = models.CharField(max_length=255)
    org_level = models.CharField(max_length=20)
    mode = models.CharField(max_length=20)
    inspections = models.PositiveIntegerField()
    computed_at = models.DateTimeField()  # the latest of its rollup rows
    locals().update({name: models.PositiveIntegerField(default=0) for name in COUNT_FIELDS})

    class Meta:
        verbose_name = _("巡察统计预汇总")
        verbose_name_plural = _("巡察统计预汇总")
        indexes = [models.Index(fields=["anchor_path"], name="summary_anchor_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"summary {self.round_id} {self.anchor_path} {self.org_level} {self.mode}"


class RollupTeam(models.Model):
    """Which 巡察组 made inspections under which round × anchor × level × mode: a narrow table
    (a team counts once, so team counts are COUNT DISTINCT over these rows, not sums)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+", db_index=False)
    committee = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    team = models.ForeignKey("campaigns.Team", on_delete=models.CASCADE, related_name="+")
    anchor_path = models.CharField(max_length=255)
    org_level = models.CharField(max_length=20)
    mode = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("巡察组分布")
        verbose_name_plural = _("巡察组分布")
        indexes = [
            models.Index(fields=["anchor_path"], name="rollupteam_anchor_idx", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self) -> str:
        return f"team {self.team_id} {self.anchor_path} {self.org_level} {self.mode}"


class RollupOrgCount(models.Model):
    """Organizations inspected on site, counted once, per anchor × level at three grains: every
    round (`all`), a committee's rounds (`committee`), a term's rounds (`term`); per mode and for
    every mode (`mode` ""). An organization belongs to one anchor and one level, so these add up
    across anchors and levels exactly; across rounds or modes they do not, hence the grains."""

    class Grain(models.TextChoices):
        ALL = "all"
        COMMITTEE = "committee"
        TERM = "term"

    grain = models.CharField(max_length=10, choices=Grain.choices)
    committee = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    term = models.ForeignKey(Term, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    mode = models.CharField(max_length=20, blank=True)
    anchor_path = models.CharField(max_length=255)
    org_level = models.CharField(max_length=20)
    organizations = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("受巡察单位计数")
        verbose_name_plural = _("受巡察单位计数")
        indexes = [
            models.Index(
                fields=["grain", "mode", "anchor_path"],
                name="orgcount_grain_idx",
                opclasses=["varchar_pattern_ops"] * 3,
            ),
            models.Index(fields=["anchor_path"], name="orgcount_anchor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.anchor_path} {self.org_level} {self.mode}: {self.organizations}"


class SplitOrganization(models.Model):
    """An organization whose rollup rows disagree on its anchor or level (it moved, and not all
    its inspections are recomputed yet): RollupOrgCount would count it twice, so while any is
    listed the organization counts are taken from the per-inspection rows."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        verbose_name = _("归属不一的受巡察单位")
        verbose_name_plural = _("归属不一的受巡察单位")

    def __str__(self) -> str:
        return f"split {self.organization_id}"


class Reminder(models.Model):
    """An in-app reminder (the bell), sent once per user, kind and record."""

    class Kind(models.TextChoices):
        SIGNATURE = "signature", _("待签署底稿")
        DUE_SOON = "due_soon", _("整改措施7日内到期")
        OVERDUE_MEASURE = "overdue_measure", _("整改措施已超期")
        OVERDUE_HANDOVER = "overdue_handover", _("转交办事项已超期")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    object_key = models.CharField(_("对象"), max_length=100)  # e.g. "measure:42": once per record
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "object_key"], name="uniq_reminder")]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_unread_idx")]

    def __str__(self) -> str:
        return self.text


class ExportJob(models.Model):
    """A large export written by the worker; the page shows its progress, then a download link."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    ledger = models.CharField(_("台账"), max_length=40)
    params = models.JSONField(_("筛选条件"), default=dict)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    written = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/", blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # When the worker began writing it, and how many times: more than once means a worker was
    # lost mid-export and the outbox handed the job to another (the page says so).
    started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.ledger} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else int(self.written * 100 / self.total) if self.total else 0
