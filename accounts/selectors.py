"""Reads of accounts: a user's live login sessions, and whether a session has run out."""

import math
from datetime import timedelta
from importlib import import_module

from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from .models import User, UserSession
from .sessions import ABSOLUTE, IDLE, LOGIN_AT, SEEN_AT, TOUCH_SECONDS, absolute_seconds, idle_seconds, now_ts


def session_store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def session_expiry(session, now: int | None = None) -> str | None:
    """IDLE or ABSOLUTE when this signed-in session has run out, else None. A session without
    the stamps (signed in before they were written) is stamped by services.session_seen."""
    now = now_ts() if now is None else now
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if isinstance(login_at, int) and now - login_at >= absolute_seconds():
        return ABSOLUTE
    if isinstance(seen_at, int) and now - seen_at >= idle_seconds():
        return IDLE
    return None


def sessions_live_cutoffs(now=None) -> tuple:
    """(created after, seen after): a row outside them belongs to a session that has run out."""
    now = now or timezone.now()
    return (
        now - timedelta(seconds=absolute_seconds()),
        now - timedelta(seconds=idle_seconds() + TOUCH_SECONDS),
    )


def sessions_of(user: User) -> list[UserSession]:
    """The user's sessions that are still signed in, most recently active first.

    A row is only a record: the session store decides. Rows whose session ran out, was removed
    without a logout (clearsessions, a changed password seen by another request) or now holds
    someone else are left out; services.session_record prunes them at the user's next login."""
    created_after, seen_after = sessions_live_cutoffs()
    rows = UserSession.objects.filter(user=user, created_at__gt=created_after, last_seen_at__gt=seen_after)
    return [row for row in rows.order_by("-last_seen_at", "-pk") if _signed_in(row)]


def _signed_in(row: UserSession) -> bool:
    data = session_store(row.session_key).load()  # {} when missing or expired
    return data.get(SESSION_KEY) == str(row.user_id)


def session_of(user: User, pk: int) -> UserSession:
    """One of the user's own session rows; UserSession.DoesNotExist for anyone else's."""
    return UserSession.objects.get(user=user, pk=pk)


def lockout_seconds_left(request, credentials) -> int:
    """How long the lockout of this request's username and address still lasts (django-axes
    counts from the last failure); the whole lockout when that cannot be told."""
    whole = settings.LOGIN_LOCKOUT_MINUTES * 60
    last = (
        AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return whole
    left = whole - (timezone.now() - last).total_seconds()
    return max(60, min(whole, math.ceil(left)))
