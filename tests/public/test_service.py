"""petition_submit_public and public_petition_status (findings.services.petitions)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns import services as cs
from findings import services as fs
from findings.models import Petition, PetitionAttachment, PetitionChannel, PetitionHandling, ProblemCategory
from outbox.models import Job
from reports.models import InspectionRollup
from tests.world import D, create_inspection, on_site

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%petition\n"


def submit(inspection, **kw):
    fields = {
        "channel": PetitionChannel.QR_CODE,
        "subject": "青石镇某站所",
        "content": "办事要求送礼，反映多次无人处理",
        "is_anonymous": True,
    }
    fields.update(kw)
    return fs.petition_submit_public(inspection=inspection, **fields)


def test_it_creates_a_numbered_petition_of_the_inspection(world):
    inspection = on_site(world)
    fs.petition_register(
        user=world.team_member,
        inspection=inspection,
        channel=PetitionChannel.LETTER,
        received_on=D(2026, 3, 12),
        subject="村主任",
        content="来信",
        is_anonymous=True,
    )
    top = ProblemCategory.objects.get(code="A")
    petition, code = submit(inspection, category=top, name="王五", is_anonymous=False, contact="13800000000")
    petition.refresh_from_db()
    assert petition.inspection == inspection
    assert petition.number == 2
    assert petition.channel == PetitionChannel.QR_CODE
    assert petition.received_on == timezone.localdate()
    assert (petition.category, petition.petitioner, petition.contact) == (top, "王五", "13800000000")
    assert petition.handling == PetitionHandling.PENDING
    assert len(petition.receipt_number) == fs.petitions.RECEIPT_DIGITS
    assert len(code) == fs.petitions.QUERY_CODE_LENGTH


@pytest.mark.django_db(transaction=True)
def test_it_keeps_history_without_a_user_and_refreshes_the_figures(world, tasks_in_process):
    inspection = on_site(world)
    petition, _code = submit(inspection)
    row = petition.history.get()
    assert row.history_user is None
    assert row.history_change_reason == "码上巡察"
    # The outbox job was written with the petition and ran after the commit (in-process here).
    assert not Job.objects.exists()
    assert InspectionRollup.objects.get(inspection_id=inspection.pk).petitions == 1


def test_the_query_code_is_stored_only_as_an_hmac(world):
    petition, code = submit(on_site(world))
    stored = Petition.objects.values_list("query_code_hash", flat=True).get(pk=petition.pk)
    assert code not in stored
    assert stored == fs.petitions.query_code_digest(petition.receipt_number, code)
    assert len(stored) == 64
    history = petition.history.values_list("query_code_hash", flat=True).get()
    assert code not in history


def test_the_query_answers_received_then_accepted(world):
    petition, code = submit(on_site(world))
    assert fs.public_petition_status(receipt_number=petition.receipt_number, query_code=code) == "received"
    # The code is typed by hand: case and spaces around it do not matter.
    assert (
        fs.public_petition_status(receipt_number=petition.receipt_number, query_code=f" {code.lower()} ") == "received"
    )
    Petition.objects.filter(pk=petition.pk).update(handling=PetitionHandling.FILED)
    assert fs.public_petition_status(receipt_number=petition.receipt_number, query_code=code) == "accepted"


def test_the_query_refuses_a_wrong_code_an_unknown_number_and_blanks(world):
    petition, code = submit(on_site(world))
    wrong = ("A" if code[0] != "A" else "B") + code[1:]
    assert fs.public_petition_status(receipt_number=petition.receipt_number, query_code=wrong) is None
    assert fs.public_petition_status(receipt_number="000000000000", query_code=code) is None
    assert fs.public_petition_status(receipt_number="", query_code="") is None


def test_attachments_are_checked_like_evidence_and_kept(world, settings):
    petition, _code = submit(on_site(world), attachments=[SimpleUploadedFile("照片.pdf", PDF)])
    attachment = PetitionAttachment.objects.get(petition=petition)
    assert (attachment.content_type, attachment.size, attachment.original_name) == (
        "application/pdf",
        len(PDF),
        "照片.pdf",
    )
    assert attachment.file.name.startswith("petitions/") and "照片" not in attachment.file.name


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00"), "不是允许的文件类型"),
        (SimpleUploadedFile("a.pdf", b""), "是空文件"),
        (SimpleUploadedFile("big.pdf", PDF + b"x" * 2048), "大小限制"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_saved(world, settings, upload, message):
    settings.UPLOAD_MAX_BYTES = 1024
    inspection = on_site(world)
    with pytest.raises(ValidationError) as exc:
        submit(inspection, attachments=[upload])
    assert message in exc.value.message_dict["attachments"][0]
    assert not Petition.objects.exists()


def test_too_many_attachments_are_refused(world):
    files = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(fs.PUBLIC_ATTACHMENTS_MAX + 1)]
    with pytest.raises(ValidationError) as exc:
        submit(on_site(world), attachments=files)
    assert "附件最多" in exc.value.message_dict["attachments"][0]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"content": "   "}, "content", "请填写反映的问题。"),
        ({"content": "字" * (fs.PUBLIC_CONTENT_MAX + 1)}, "content", "不能超过"),
        ({"subject": ""}, "subject", "请填写反映的单位或个人。"),
        ({"is_anonymous": False, "name": " "}, "name", "请填写姓名，或勾选匿名。"),
    ],
)
def test_bad_fields_are_refused_with_a_chinese_message(world, fields, field, message):
    with pytest.raises(ValidationError) as exc:
        submit(on_site(world), **fields)
    assert message in exc.value.message_dict[field][0]


def test_it_is_refused_before_and_after_the_period_on_site(world):
    planned = create_inspection(world)
    with pytest.raises(ValidationError, match="尚未进驻"):
        submit(planned)
    left = cs.inspection_leave(
        user=world.team_leader,
        inspection=cs.inspection_enter(user=world.team_leader, inspection=planned, on=D(2026, 3, 10)),
        on=D(2026, 4, 1),
    )
    with pytest.raises(ValidationError, match="受理已截止"):
        submit(left)
    assert not Petition.objects.exists()


def test_a_sub_category_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        submit(on_site(world), category=ProblemCategory.objects.get(code="A01"))
    assert "category" in exc.value.message_dict


def test_every_inspection_has_its_own_unguessable_token(world):
    a = on_site(world)
    b = on_site(world, world.village_b)
    assert a.public_token != b.public_token
    assert len(a.public_token) >= 22
