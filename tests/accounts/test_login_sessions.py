"""A user's own login sessions (/account/sessions/): listed with the current one marked, one or
all others ended (the Django session too), nobody else's; and the password change, which keeps
the current session and ends the others."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client

from accounts import selectors
from accounts.models import UserSession
from tests.accounts.login_helpers import PASSWORD, SESSIONS_URL, age_session, form_login, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Neues-Passwort-2027"


@pytest.fixture
def alice(db):
    return make_user("alice")


def browser(username="alice", password=PASSWORD, agent="Mozilla/5.0 Firefox/140.0", ip="127.0.0.1") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    assert form_login(client, username, password).status_code == 302
    return client


def session_store_has(key) -> bool:
    return selectors.session_store(key).exists(key)


def test_a_login_writes_a_row_and_a_logout_deletes_it(alice):
    client = browser(agent="Mozilla/5.0 Chrome/141.0", ip="10.20.30.40")

    row = UserSession.objects.get(user=alice)
    assert row.session_key == client.session.session_key
    assert (row.ip, row.user_agent) == ("10.20.30.40", "Mozilla/5.0 Chrome/141.0")
    assert row.created_at == row.last_seen_at

    client.post("/logout/")
    assert not UserSession.objects.exists()


def test_the_page_lists_the_users_sessions_with_the_current_one_marked(alice):
    here = browser(agent="Mozilla/5.0 Firefox/140.0")
    browser(agent="Mozilla/5.0 Edg/141.0", ip="10.0.0.9")
    make_user("bob")
    browser("bob")

    response = here.get(SESSIONS_URL)

    assert response.status_code == 200
    rows = response.context["sessions"]
    assert len(rows) == 2 and {r.user_id for r in rows} == {alice.pk}
    assert [r.is_current for r in rows].count(True) == 1
    assert next(r for r in rows if r.is_current).session_key == here.session.session_key
    html = response.content.decode()
    assert "当前会话" in html and "10.0.0.9" in html and "Edg/141.0" in html
    assert here.session.session_key not in html  # session keys are credentials: never shown
    assert "结束其他所有会话" in html


def test_ending_another_session_signs_that_browser_out(alice):
    here, there = browser(), browser(ip="10.0.0.9")
    there_key = there.session.session_key
    row = UserSession.objects.get(session_key=there_key)

    response = here.post(f"/account/sessions/{row.pk}/end/")

    assert response.status_code == 302 and response["Location"] == SESSIONS_URL
    assert not UserSession.objects.filter(pk=row.pk).exists()
    assert not session_store_has(there_key)
    assert there.get(SESSIONS_URL).status_code == 302  # to the login page
    assert here.get(SESSIONS_URL).status_code == 200
    assert len(here.get(SESSIONS_URL).context["sessions"]) == 1


def test_ending_the_current_session_here_is_refused(alice):
    here = browser()
    row = UserSession.objects.get(session_key=here.session.session_key)

    response = here.post(f"/account/sessions/{row.pk}/end/", follow=True)

    assert "这是当前会话" in response.content.decode()
    assert UserSession.objects.filter(pk=row.pk).exists()
    assert here.get(SESSIONS_URL).status_code == 200


def test_ending_all_others(alice):
    here = browser()
    others = [browser(ip=f"10.0.0.{n}") for n in range(1, 4)]
    bob = make_user("bob")
    bobs = browser("bob")

    response = here.post("/account/sessions/end-others/", follow=True)

    assert "已结束其他 3 个会话" in response.content.decode()
    assert list(UserSession.objects.filter(user=alice).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
    assert all(other.get(SESSIONS_URL).status_code == 302 for other in others)
    assert UserSession.objects.filter(user=bob).count() == 1
    assert bobs.get(SESSIONS_URL).status_code == 200


def test_another_users_session_is_not_found(alice):
    here = browser()
    make_user("bob")
    bobs = browser("bob")
    bobs_row = UserSession.objects.get(session_key=bobs.session.session_key)

    assert here.post(f"/account/sessions/{bobs_row.pk}/end/").status_code == 404
    assert UserSession.objects.filter(pk=bobs_row.pk).exists()
    assert bobs.get(SESSIONS_URL).status_code == 200


def test_the_pages_need_a_login_and_ending_needs_a_post(client, alice):
    assert client.get(SESSIONS_URL)["Location"].startswith("/login/")
    assert client.get("/account/password/")["Location"].startswith("/login/")
    assert client.post("/account/sessions/end-others/")["Location"].startswith("/login/")
    here = browser()
    row = UserSession.objects.get(user=alice)
    assert here.get(f"/account/sessions/{row.pk}/end/").status_code == 405
    assert here.get("/account/sessions/end-others/").status_code == 405


def test_sessions_that_ran_out_or_vanished_are_not_listed(alice):
    here, idle, gone = browser(), browser(), browser()
    age_session(idle, login=40 * 60, seen=40 * 60)
    UserSession.objects.filter(session_key=idle.session.session_key).update(
        last_seen_at=F("last_seen_at") - timedelta(minutes=40)
    )
    selectors.session_store(gone.session.session_key).delete()  # e.g. clearsessions, no logout signal

    rows = selectors.sessions_of(alice)

    assert [r.session_key for r in rows] == [here.session.session_key]
    browser()  # the next login prunes the row of the idle session
    assert not UserSession.objects.filter(session_key=idle.session.session_key).exists()


def test_the_user_menu_links_to_password_and_sessions(alice):
    html = browser().get(SESSIONS_URL).content.decode()
    assert 'href="/account/password/"' in html
    assert 'href="/account/sessions/"' in html
    assert "修改密码" in html and "登录会话" in html


# --- Password change ------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(alice):
    here, there = browser(), browser(ip="10.0.0.9")
    there_key = there.session.session_key

    response = here.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302 and response["Location"] == SESSIONS_URL
    page = here.get(SESSIONS_URL)
    assert page.status_code == 200
    assert "密码已修改" in page.content.decode()
    assert [r.session_key for r in page.context["sessions"]] == [here.session.session_key]
    assert list(UserSession.objects.filter(user=alice).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
    assert not session_store_has(there_key)
    assert there.get(SESSIONS_URL).status_code == 302  # logged out on its next request

    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert form_login(Client(), "alice", PASSWORD).status_code == 200  # the old one is refused
    assert form_login(Client(), "alice", NEW_PASSWORD).status_code == 302


def test_the_password_page_is_chinese_and_explains_the_rules(alice):
    html = browser().get("/account/password/").content.decode()
    assert "修改密码" in html
    assert "旧密码" in html and "新密码" in html
    assert "四类中的至少3类" in html
    assert "至少" in html and "10" in html


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("abcdefgh12", "四类中的至少3类"),
        ("Ab1!-Ab1!", "密码太短，至少需要10个字符。"),
    ],
)
def test_a_weak_new_password_is_refused(alice, new, message):
    here = browser()
    response = here.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 200
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_wrong_old_password_is_refused_and_nothing_ends(alice):
    here, there = browser(), browser()
    response = here.post(
        "/account/password/", {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert UserSession.objects.filter(user=alice).count() == 2
    assert there.get(SESSIONS_URL).status_code == 200
