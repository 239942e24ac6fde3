"""Petitions, the problem taxonomy, problems with their sign-off, clues and sanctions (§2.4–2.5)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Inspection, Organization
from xuncha.records import DomainRecord, LiveQuerySet


class PetitionChannel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")
    ONLINE = "online", _("网络")
    QR_CODE = "qr_code", _("二维码")


class PetitionHandling(models.TextChoices):
    PENDING = "pending", _("待处理")
    TO_PROBLEM = "to_problem", _("转为问题")
    TO_CLUE = "to_clue", _("转为线索")
    REFERRED = "referred", _("转交有关部门")
    FILED = "filed", _("留存备查")


class Petition(DomainRecord):
    """A petition (信访件) received by a team on site. Confidential: never shown to units."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("巡察")
    )
    number = models.PositiveIntegerField(_("编号"))
    channel = models.CharField(_("来源渠道"), max_length=20, choices=PetitionChannel.choices)
    received_on = models.DateField(_("受理日期"))
    petitioner = models.CharField(_("信访人"), max_length=100, blank=True)
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    subject = models.CharField(_("反映对象/事项"), max_length=200)
    content = models.TextField(_("主要内容"))
    handling = models.CharField(
        _("办理方式"), max_length=20, choices=PetitionHandling.choices, default=PetitionHandling.PENDING
    )
    # Filled by the public form (码上巡察); a petition registered by the team leaves them empty.
    category = models.ForeignKey(
        "ProblemCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
        verbose_name=_("问题类别"),
    )
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    receipt_number = models.CharField(_("回执号"), max_length=20, unique=True, null=True, blank=True, editable=False)
    # HMAC of the query code handed to the submitter (findings.services.public_petitions), never the code.
    query_code_hash = models.CharField(_("查询码摘要"), max_length=128, blank=True, editable=False)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访件")
        verbose_name_plural = _("信访件")
        ordering = ["inspection_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="uniq_petition_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="petition_number_positive"),
            models.CheckConstraint(
                condition=Q(is_anonymous=True) | ~Q(petitioner=""), name="petition_named_or_anonymous"
            ),
        ]

    def __str__(self) -> str:
        return f"信访件 {self.number}：{self.subject}"


def petition_attachment_path(instance: "PetitionAttachment", filename: str) -> str:
    # The uploaded name is never trusted: files are stored under a random name.
    return f"petitions/{uuid.uuid4().hex}"


class PetitionAttachment(models.Model):
    """A file attached to a public petition; served only through a checked view."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("信访件")
    )
    file = models.FileField(_("文件"), upload_to=petition_attachment_path)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("信访附件")
        verbose_name_plural = _("信访附件")

    def __str__(self) -> str:
        return self.original_name


class ProblemCategory(models.Model):
    """The editable taxonomy; the top level is the three major problems (三大问题)."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级类别")
    )
    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def top(self) -> "ProblemCategory":
        return self.parent if self.parent_id else self


class DiscoveryMethod(models.TextChoices):
    INTERVIEW = "interview", _("个别谈话")
    PETITION = "petition", _("受理信访")
    DOCUMENTS = "documents", _("查阅资料")
    MEETING = "meeting", _("列席会议")
    FIELD_VISIT = "field_visit", _("走访调研")
    SINKING = "sinking", _("下沉了解")
    UNANNOUNCED = "unannounced", _("暗访")
    SURVEY = "survey", _("问卷调查")
    SPECIAL_CHECK = "special_check", _("专项检查")
    OTHER = "other", _("其他")


class ProblemStatus(models.TextChoices):
    DRAFT = "draft", _("底稿待签")
    HANDLER_SIGNED = "handler_signed", _("承办人已签")
    DEPUTY_SIGNED = "deputy_signed", _("副组长已审")
    APPROVED = "approved", _("组长已审定")
    FED_BACK = "fed_back", _("已反馈·整改中")
    RECTIFIED = "rectified", _("已整改")
    ONGOING = "ongoing", _("长期坚持")


class CommonProblem(models.Model):
    """One problem found in many units (共性问题), followed as a whole."""

    title = models.CharField(_("名称"), max_length=200)
    category = models.ForeignKey(
        ProblemCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("问题类别")
    )
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("共性问题")
        verbose_name_plural = _("共性问题")

    def __str__(self) -> str:
        return self.title


