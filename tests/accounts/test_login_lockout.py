"""django-axes: five failed logins for one username from one address lock that pair out for
30 minutes (HTTP 429 and a Chinese page), on /login/ and /admin/login/ alike; a success resets
the count."""

from datetime import timedelta

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import F
from django.test import RequestFactory

from tests.accounts.login_helpers import SESSIONS_URL, form_login, make_user

pytestmark = pytest.mark.django_db

WRONG = "Wrong-pass-2026!"


@pytest.fixture
def alice(db):
    return make_user("alice")


def fail(client, username="alice", times=1, **extra):
    return [form_login(client, username, WRONG, **extra) for _ in range(times)]


def signed_in(client) -> bool:
    return client.get(SESSIONS_URL).status_code == 200


def test_the_defaults_are_five_failures_and_thirty_minutes():
    assert settings.AXES_FAILURE_LIMIT == settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_five_failures_lock_out_and_the_right_password_is_refused(client, alice):
    responses = fail(client, times=4)
    assert [r.status_code for r in responses] == [200] * 4  # the form again, with its error
    assert "请输入一个正确的" in responses[-1].content.decode()

    fifth = fail(client)[0]
    assert fifth.status_code == 429

    locked = form_login(client, "alice")
    assert locked.status_code == 429
    assert not signed_in(client)


def test_the_lockout_page_says_how_long_and_whom_to_contact(client, alice):
    response = fail(client, times=5)[-1]

    assert response.status_code == 429
    assert 1790 < int(response["Retry-After"]) <= 1800
    html = response.content.decode()
    assert "登录已暂时锁定" in html
    assert "30 分钟" in html
    assert "连续 5 次登录失败" in html
    assert "系统管理员" in html
    assert "<script>" not in html and " style=" not in html


def test_the_page_says_how_long_is_left(client, alice):
    fail(client, times=5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=20))

    response = form_login(client, "alice")

    assert response.status_code == 429
    assert "请在 10 分钟后再试" in response.content.decode()
    assert 540 < int(response["Retry-After"]) <= 600


def test_the_lock_is_per_username_and_address(client, alice):
    make_user("bob")
    fail(client, times=5)

    assert form_login(client, "alice").status_code == 429
    assert form_login(client, "alice", REMOTE_ADDR="10.1.2.3").status_code == 302  # another address
    client.logout()
    assert form_login(client, "bob").status_code == 302  # another user from the same address


def test_the_lock_ends_after_the_cool_off(client, alice):
    fail(client, times=5)
    assert form_login(client, "alice").status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=29))
    assert form_login(client, "alice").status_code == 429  # attempts while locked do not extend it

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    response = form_login(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == SESSIONS_URL
    assert signed_in(client)


def test_an_administrator_can_lift_the_lock(client, alice):
    fail(client, times=5)
    assert form_login(client, "alice").status_code == 429

    reset(username="alice")

    assert form_login(client, "alice").status_code == 302
    assert signed_in(client)


def test_a_success_resets_the_count(client, alice):
    fail(client, times=4)
    assert form_login(client, "alice").status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()

    assert [r.status_code for r in fail(client, times=4)] == [200] * 4
    assert form_login(client, "alice").status_code == 302


def test_the_admin_login_is_locked_out_too(client, alice):
    alice.is_staff = True
    alice.save()
    responses = [form_login(client, "alice", WRONG, path="/admin/login/") for _ in range(5)]

    assert [r.status_code for r in responses] == [200] * 4 + [429]
    assert form_login(client, "alice", path="/admin/login/").status_code == 429
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_both_login_pages_count_together(client, alice):
    alice.is_staff = True
    alice.save()
    fail(client, times=3)
    [form_login(client, "alice", WRONG, path="/admin/login/") for _ in range(2)]

    assert form_login(client, "alice").status_code == 429


def test_authenticate_needs_the_request():
    """A caller that does not pass the request cannot bypass the lockout: it is an error.
    Tests that log in with a password pass one (force_login does not authenticate)."""
    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="alice", password=WRONG)


def test_the_test_client_logs_in_when_given_a_request(client, alice):
    from tests.world import PASSWORD

    assert client.login(request=RequestFactory().post("/login/"), username="alice", password=PASSWORD)
    assert signed_in(client)


def test_behind_a_proxy_the_forwarded_address_counts(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    fail(client, times=5, HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy)

    assert form_login(client, "alice", HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy).status_code == 429
    assert form_login(client, "alice", HTTP_X_FORWARDED_FOR="203.0.113.9", **via_proxy).status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
