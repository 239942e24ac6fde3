"""码上巡察 in Chromium on a phone (390×844): a member of the public scans the QR code (the PNG
read back by a QR decoder, zxing-cpp, and its address opened), fills the form with an attachment,
answers the check question read from the page, submits, keeps the receipt and queries it; the
office finds the petition, marked confidential, and its reading is logged; the liaison cannot
open it; a second sender from the same address is refused with 429 in Chinese; after the team
has left, the page says it is closed.

The inspection is arranged and entered through the services; the rest happens in the browser."""

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache

from campaigns import services as cs
from findings.models import Petition, PetitionChannel, ReadLog
from tests.e2e.conftest import TIMEOUT_MS
from tests.world import build_world, on_site

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SUBJECT = "青石镇农经站"
TEXT = "农经站工作人员办理土地流转备案时索要好处费，反映多次无人处理。"


def _expect():
    from playwright.sync_api import expect

    return expect


def read_qr(png: bytes) -> str:
    """What a phone's camera app reads from the printed code."""
    import zxingcpp
    from PIL import Image

    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [code.format for code in codes] == [zxingcpp.BarcodeFormat.QRCode], codes
    return codes[0].text


def test_a_citizen_reports_on_a_phone_and_the_office_finds_the_petition(
    browser, live_server, login, screenshot, settings
):
    expect = _expect()
    cache.clear()  # the rate limits count in this process's cache, shared with the live server
    settings.PUBLIC_BASE_URL = live_server.url  # the address the printed code leads to
    settings.PUBLIC_RATE_PER_ADDRESS = 2  # the wrong answer and the good one; the next is refused
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
        # A CSP refusal is a console error; a failed load is the form's 400.
        phone.on(
            "console",
            lambda m: (
                m.type == "error" and not m.text.startswith("Failed to load resource") and problems.append(m.text)
            ),
        )
        phone.on("pageerror", lambda exc: problems.append(str(exc)))
        # The scan: the code on the printed sheet, decoded, is the page's address.
        sheet = phone.request.get(f"/public/{inspection.public_token}/announcement/")
        assert sheet.ok and "qr.svg" in sheet.text()
        scanned = read_qr(phone.request.get(f"/public/{inspection.public_token}/qr.png").body())
        assert scanned == f"{live_server.url}/public/{inspection.public_token}/?via=qr"
        phone.goto(scanned)
        expect(phone.locator("#announcement")).to_contain_text("第一巡察组")
        expect(phone.locator("#announcement")).to_contain_text("0571-12388")
        # Nothing wider than the screen: the page is usable without zooming out.
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        phone.get_by_label("问题类别").select_option(label="党的建设缺失")
        phone.get_by_label("反映对象（单位或个人）").fill(SUBJECT)
        phone.get_by_label("反映的问题").fill(TEXT)
        phone.get_by_label("匿名反映").check()
        attachment = {"name": "现场照片.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%evidence\n"}
        # A wrong answer first: refused in Chinese, and the text is still there.
        phone.locator("#id_captcha_answer").fill("100")
        phone.get_by_role("button", name="提交").click()
        expect(phone.locator("#id_captcha_answer + .invalid-feedback")).to_contain_text("验证题答案不正确")
        expect(phone.get_by_label("反映的问题")).to_have_value(TEXT)
        screenshot(phone, "public-01-wrong-answer")

        question = phone.locator("#captcha-question").inner_text()
        a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
        phone.locator("#id_captcha_answer").fill(str(a + b))
        phone.locator("#id_attachments").set_input_files(attachment)  # chosen again after the refusal
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

        # A third submission from this address within the window: 429, in Chinese, text kept.
        phone.goto(scanned)
        phone.get_by_label("反映的问题").fill("再反映一件事")
        with phone.expect_response(lambda r: r.request.method == "POST") as answer:
            phone.get_by_role("button", name="提交").click()
        assert answer.value.status == 429
        expect(phone.locator("#form-error")).to_contain_text("提交过于频繁")
        expect(phone.get_by_label("反映的问题")).to_have_value("再反映一件事")
        screenshot(phone, "public-04-rate-limited")
        assert problems == [], problems
    finally:
        context.close()

    petition = Petition.objects.get(receipt_number=receipt)
    assert (petition.inspection_id, petition.channel) == (inspection.pk, PetitionChannel.QR_CODE)
    assert [a.original_name for a in petition.attachments.all()] == ["现场照片.pdf"]

    office = login("office").page
    office.goto(f"/inspections/{inspection.pk}/")
    expect(office.locator("#public-channel")).to_contain_text(inspection.public_token)
    png = office.request.get(f"/public/{inspection.public_token}/qr.png?download=1")
    assert png.ok and png.body().startswith(b"\x89PNG")
    # The sheet to post at the unit: the announcement, the code drawn, the address written out.
    with office.context.expect_page() as opened:
        office.locator("#announcement-print").click()
    sheet = opened.value
    expect(sheet.locator("#announcement")).to_contain_text("0571-12388")
    expect(sheet.locator("#announcement-url")).to_have_text(f"{live_server.url}/public/{inspection.public_token}/")
    assert sheet.locator("#announcement-qr img").evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(sheet, "public-05-printable-announcement")
    sheet.close()
    office.goto(f"/inspections/{inspection.pk}/?tab=petitions")
    expect(office.locator("main")).to_contain_text(SUBJECT)
    office.get_by_role("link", name=re.compile(SUBJECT)).first.click()
    expect(office.locator("main")).to_contain_text(TEXT)
    expect(office.locator("main")).to_contain_text("二维码")
    expect(office.locator("main")).to_contain_text(receipt)
    expect(office.locator("main")).to_contain_text("严格保密")
    expect(office.locator("main")).to_contain_text("现场照片.pdf")
    assert ReadLog.objects.filter(user=w.office, record_id=petition.pk).exists()
    screenshot(office, "public-06-office-sees-the-petition")

    # The inspected unit's liaison: neither the petition nor its attachment.
    liaison = login("liaison").page
    assert liaison.request.get(f"/petitions/{petition.pk}/").status == 404
    assert liaison.request.get(f"/petition-attachments/{petition.attachments.get().pk}/").status == 404
    for path in (f"/inspections/{inspection.pk}/?tab=petitions", "/petitions/", "/"):
        assert SUBJECT not in liaison.request.get(path).text(), path

    # The team leaves the site: the same address now says the channel is closed.
    cs.inspection_leave(user=w.team_leader, inspection=inspection, on=dt.date(2026, 4, 10))
    visitor = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="zh-CN")
    try:
        closed = visitor.new_page()
        assert closed.goto(scanned).status == 410
        expect(closed.locator("#closed")).to_contain_text("截止")
        expect(closed.get_by_role("button", name="提交")).to_have_count(0)
        screenshot(closed, "public-07-closed")
    finally:
        visitor.close()
