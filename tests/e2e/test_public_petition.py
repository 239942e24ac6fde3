"""码上巡察 in Chromium on a phone-sized screen (375×667): a member of the public opens the
inspection's public page without logging in, fills the form, answers the check question read
from the page, submits, keeps the receipt and queries it; then the office signs in and finds
the petition in the inspection's petition list.

The inspection is arranged and entered through the services; the rest happens in the browser."""

import re

import pytest
from django.core.cache import cache

from campaigns import services as cs
from findings.models import Petition, PetitionChannel
from tests.e2e.conftest import TIMEOUT_MS
from tests.world import build_world, on_site

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 667}
SUBJECT = "青石镇农经站"
TEXT = "农经站工作人员办理土地流转备案时索要好处费，反映多次无人处理。"


def _expect():
    from playwright.sync_api import expect

    return expect


def test_a_citizen_reports_on_a_phone_and_the_office_finds_the_petition(browser, live_server, login, screenshot):
    expect = _expect()
    cache.clear()  # the rate limits count in this process's cache, shared with the live server
    w = build_world()
    inspection = cs.inspection_announcement_update(
        user=w.office, inspection=on_site(w), public_phone="0571-12388", public_mailbox="清河市邮政100号信箱"
    )

    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    try:
        phone = context.new_page()
        # A CSP refusal is a console error; a failed load is the form's 400 or the favicon's 404.
        phone.on(
            "console",
            lambda m: (
                m.type == "error" and not m.text.startswith("Failed to load resource") and problems.append(m.text)
            ),
        )
        phone.on("pageerror", lambda exc: problems.append(str(exc)))
        phone.goto(f"/public/{inspection.public_token}/?via=qr")
        expect(phone.locator("#announcement")).to_contain_text("第一巡察组")
        expect(phone.locator("#announcement")).to_contain_text("0571-12388")
        # Nothing wider than the screen: the page is usable without zooming out.
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        phone.get_by_label("问题类别").select_option(label="党的建设缺失")
        phone.get_by_label("反映对象（单位或个人）").fill(SUBJECT)
        phone.get_by_label("反映的问题").fill(TEXT)
        phone.get_by_label("匿名反映").check()
        # A wrong answer first: refused in Chinese, and the text is still there.
        phone.locator("#id_captcha_answer").fill("100")
        phone.get_by_role("button", name="提交").click()
        expect(phone.locator("#id_captcha_answer + .invalid-feedback")).to_contain_text("验证题答案不正确")
        expect(phone.get_by_label("反映的问题")).to_have_value(TEXT)
        screenshot(phone, "public-01-wrong-answer")

        question = phone.locator("#captcha-question").inner_text()
        a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
        phone.locator("#id_captcha_answer").fill(str(a + b))
        phone.get_by_role("button", name="提交").click()
        expect(phone.locator(".alert-success")).to_contain_text("巡察组已收到")
        receipt = phone.locator("#receipt-number").inner_text().strip()
        code = phone.locator("#query-code").inner_text().strip()
        expect(phone.locator("main")).not_to_contain_text(TEXT)
        screenshot(phone, "public-02-receipt")

        phone.get_by_role("link", name="查询回执").last.click()
        phone.get_by_label("回执号").fill(receipt)
        phone.get_by_label("查询码").fill(code)
        phone.get_by_role("button", name="查询").click()
        expect(phone.locator("#query-result")).to_have_text("已收到。")
        screenshot(phone, "public-03-query")
        assert problems == [], problems
    finally:
        context.close()

    petition = Petition.objects.get(receipt_number=receipt)
    assert (petition.inspection_id, petition.channel) == (inspection.pk, PetitionChannel.QR_CODE)

    office = login("office").page
    office.goto(f"/inspections/{inspection.pk}/")
    expect(office.locator("#public-channel")).to_contain_text(inspection.public_token)
    png = office.request.get(f"/public/{inspection.public_token}/qr.png?download=1")
    assert png.ok and png.body().startswith(b"\x89PNG")
    office.goto(f"/inspections/{inspection.pk}/?tab=petitions")
    expect(office.locator("main")).to_contain_text(SUBJECT)
    office.get_by_role("link", name=re.compile(SUBJECT)).first.click()
    expect(office.locator("main")).to_contain_text(TEXT)
    expect(office.locator("main")).to_contain_text("二维码")
    expect(office.locator("main")).to_contain_text(receipt)
    screenshot(office, "public-04-office-sees-the-petition")
