"""The public page (码上巡察), its QR code and the receipt query, through the test client as an
anonymous visitor: good path, every refusal, rate limits and the period on site."""

import io
import re

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import dumps

from campaigns import services as cs
from findings.models import Petition, PetitionAttachment, PetitionChannel, ProblemCategory
from tests.world import D, create_inspection, on_site

pytestmark = pytest.mark.django_db

TEXT = "某站所办事要求送礼，反映多次无人处理"
PDF = b"%PDF-1.4\n%petition\n"


def page(inspection) -> str:
    return f"/public/{inspection.public_token}/"


def form_data(client, inspection, **kw) -> dict:
    """What a person types, with the question on the page answered."""
    html = client.get(page(inspection)).content.decode()
    a, b = map(int, re.search(r"验证题：(\d+) \+ (\d+)", html).groups())
    token = re.search(r'name="captcha_token" value="([^"]+)"', html).group(1)
    data = {
        "category": ProblemCategory.objects.get(code="B").pk,
        "subject": "青石镇农经站",
        "content": TEXT,
        "is_anonymous": "on",
        "name": "",
        "contact": "",
        "captcha_token": token,
        "captcha_answer": str(a + b),
        "website": "",
        "via": "",
    }
    data.update(kw)
    return data


def assert_kept(response, text: str = TEXT) -> None:
    """The form came back with what was typed."""
    body = response.content.decode()
    assert text in body
    assert 'id="petition-form"' in body


@pytest.fixture
def inspection(world):
    inspection = on_site(world)
    return cs.inspection_announcement_update(
        user=world.office, inspection=inspection, public_phone="0571-12345678", public_mailbox="清河市邮政100号信箱"
    )


# --- The page -----------------------------------------------------------------------------


def test_the_page_shows_the_announcement_without_login(client, inspection):
    response = client.get(page(inspection))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("第一巡察组", "青石镇党委", "2026-03-10", "0571-12345678", "清河市邮政100号信箱", "党的建设缺失"):
        assert text in body
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_page_costs_a_fixed_number_of_queries(client, inspection, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the inspection with its team, round, unit; the categories
        assert client.get(page(inspection)).status_code == 200


def test_an_unknown_token_and_a_withdrawn_inspection_are_404(client, world):
    assert client.get("/public/not-a-token/").status_code == 404
    inspection = create_inspection(world)
    cs.inspection_withdraw(user=world.office, inspection=inspection, reason="安排有误")
    assert client.get(page(inspection)).status_code == 404
    assert client.get(page(inspection) + "qr.png").status_code == 404


# --- The good path ------------------------------------------------------------------------


def test_a_submission_becomes_a_petition_and_a_receipt(client, inspection):
    data = form_data(client, inspection, via="qr", attachments=SimpleUploadedFile("照片.pdf", PDF))
    response = client.post(page(inspection), data)
    assert response.status_code == 200
    body = response.content.decode()
    petition = Petition.objects.get()
    assert petition.inspection == inspection
    assert petition.channel == PetitionChannel.QR_CODE
    assert petition.is_anonymous and petition.content == TEXT
    assert PetitionAttachment.objects.filter(petition=petition).count() == 1
    receipt = re.search(r'id="receipt-number">(\d+)<', body).group(1)
    code = re.search(r'id="query-code">([A-Z0-9]+)<', body).group(1)
    assert receipt == petition.receipt_number
    assert code not in petition.query_code_hash
    # Nothing of the submission is echoed back.
    for typed in (TEXT, "青石镇农经站", "照片.pdf"):
        assert typed not in body
    assert "no-store" in response["Cache-Control"]

    answer = client.post("/public/query/", {"receipt_number": receipt, "query_code": code})
    assert answer.status_code == 200
    assert "已收到" in answer.content.decode()
    assert TEXT not in answer.content.decode() and "青石镇" not in answer.content.decode()
    wrong = client.post("/public/query/", {"receipt_number": receipt, "query_code": "WRONGCODE2"})
    assert wrong.status_code == 400
    assert "回执号或查询码不正确" in wrong.content.decode()


def test_without_the_qr_mark_the_channel_is_online(client, inspection):
    client.post(page(inspection), form_data(client, inspection))
    assert Petition.objects.get().channel == PetitionChannel.ONLINE


def test_a_named_submission_keeps_name_and_contact(client, inspection):
    data = form_data(client, inspection, is_anonymous="", name="王五", contact="13800000000")
    assert client.post(page(inspection), data).status_code == 200
    petition = Petition.objects.get()
    assert (petition.petitioner, petition.contact, petition.is_anonymous) == ("王五", "13800000000", False)


# --- Every bad input: a Chinese message and the text kept ---------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"content": ""}, "请填写反映的问题。"),
        ({"content": TEXT + "字" * 5000}, "反映内容不能超过5000字"),
        ({"subject": ""}, "请填写反映的单位或个人。"),
        ({"is_anonymous": "", "name": ""}, "请填写姓名，或勾选匿名。"),
        ({"captcha_answer": "999"}, "验证题答案不正确"),
        ({"captcha_token": "forged"}, "验证题答案不正确"),
        ({"website": "http://spam.example"}, "“网址”一栏应当留空"),
    ],
)
def test_a_bad_input_is_refused_and_the_text_kept(client, inspection, fields, message):
    data = form_data(client, inspection, **fields)
    response = client.post(page(inspection), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert_kept(response, (fields.get("content", TEXT) or fields.get("subject", "青石镇农经站"))[:50] or "青石镇农经站")
    assert not Petition.objects.exists()
    # A new question; the wrong answer and the trap are not written back.
    assert 'name="captcha_answer" id="id_captcha_answer" inputmode="numeric" autocomplete="off" value=""' in body
    assert "spam.example" not in body


def test_an_expired_question_is_refused(client, inspection, settings):
    settings.PUBLIC_CAPTCHA_MAX_AGE_SECONDS = -1
    response = client.post(page(inspection), form_data(client, inspection))
    assert response.status_code == 400
    assert "验证题已过期" in response.content.decode()
    assert_kept(response)


def test_the_question_is_signed_not_trusted(client, inspection):
    # A token of the right shape not signed with the right salt does not pass.
    data = form_data(client, inspection, captcha_token=dumps([1, 1]), captcha_answer="2")
    assert client.post(page(inspection), data).status_code == 400


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00rest"), "不是允许的文件类型"),
        (SimpleUploadedFile("big.pdf", PDF + b"x" * 4096), "大小限制"),
    ],
)
def test_a_bad_attachment_is_refused_and_the_text_kept(client, inspection, settings, upload, message):
    settings.UPLOAD_MAX_BYTES = 1024
    response = client.post(page(inspection), form_data(client, inspection, attachments=upload))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_kept(response)
    assert not Petition.objects.exists()


