"""What the login tests share: a user, logging in through the real form, moving a session's
clock back."""

from django.test import Client

from accounts.sessions import LOGIN_AT, SEEN_AT
from tests.world import PASSWORD, make_user

__all__ = ["PASSWORD", "form_login", "make_user", "age_session", "SESSIONS_URL"]

SESSIONS_URL = "/account/sessions/"


def form_login(client: Client, username: str, password: str = PASSWORD, path: str = "/login/", **extra):
    """POST the login form as a browser would; `extra` sets request headers (REMOTE_ADDR…)."""
    data = {"username": username, "password": password}
    if path == "/login/":
        data["next"] = SESSIONS_URL
    else:
        data["next"] = "/admin/"
    return client.post(path, data, **extra)


def age_session(client: Client, *, login: int = 0, seen: int = 0) -> None:
    """Move the session's login and last-activity stamps `login` / `seen` seconds into the past."""
    session = client.session
    session[LOGIN_AT] -= login
    session[SEEN_AT] -= seen
    session.save()
