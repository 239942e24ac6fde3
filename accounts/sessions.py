"""What accounts keeps in a signed-in session: when the user logged in and when they were last
seen, as whole seconds since the epoch (the session serializer is JSON)."""

from django.conf import settings
from django.utils import timezone

LOGIN_AT = "_xuncha_login_at"
SEEN_AT = "_xuncha_seen_at"
# Activity is written to the session and to its UserSession row at most this often.
TOUCH_SECONDS = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def now_ts() -> int:
    return int(timezone.now().timestamp())


def idle_seconds() -> int:
    return settings.SESSION_IDLE_MINUTES * 60


def absolute_seconds() -> int:
    return settings.SESSION_ABSOLUTE_HOURS * 3600