def test_an_oversized_request_is_refused_unread(client, inspection, settings):
    settings.PUBLIC_REQUEST_MAX_BYTES = 2048
    data = form_data(client, inspection, attachments=SimpleUploadedFile("a.pdf", PDF + b"x" * 4096))
    response = client.post(page(inspection), data)
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert not Petition.objects.exists()


# --- Rate limits --------------------------------------------------------------------------


def test_one_address_is_limited_with_429_and_the_text_kept(client, inspection, settings):
    settings.PUBLIC_RATE_PER_ADDRESS = 2
    for _i in range(2):
        assert client.post(page(inspection), form_data(client, inspection)).status_code == 200
    response = client.post(page(inspection), form_data(client, inspection))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert response["Retry-After"] == str(settings.PUBLIC_RATE_WINDOW_SECONDS)
    assert_kept(response)
    assert Petition.objects.count() == 2
    # Another address is not limited by this one.
    other = client.post(page(inspection), form_data(client, inspection), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_whole_installation_is_limited_too(client, inspection, settings):
    settings.PUBLIC_RATE_PER_ADDRESS = 100
    settings.PUBLIC_RATE_GLOBAL = 2
    for n in range(2):
        assert (
            client.post(page(inspection), form_data(client, inspection), REMOTE_ADDR=f"10.0.1.{n}").status_code == 200
        )
    response = client.post(page(inspection), form_data(client, inspection), REMOTE_ADDR="10.0.1.99")
    assert response.status_code == 429


def test_queries_are_limited_per_address(client, settings):
    settings.PUBLIC_QUERY_RATE_PER_ADDRESS = 3
    for _i in range(3):
        assert client.post("/public/query/", {"receipt_number": "1", "query_code": "X"}).status_code == 400
    response = client.post("/public/query/", {"receipt_number": "1", "query_code": "X"})
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()


# --- Closed before and after the period on site -------------------------------------------


def test_the_page_is_closed_before_the_team_arrives(client, world):
    inspection = create_inspection(world)
    response = client.get(page(inspection))
    assert response.status_code == 410
    body = response.content.decode()
    assert "本次巡察尚未进驻" in body
    assert 'id="petition-form"' not in body


def test_the_page_is_closed_after_the_team_left_and_a_late_submission_keeps_its_text(client, world, inspection):
    data = form_data(client, inspection)
    cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 1))
    assert client.get(page(inspection)).status_code == 410
    response = client.post(page(inspection), data)
    assert response.status_code == 410
    assert "受理已截止" in response.content.decode()
    assert_kept(response)
    assert 'type="submit"' not in response.content.decode().split('id="petition-form"')[1]
    assert not Petition.objects.exists()


# --- The QR code --------------------------------------------------------------------------


