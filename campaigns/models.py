"""Organizations, terms, rounds, the cadre pool, teams and inspections (DESIGN.md §2.1–2.3)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xuncha.records import DomainRecord, LiveQuerySet

# Materialized path: fixed-width base-36 segments, one per level. A subtree is
# `path LIKE 'prefix%'`, served by the varchar_pattern_ops index below on PostgreSQL.
PATH_STEP = 4
PATH_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def path_segment(n: int) -> str:
    """The n-th child's segment (n from 1), fixed width so prefixes never collide."""
    if not 0 < n < 36**PATH_STEP:
        raise ValueError("path segment out of range")
    digits = []
    for _i in range(PATH_STEP):
        n, r = divmod(n, 36)
        digits.append(PATH_ALPHABET[r])
    return "".join(reversed(digits))


def path_segment_number(segment: str) -> int:
    return int(segment, 36)


class OrgLevel(models.TextChoices):
    COMMITTEE = "committee", _("党委（巡察主体）")
    MUNICIPAL_UNIT = "municipal_unit", _("市直单位")
    DISTRICT = "district", _("区县")
    DISTRICT_UNIT = "district_unit", _("区县直单位")
    TOWNSHIP = "township", _("乡镇/街道")
    VILLAGE = "village", _("村/社区")
    STATION = "station", _("基层站所")
    ENTERPRISE = "enterprise", _("国有企业")
    INSTITUTION = "institution", _("事业单位")


