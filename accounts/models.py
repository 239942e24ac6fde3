"""Users and the roles they hold on a subtree of organizations (DESIGN.md §1)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("巡察办工作人员")
    INSPECTOR = "inspector", _("巡察组成员")
    LEADER = "leader", _("领导")
    UNIT_LIAISON = "unit_liaison", _("被巡察单位联络员")
    DISCIPLINE_LIAISON = "discipline_liaison", _("纪委监委承办人")
    ORGDEPT_LIAISON = "orgdept_liaison", _("组织部承办人")


class User(AbstractUser):
    """The custom user of the first migration; identity only, rights live in RoleAssignment."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return any(a.role in roles for a in self.active_assignments())

    def active_assignments(self) -> list["RoleAssignment"]:
        # Cached per user object: every scoping function of a request asks this once.
        if not self.is_active:
            return []  # a deactivated account holds no role, whatever its assignments say
        if not hasattr(self, "_assignments_cache"):
            self._assignments_cache = list(self.role_assignments.filter(is_active=True).select_related("organization"))
        return self._assignments_cache


class RoleAssignment(models.Model):
    """A role granted on an organization and everything below it.

    The organization model lives in `campaigns`; it is referenced by name only, and accounts
    reads just its materialized `path`, so nothing here imports upward.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    # PROTECT: an organization that still grants rights cannot disappear under a user.
    organization = models.ForeignKey(
        "campaigns.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖范围")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="uniq_role_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class UserSession(models.Model):
    """One signed-in browser of a user: written at login, deleted at logout or expiry, so the
    user can see where they are signed in and end a session (accounts.services)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions", verbose_name=_("用户"))
    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最近活动"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="usersession_user_seen")]

    def __str__(self) -> str:
        return f"{self.user} · {self.ip or '-'} · {self.created_at:%Y-%m-%d %H:%M}"
