"""Writes of accounts: recording a user's login sessions and ending them; granting and
revoking roles.

Ending a session deletes both the Django session (the browser holding its cookie is signed out
on its next request) and its UserSession row."""

from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from xuncha.records import record_save

from .jurisdiction import manages
from .models import Role, RoleAssignment, User, UserSession
from .network import client_ip
from .selectors import session_store, sessions_live_cutoffs
from .sessions import LOGIN_AT, SEEN_AT, TOUCH_SECONDS, now_ts

USER_AGENT_MAX = UserSession._meta.get_field("user_agent").max_length


def _ensure_key(session) -> str:
    if session.session_key is None:
        session.save()  # a new, empty session gets its key when first saved
    return session.session_key


def _client(request: HttpRequest) -> dict:
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]}


def session_record(*, request: HttpRequest, user: User) -> UserSession:
    """At login (the user_logged_in signal): stamp the session, write its row, and drop this
    user's rows of sessions that have run out."""
    session = request.session
    now = timezone.now()
    session[LOGIN_AT] = session[SEEN_AT] = int(now.timestamp())
    key = _ensure_key(session)
    with transaction.atomic():
        row, _created = UserSession.objects.update_or_create(
            session_key=key, defaults={"user": user, "created_at": now, "last_seen_at": now, **_client(request)}
        )
        created_after, seen_after = sessions_live_cutoffs(now)
        UserSession.objects.filter(user=user).filter(
            Q(created_at__lte=created_after) | Q(last_seen_at__lte=seen_after)
        ).delete()
    return row


def session_seen(*, request: HttpRequest) -> None:
    """On a signed-in request: note the activity, at most once a minute (session and row)."""
    session, now = request.session, now_ts()
    if not isinstance(session.get(LOGIN_AT), int):
        session[LOGIN_AT] = now  # signed in before the stamps existed: the limits count from now
    seen_at = session.get(SEEN_AT)
    if isinstance(seen_at, int) and now - seen_at < TOUCH_SECONDS:
        return
    session[SEEN_AT] = now
    key = _ensure_key(session)
    seen = timezone.now()
    if UserSession.objects.filter(session_key=key, user_id=request.user.pk).update(last_seen_at=seen):
        return
    try:  # no row yet: a session from before rows were written
        with transaction.atomic():
            UserSession.objects.create(
                user_id=request.user.pk, session_key=key, created_at=seen, last_seen_at=seen, **_client(request)
            )
    except IntegrityError:
        pass  # a parallel request of the same session wrote it


def session_forget(*, request: HttpRequest) -> None:
    """At logout or expiry (the user_logged_out signal, before the session is flushed)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def _end(rows) -> int:
    rows = list(rows)
    for row in rows:
        session_store(row.session_key).delete()
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def session_end(*, user: User, session: UserSession, current_key: str | None) -> None:
    """End one of the user's other sessions."""
    if session.user_id != user.pk:
        raise PermissionDenied("只能结束自己的登录会话。")
    if session.session_key == current_key:
        raise ValidationError("这是当前会话，请使用“退出登录”。")
    with transaction.atomic():
        _end([session])


def sessions_end_others(*, user: User, current_key: str | None) -> int:
    """End every session of the user but the current one; how many were ended."""
    with transaction.atomic():
        return _end(UserSession.objects.filter(user=user).exclude(session_key=current_key or ""))


def password_change(*, request: HttpRequest, form) -> User:
    """Save a valid PasswordChangeForm, keep this session signed in (under a new key) and end
    all the user's other sessions."""
    old_key = request.session.session_key
    with transaction.atomic():
        user = form.save()
        update_session_auth_hash(request, user)  # cycles the session key
        new_key = _ensure_key(request.session)
        if old_key and old_key != new_key:
            UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
        sessions_end_others(user=user, current_key=new_key)
    return user


# --- Role grants -----------------------------------------------------------------------------
# Rights live in role assignments (DESIGN.md §1). Office staff grant and revoke roles inside
# their own jurisdiction; only a superuser grants on an organization nobody manages for them.


def _require_grantor(user: User, organization) -> None:
    if not user.is_superuser and not manages(user, organization):
        raise PermissionDenied(f"{organization.name}不在您的管辖范围内，不能在其上授予或撤销角色。")


@transaction.atomic
def role_grant(*, user: User, grantee: User, role: str, organization) -> RoleAssignment:
    """Grant `role` on `organization` and its subtree; an earlier revoked grant is restored."""
    _require_grantor(user, organization)
    if role not in Role.values:
        raise ValidationError({"role": f"未知的角色：{role}。"})
    if not grantee.is_active:
        raise ValidationError({"user": f"账号{grantee}已停用，不能授予角色。"})
    if grantee.is_superuser and not user.is_superuser:
        raise PermissionDenied("只有系统管理员可以调整系统管理员的角色。")
    if not getattr(organization, "is_active", True):
        raise ValidationError({"organization": f"{organization.name}已撤销，不能在其上授予角色。"})
    existing = RoleAssignment.objects.select_for_update().filter(user=grantee, role=role, organization=organization)
    assignment = existing.first()
    label = Role(role).label
    if assignment is not None and assignment.is_active:
        raise ValidationError(f"{grantee}已在{organization.name}担任“{label}”，无需重复授予。")
    if assignment is None:
        assignment = RoleAssignment(user=grantee, role=role, organization=organization)
        record_save(assignment, user=user, reason="授予角色")
    else:
        assignment.is_active = True
        record_save(assignment, user=user, reason="恢复角色")
    return assignment


@transaction.atomic
def role_revoke(*, user: User, assignment: RoleAssignment) -> RoleAssignment:
    """Deactivate a grant (never deleted: history keeps who held what, and when)."""
    _require_grantor(user, assignment.organization)
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        raise ValidationError("该角色授权已撤销。")
    if assignment.user_id == user.pk and assignment.role == Role.OFFICE_ADMIN and not user.is_superuser:
        raise ValidationError("不能撤销自己的巡察办工作人员角色，请由上级巡察办或系统管理员办理。")
    if assignment.user.is_superuser and not user.is_superuser:
        raise PermissionDenied("只有系统管理员可以调整系统管理员的角色。")
    assignment.is_active = False
    record_save(assignment, user=user, reason="撤销角色")
    return assignment