class PartyOrgType(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    LEADING_GROUP = "leading_group", _("党组")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")


class Organization(models.Model):
    """A Party organization in the jurisdiction tree."""

    name = models.CharField(_("名称"), max_length=200)
    code = models.CharField(_("组织代码"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,  # a subtree is dissolved, never cascaded away
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级组织"),
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级深度"), editable=False)
    level = models.CharField(_("层级"), max_length=20, choices=OrgLevel.choices)
    party_org_type = models.CharField(_("党组织类型"), max_length=20, choices=PartyOrgType.choices)
    is_committee = models.BooleanField(
        _("巡察主体"), default=False, help_text=_("该党委开展巡察，其下组织在其任期内须全覆盖")
    )
    is_active = models.BooleanField(_("存续"), default=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        indexes = [
            # Subtree queries (`path LIKE 'x%'`) for jurisdiction and coverage; the unique
            # index alone is not usable for LIKE under a non-C collation.
            models.Index(fields=["path"], name="org_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "is_active"], name="org_level_active_idx"),
            # The committees under a committee (organizations_in_scope_of): a few hundred rows.
            models.Index(
                fields=["path"],
                name="org_committee_path_idx",
                condition=Q(is_committee=True),
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(depth__gte=1), name="org_depth_positive"),
            models.CheckConstraint(
                condition=Q(is_active=True) | Q(dissolved_on__isnull=False), name="org_dissolved_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first (one indexed `path IN (...)` away)."""
        return [self.path[:i] for i in range(PATH_STEP, len(self.path), PATH_STEP)]

    def is_within(self, other: "Organization") -> bool:
        return self.path.startswith(other.path)

    def district(self) -> "Organization | None":
        """The 区县 this organization belongs to (itself if it is one), for 地域回避."""
        if self.level == OrgLevel.DISTRICT:
            return self
        return (
            Organization.objects.filter(path__in=self.ancestor_paths(), level=OrgLevel.DISTRICT)
            .order_by("-depth")
            .first()
        )


class Term(models.Model):
    """A committee term (届): everything under the committee is inspected once within it."""

    committee = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="terms", verbose_name=_("巡察党委")
    )
    name = models.CharField(_("届次"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="term_dates_in_order"),
            models.UniqueConstraint(fields=["committee", "name"], name="uniq_term_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    IN_PROGRESS = "in_progress", _("进行中")
    CLOSED = "closed", _("已完成")


class Round(models.Model):
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("届次"))
    number = models.PositiveSmallIntegerField(_("轮次"))
    name = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.PLANNED)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("巡察轮次")
        verbose_name_plural = _("巡察轮次")
        ordering = ["term_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="uniq_round_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="round_number_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="round_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term.name} {self.name}"


class CadreSource(models.TextChoices):
    INSPECTION_OFFICE = "inspection_office", _("巡察机构")
    DISCIPLINE_GROUP = "discipline_group", _("派驻纪检监察组")
    DISTRICT_OFFICE = "district_office", _("区县巡察机构")
    SECONDED = "seconded", _("抽调干部")
    EXPERT = "expert", _("专业人员")


class Person(models.Model):
    """A cadre in the pool (巡察人才库) from which teams are drawn."""

    name = models.CharField(_("姓名"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # the pool record outlives a deactivated login
        null=True,
        blank=True,
        related_name="cadre",
        verbose_name=_("登录账号"),
    )
    employer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="employees", verbose_name=_("工作单位")
    )
    home_district = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": OrgLevel.DISTRICT},
        verbose_name=_("所在区县"),
    )
    position = models.CharField(_("职务"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=30, choices=CadreSource.choices)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在库"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("巡察干部")
        verbose_name_plural = _("巡察人才库")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConflictDeclaration(models.Model):
    """A declared conflict of interest (回避申报) with an organization."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("干部"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("回避组织")
    )
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_on = models.DateField(_("申报日期"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [models.UniqueConstraint(fields=["person", "organization"], name="uniq_conflict")]

    def __str__(self) -> str:
        return f"{self.person} → {self.organization}"


class Team(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="teams", verbose_name=_("轮次"))
    number = models.PositiveSmallIntegerField(_("组号"))
    name = models.CharField(_("名称"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("巡察组")
        verbose_name_plural = _("巡察组")
        ordering = ["round_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="uniq_team_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="team_number_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def _prefetched_members(self):
        """The members when a caller prefetched `members__person` (a bulk step over many
        papers of one team), else None: one query per team instead of one per paper."""
        return self._prefetched_objects_cache.get("members") if hasattr(self, "_prefetched_objects_cache") else None

    def role_of(self, user_id: int) -> str | None:
        members = self._prefetched_members()
        if members is not None:
            return next((m.role for m in members if m.person.user_id == user_id), None)
        return self.members.filter(person__user_id=user_id).values_list("role", flat=True).first()

    def has_deputy(self) -> bool:
        members = self._prefetched_members()
        if members is not None:
            return any(m.role == TeamRole.DEPUTY for m in members)
        return self.members.filter(role=TeamRole.DEPUTY).exists()


class TeamRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("组员")


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("巡察组"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("干部"))
    role = models.CharField(_("组内职务"), max_length=20, choices=TeamRole.choices)
    source = models.CharField(_("人员来源"), max_length=30, choices=CadreSource.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("巡察组成员")
        verbose_name_plural = _("巡察组成员")
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="uniq_team_member"),
            # One leader per team; deputies and members are as many as needed.
            models.UniqueConstraint(fields=["team"], condition=Q(role="leader"), name="uniq_team_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.person} ({self.get_role_display()})"


class InspectionMode(models.TextChoices):
    REGULAR = "regular", _("常规巡察")
    SPECIAL = "special", _("专项巡察")
    MOBILE = "mobile", _("机动巡察")
    LOOK_BACK = "look_back", _("巡察“回头看”")
    CROSS = "cross", _("交叉巡察")
    ELEVATED = "elevated", _("提级巡察")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("待进驻")
    ON_SITE = "on_site", _("进驻中")
    LEFT = "left", _("已撤离")
    FED_BACK = "fed_back", _("已反馈·整改中")
    CLOSED = "closed", _("已结束")


# Statuses in which a team has been on site: they count as "organizations inspected".
WENT_ON_SITE = (InspectionStatus.ON_SITE, InspectionStatus.LEFT, InspectionStatus.FED_BACK, InspectionStatus.CLOSED)


def new_public_token() -> str:
    """The slug of an inspection's public page (码上巡察): 128 random bits, so that the page of
    an inspection cannot be found from another one's or by counting."""
    return secrets.token_urlsafe(16)


class Inspection(DomainRecord):
    """One team inspecting one organization in one round, in one mode."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("轮次"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("巡察组"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("被巡察党组织")
    )
    mode = models.CharField(_("巡察方式"), max_length=20, choices=InspectionMode.choices)
    theme = models.CharField(_("专项主题"), max_length=200, blank=True)
    earlier = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="look_backs",
        verbose_name=_("原巡察（回头看）"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    onsite_start = models.DateField(_("进驻日期"), null=True, blank=True)
    onsite_end = models.DateField(_("撤离日期"), null=True, blank=True)
    feedback_date = models.DateField(_("反馈日期"), null=True, blank=True)
    rectification_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    # The announcement published while on site (码上巡察): where the public reaches the team.
    public_token = models.CharField(
        _("公开页面标识"), max_length=32, unique=True, default=new_public_token, editable=False
    )
    public_phone = models.CharField(_("受理电话"), max_length=50, blank=True)
    public_mailbox = models.CharField(_("邮政信箱"), max_length=200, blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡察")
        verbose_name_plural = _("巡察")
        ordering = ["-id"]  # no joins in a default ordering: lists order explicitly
        indexes = [
            models.Index(fields=["round", "status"], name="insp_round_status_idx"),
            models.Index(fields=["organization"], name="insp_org_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"],
                condition=Q(withdrawn_at__isnull=True),
                name="uniq_inspection_per_round",
            ),
            models.CheckConstraint(
                condition=Q(onsite_end__isnull=True) | Q(onsite_start__isnull=False, onsite_end__gte=F("onsite_start")),
                name="insp_onsite_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(feedback_date__isnull=True)
                | Q(onsite_end__isnull=False, feedback_date__gte=F("onsite_end")),
                name="insp_feedback_after_leaving",
            ),
            models.CheckConstraint(
                condition=Q(rectification_deadline__isnull=True)
                | Q(feedback_date__isnull=False, rectification_deadline__gt=F("feedback_date")),
                name="insp_deadline_after_feedback",
            ),
            models.CheckConstraint(
                condition=~Q(mode="look_back") | Q(earlier__isnull=False), name="insp_look_back_has_earlier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.name}·{self.team.name}·{self.organization.name}"

    def figure_inspection_id(self) -> int:
        return self.pk