class Problem(DomainRecord):
    """A problem written up as a working paper (一事一底稿), signed off in three steps."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="problems", verbose_name=_("巡察")
    )
    number = models.PositiveIntegerField(_("编号"))
    title = models.CharField(_("问题概述"), max_length=300)
    description = models.TextField(_("具体表现"))
    category = models.ForeignKey(
        ProblemCategory, on_delete=models.PROTECT, related_name="problems", verbose_name=_("问题类别")
    )
    method = models.CharField(_("发现方式"), max_length=20, choices=DiscoveryMethod.choices)
    involved_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("涉及下属组织"),
    )
    source_petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, null=True, blank=True, related_name="problems", verbose_name=_("来源信访件")
    )
    common_problem = models.ForeignKey(
        CommonProblem,
        on_delete=models.SET_NULL,  # ungrouping never touches the problem itself
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("共性问题"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办人")
    )
    handler_signed_at = models.DateTimeField(_("承办人签字时间"), null=True, blank=True)
    deputy_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核副组长"),
    )
    deputy_signed_at = models.DateTimeField(_("副组长审核时间"), null=True, blank=True)
    leader_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审定组长"),
    )
    leader_signed_at = models.DateTimeField(_("组长审定时间"), null=True, blank=True)
    fed_back_on = models.DateField(_("反馈日期"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["inspection_id", "number"]
        indexes = [models.Index(fields=["inspection", "status"], name="problem_insp_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="uniq_problem_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="problem_number_positive"),
            models.CheckConstraint(
                condition=Q(rectified_on__isnull=True)
                | Q(fed_back_on__isnull=False, rectified_on__gte=F("fed_back_on")),
                name="problem_rectified_after_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"问题 {self.number}：{self.title}"


class ImmediateNotice(DomainRecord):
    """An immediate-rectification notice (立行立改通知书) for an urgent problem."""

    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="immediate_notices", verbose_name=_("问题")
    )
    number = models.PositiveIntegerField(_("编号"))
    issued_on = models.DateField(_("下发日期"))
    deadline = models.DateField(_("整改时限"))
    requirement = models.TextField(_("整改要求"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签发人")
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    result = models.TextField(_("整改结果"), blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("立行立改通知书")
        verbose_name_plural = _("立行立改通知书")
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="uniq_notice_number"),
            models.CheckConstraint(condition=Q(deadline__gte=F("issued_on")), name="notice_deadline_in_order"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("issued_on")),
                name="notice_completed_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"立行立改通知书 {self.number}"

    def figure_inspection_id(self) -> int:
        return self.problem.inspection_id


class ClueDestination(models.TextChoices):
    DISCIPLINE = "discipline", _("纪委监委")
    ORG_DEPT = "org_dept", _("组织部")


class ClueStatus(models.TextChoices):
    DRAFT = "draft", _("待移交")
    TRANSFERRED = "transferred", _("已移交")
    DISPOSED = "disposed", _("已办结")


class Disposition(models.TextChoices):
    PRELIMINARY = "preliminary", _("初步核实")
    LETTER_INQUIRY = "letter_inquiry", _("谈话函询")
    CASE_OPENED = "case_opened", _("立案审查调查")
    CLOSED = "closed", _("予以了结")
    SHELVED = "shelved", _("暂存待查")
    ORG_HANDLING = "org_handling", _("组织处理")


class Clue(DomainRecord):
    """A clue (问题线索) about individual misconduct. Confidential: never shown to units."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="clues", verbose_name=_("巡察"))
    number = models.PositiveIntegerField(_("编号"))
    subject_name = models.CharField(_("反映对象"), max_length=100)
    subject_position = models.CharField(_("职务"), max_length=200, blank=True)
    summary = models.TextField(_("主要问题"))
    source_petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, null=True, blank=True, related_name="clues", verbose_name=_("来源信访件")
    )
    destination = models.CharField(_("移交去向"), max_length=20, choices=ClueDestination.choices)
    status = models.CharField(_("状态"), max_length=20, choices=ClueStatus.choices, default=ClueStatus.DRAFT)
    transferred_on = models.DateField(_("移交日期"), null=True, blank=True)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("移交人"),
    )
    disposition = models.CharField(_("处置方式"), max_length=20, choices=Disposition.choices, blank=True)
    disposed_on = models.DateField(_("办结日期"), null=True, blank=True)
    disposition_note = models.TextField(_("办理结果"), blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")
        ordering = ["inspection_id", "number"]
        indexes = [models.Index(fields=["destination", "status"], name="clue_dest_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="uniq_clue_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="clue_number_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(transferred_on__isnull=False), name="clue_transferred_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="disposed") | (Q(disposed_on__isnull=False) & ~Q(disposition="")),
                name="clue_disposed_has_disposition",
            ),
            models.CheckConstraint(
                condition=Q(disposed_on__isnull=True) | Q(disposed_on__gte=F("transferred_on")),
                name="clue_disposed_after_transfer",
            ),
        ]

    def __str__(self) -> str:
        return f"线索 {self.number}：{self.subject_name}"


