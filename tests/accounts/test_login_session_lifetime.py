"""A signed-in session ends after 30 minutes without a request and 12 hours after the login;
the browser goes to the login page with a message saying why (htmx: an HX-Redirect header).
Time is moved by putting the session's stamps back."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client

from accounts.models import UserSession
from accounts.sessions import LOGIN_AT, SEEN_AT
from tests.accounts.login_helpers import SESSIONS_URL, age_session, form_login, make_user

pytestmark = pytest.mark.django_db

IDLE_MESSAGE = "长时间未操作，已自动退出登录"
ABSOLUTE_MESSAGE = "登录已超过12小时，请重新登录"


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def signed_in(client, alice):
    assert form_login(client, "alice").status_code == 302
    return client


def login_page_messages(client, url: str) -> list[str]:
    page = client.get(url)
    return [str(m) for m in get_messages(page.wsgi_request)]


def test_the_defaults():
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_ABSOLUTE_HOURS == 12
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_the_login_stamps_the_session_and_the_cookie_lives_at_most_the_absolute_limit(client, alice):
    response = form_login(client, "alice")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 12 * 3600
    session = client.session
    assert session[LOGIN_AT] == session[SEEN_AT]
    assert session.get_expiry_age() <= 12 * 3600


def test_29_minutes_idle_is_still_signed_in(signed_in):
    age_session(signed_in, login=29 * 60, seen=29 * 60)

    assert signed_in.get(SESSIONS_URL).status_code == 200
    assert signed_in.session[LOGIN_AT] < signed_in.session[SEEN_AT]  # the activity was noted


def test_30_minutes_idle_ends_the_session(signed_in):
    age_session(signed_in, login=31 * 60, seen=31 * 60)

    response = signed_in.get(SESSIONS_URL + "?x=1")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=" + quote(SESSIONS_URL + "?x=1")
    assert login_page_messages(signed_in, response["Location"]) == [IDLE_MESSAGE]
    assert not UserSession.objects.exists()
    assert signed_in.get(SESSIONS_URL).status_code == 302  # signed out for good


def test_the_idle_message_is_shown_on_the_login_page(signed_in):
    age_session(signed_in, login=31 * 60, seen=31 * 60)

    page = signed_in.get(SESSIONS_URL, follow=True)

    assert page.redirect_chain[-1][0].startswith("/login/")
    assert IDLE_MESSAGE in page.content.decode()


def test_12_hours_after_the_login_end_the_session_however_active(signed_in):
    age_session(signed_in, login=12 * 3600 + 1, seen=0)

    response = signed_in.get(SESSIONS_URL)

    assert response.status_code == 302
    assert login_page_messages(signed_in, response["Location"]) == [ABSOLUTE_MESSAGE]
    assert not UserSession.objects.exists()


def test_activity_keeps_a_session_alive_past_30_minutes(signed_in):
    for _ in range(3):  # 3 × 20 minutes, with a request each time
        age_session(signed_in, login=20 * 60, seen=20 * 60)
        assert signed_in.get(SESSIONS_URL).status_code == 200


def test_htmx_gets_a_redirect_header(signed_in):
    age_session(signed_in, login=31 * 60, seen=31 * 60)

    response = signed_in.get(
        "/reminders/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/problems/?page=2"
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/?next=" + quote("/problems/?page=2")
    assert "Location" not in response
    assert login_page_messages(signed_in, response["HX-Redirect"]) == [IDLE_MESSAGE]


def test_htmx_from_another_site_goes_home_after_login(signed_in):
    age_session(signed_in, login=31 * 60, seen=31 * 60)

    response = signed_in.get("/reminders/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://evil.example/x")

    assert response["HX-Redirect"] == "/login/?next=/"


def test_a_post_after_expiry_is_not_carried_out(signed_in, alice):
    elsewhere = Client()
    form_login(elsewhere, "alice")
    age_session(signed_in, login=31 * 60, seen=31 * 60)

    response = signed_in.post("/account/sessions/end-others/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"
    assert elsewhere.get(SESSIONS_URL).status_code == 200  # the other session was not ended
    assert UserSession.objects.filter(user=alice).count() == 1


def test_shorter_limits_from_the_settings(signed_in, settings):
    settings.SESSION_IDLE_MINUTES = 5
    age_session(signed_in, seen=6 * 60)

    assert signed_in.get(SESSIONS_URL).status_code == 302


def test_the_row_is_touched_at_most_once_a_minute(signed_in, alice):
    row = UserSession.objects.get(user=alice)
    first_seen = row.last_seen_at

    signed_in.get(SESSIONS_URL)
    signed_in.get(SESSIONS_URL)
    row.refresh_from_db()
    assert row.last_seen_at == first_seen

    age_session(signed_in, seen=61)
    signed_in.get(SESSIONS_URL)
    row.refresh_from_db()
    assert row.last_seen_at > first_seen


def test_a_session_from_before_the_stamps_gets_them_and_a_row(signed_in, alice):
    session = signed_in.session
    del session[LOGIN_AT], session[SEEN_AT]
    session.save()
    UserSession.objects.all().delete()

    assert signed_in.get(SESSIONS_URL).status_code == 200

    assert isinstance(signed_in.session[LOGIN_AT], int)
    assert UserSession.objects.filter(user=alice, session_key=signed_in.session.session_key).exists()


def test_anonymous_requests_are_untouched(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert LOGIN_AT not in client.session