def test_the_png_is_a_qr_code_of_the_public_url(client, inspection, settings):
    settings.PUBLIC_BASE_URL = "https://xuncha.example.gov"
    response = client.get(page(inspection) + "qr.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    png = response.content
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    url = f"https://xuncha.example.gov/public/{inspection.public_token}/?via=qr"
    expected = io.BytesIO()
    segno.make(url, error="m", micro=False).save(expected, kind="png", scale=10, border=4)
    assert png == expected.getvalue()


def test_the_svg_is_a_qr_code_of_the_public_url_and_downloads(client, inspection, settings):
    settings.PUBLIC_BASE_URL = "https://xuncha.example.gov"
    response = client.get(page(inspection) + "qr.svg?download=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "attachment" in response["Content-Disposition"]
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    url = f"https://xuncha.example.gov/public/{inspection.public_token}/?via=qr"
    expected = io.BytesIO()
    segno.make(url, error="m", micro=False).save(expected, kind="svg", scale=10, border=4, xmldecl=True)
    assert svg == expected.getvalue().decode()
    # A code of another address draws differently.
    other = io.BytesIO()
    segno.make(url.replace("xuncha", "other"), error="m", micro=False).save(other, kind="svg", scale=10, border=4)
    assert svg != other.getvalue().decode()


def test_the_printable_announcement_carries_the_qr_code_and_the_address(client, inspection, settings):
    settings.PUBLIC_BASE_URL = "https://xuncha.example.gov.cn"
    response = client.get(f"{page(inspection)}announcement/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'src="/public/{inspection.public_token}/qr.svg"' in body
    assert f"https://xuncha.example.gov.cn/public/{inspection.public_token}/" in body
    assert "0571-12345678" in body and "清河市邮政100号信箱" in body
    assert "announcement-print.css" in body  # the A4 page layout
    assert "<script" not in body


def test_the_printable_announcement_of_a_closed_or_unknown_inspection(client, world):
    arranged = create_inspection(world)  # printed before the team arrives: the sheet is there
    assert client.get(f"{page(arranged)}announcement/").status_code == 200
    assert client.get("/public/no-such-token/announcement/").status_code == 404
    withdrawn = cs.inspection_withdraw(user=world.office, inspection=arranged, reason="调整安排")
    assert client.get(f"{page(withdrawn)}announcement/").status_code == 404


# --- The office's side --------------------------------------------------------------------


def test_the_inspection_page_offers_the_qr_code_to_office_and_team_only(client, world, inspection):
    for user, offered in ((world.office, True), (world.team_member, True), (world.leader, False)):
        client.force_login(user)
        body = client.get(f"/inspections/{inspection.pk}/").content.decode()
        assert (f"/public/{inspection.public_token}/qr.png" in body) is offered, user
        assert (f"/public/{inspection.public_token}/announcement/" in body) is offered, user


def test_the_office_edits_phone_and_mailbox(client, world, inspection):
    client.force_login(world.office)
    url = f"/inspections/{inspection.pk}/announcement/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"public_phone": "12388", "public_mailbox": "清河市邮政8号信箱", "version": inspection.version}
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.public_phone, inspection.public_mailbox) == ("12388", "清河市邮政8号信箱")
    client.force_login(world.team_member)
    assert client.get(url).status_code == 403  # a team member is not the leader


def test_the_office_downloads_an_attachment_and_the_read_is_logged(client, world, inspection):
    anonymous = client.post(
        page(inspection), form_data(client, inspection, attachments=SimpleUploadedFile("照片.pdf", PDF))
    )
    assert anonymous.status_code == 200
    attachment = PetitionAttachment.objects.get()
    client.force_login(world.office)
    detail = client.get(f"/petitions/{attachment.petition_id}/").content.decode()
    assert "照片.pdf" in detail
    response = client.get(f"/petition-attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(world.liaison)
    assert client.get(f"/petition-attachments/{attachment.pk}/").status_code == 404


def test_a_signed_in_sender_is_not_recorded(client, world, inspection):
    """Sent from a browser that is signed in, an anonymous petition still names nobody."""
    client.force_login(world.team_member)
    data = form_data(client, inspection, attachments=SimpleUploadedFile("照片.pdf", PDF))
    assert client.post(page(inspection), data).status_code == 200
    petition = Petition.objects.get()
    assert petition.history.get().history_user is None
    assert PetitionAttachment.objects.get().history.get().history_user is None


def test_the_admin_offers_phone_and_mailbox(client, world, inspection):
    from accounts.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.org", "Root-pass-2026!"))
    body = client.get(f"/admin/campaigns/inspection/{inspection.pk}/change/").content.decode()
    assert 'name="public_phone"' in body and 'name="public_mailbox"' in body
    assert 'name="public_token"' not in body