class SanctionSource(models.TextChoices):
    CLUE = "clue", _("问题线索")
    HANDOVER = "handover", _("转交办事项")
    RECTIFICATION = "rectification", _("整改问责")


class SanctionKind(models.TextChoices):
    PARTY_DISCIPLINE = "party_discipline", _("党纪处分")
    GOVERNMENT = "government", _("政务处分")
    ORGANIZATIONAL = "organizational", _("组织处理")
    JUDICIAL = "judicial", _("移送司法机关")


class Sanction(DomainRecord):
    """One sanction of one person (counted in persons and person-times)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="sanctions", verbose_name=_("巡察")
    )
    source = models.CharField(_("来源"), max_length=20, choices=SanctionSource.choices)
    clue = models.ForeignKey(
        Clue, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions", verbose_name=_("问题线索")
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions", verbose_name=_("问题")
    )
    kind = models.CharField(_("处理类型"), max_length=20, choices=SanctionKind.choices)
    person_name = models.CharField(_("被处理人"), max_length=100)
    person_position = models.CharField(_("职务"), max_length=200, blank=True)
    decided_on = models.DateField(_("决定日期"))
    note = models.TextField(_("说明"), blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("处理处分")
        verbose_name_plural = _("处理处分")
        constraints = [
            models.CheckConstraint(condition=~Q(source="clue") | Q(clue__isnull=False), name="sanction_clue_source"),
            models.CheckConstraint(
                condition=~Q(source="rectification") | Q(problem__isnull=False), name="sanction_problem_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} · {self.get_kind_display()}"


class ReadKind(models.TextChoices):
    PETITION = "petition", _("信访件")
    CLUE = "clue", _("问题线索")


class ReadVia(models.TextChoices):
    DETAIL = "detail", _("详情页")
    LIST = "list", _("列表")
    EXPORT = "export", _("导出")
    ADMIN = "admin", _("数据管理")


class ReadLog(models.Model):
    """Who read which petition or clue, when, and through which page (DESIGN.md §5).

    A detail page or a list writes one row per record it shows; an export writes one row for the
    whole file with its filter and row count. `scope_path` is the inspected organization's path
    (for an export: the reader's own jurisdiction), so the office reviews the reads of its subtree.
    Rows are only ever added.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("查阅人")
    )
    at = models.DateTimeField(_("查阅时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=ReadKind.choices)
    via = models.CharField(_("查阅方式"), max_length=10, choices=ReadVia.choices)
    record_id = models.BigIntegerField(_("记录编号"), null=True, blank=True)
    label = models.CharField(_("记录"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("条数"), default=1)
    query = models.CharField(_("筛选条件"), max_length=500, blank=True)
    scope_path = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("查阅记录")
        verbose_name_plural = _("查阅记录")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "record_id"], name="readlog_record_idx"),
            models.Index(fields=["scope_path"], name="readlog_scope_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_via_display()} {self.get_kind_display()} {self.label}"


class ReviewerRole(models.TextChoices):
    DEPUTY = "deputy", _("副组长")
    LEADER = "leader", _("组长")
    OFFICE = "office", _("巡察办")


class ReviewNoteStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复·待清除")
    CLEARED = "cleared", _("已清除")


class ReviewNote(models.Model):
    """A reviewer's note on a working paper (审核意见): the drafter answers it, its author clears
    it, and the paper cannot be signed while one is not cleared."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="review_notes", verbose_name=_("问题"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    author_role = models.CharField(_("提出人身份"), max_length=10, choices=ReviewerRole.choices)
    text = models.TextField(_("审核意见"))
    status = models.CharField(_("状态"), max_length=10, choices=ReviewNoteStatus.choices, default=ReviewNoteStatus.OPEN)
    # The paper's version the reviewer read when writing the note.
    paper_version = models.PositiveIntegerField(_("底稿版本"))
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("清除人"),
    )
    cleared_at = models.DateTimeField(_("清除时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["problem_id", "created_at", "id"]
        indexes = [
            # "我提出的审核意见": one reviewer's notes, newest first.
            models.Index(fields=["author", "-created_at"], name="reviewnote_author_idx"),
            # The sign-off check: does this paper have a note not yet cleared?
            models.Index(fields=["problem", "status"], name="reviewnote_problem_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(answered_at__isnull=False) | Q(status="cleared"),
                name="reviewnote_answered_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="cleared") | Q(cleared_at__isnull=False, cleared_by__isnull=False),
                name="reviewnote_cleared_has_who",
            ),
        ]

    def __str__(self) -> str:
        return f"审核意见 {self.pk}：{self.text[:20]}"

    @property
    def reviewed_at(self):
        """The reviewer's last act on the note: an edit of the paper after it is "修改于审核后"."""
        return self.cleared_at or self.created_at
