"""The site's own error pages: in Chinese, in its layout, saying what to do (issue 22, item 7)."""

import pytest
from django.test import Client, RequestFactory

from tests.world import category, on_site
from xuncha import errors, urls

pytestmark = pytest.mark.django_db


def test_an_over_size_form_is_refused_in_chinese_and_says_what_to_do(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    inspection = on_site(world)
    client.force_login(world.team_member)
    data = {"title": "标题", "description": "很" * 1_000_000, "category": category("A01").pk, "method": "interview"}
    response = client.post(f"/inspections/{inspection.pk}/problems/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "提交的文字超过了允许的大小（约2 MB），未能保存" in body
    assert "Bad Request" not in body and 'class="navbar' in body  # the site's page, not Django's
    assert not inspection.problems.exists()


def test_a_bad_request_is_a_chinese_page(client):
    response = client.get("/", HTTP_HOST="not-this-site.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert "请求的格式不正确或地址不被接受" in response.content.decode()


def test_a_refused_form_is_a_chinese_page_not_djangos_english_one(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.office)
    response = browser.post("/logout/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期，未能提交" in body and "您填写的内容没有保存" in body
    assert "CSRF verification failed" not in body


def test_a_server_error_is_a_chinese_page_that_needs_no_context():
    assert urls.handler500 == "xuncha.errors.server_error"
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统出错" in response.content.decode() and "请联系系统管理员" in response.content.decode()


def test_403_and_404_are_the_sites_pages(client, world):
    client.force_login(world.liaison)
    response = client.get("/problems/999999/")
    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()


def test_every_layout_names_the_sites_icon_so_no_browser_asks_for_a_missing_favicon(client, world):
    """Without an icon of its own a browser asks every site for /favicon.ico; ours would answer
    404, which Chromium reports as a console error at a moment of its choosing."""
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg")
    pages = {
        "login": client.get("/login/"),
        "public": client.get("/public/no-such-token/"),
        "admin": client.get("/admin/login/"),
    }
    client.force_login(world.office)
    pages |= {"site": client.get("/"), "404": client.get("/problems/999999/")}
    assert {name: 'rel="icon" href="/static/img/favicon.svg"' in r.content.decode() for name, r in pages.items()} == {
        name: True for name in pages
    }
