"""Writes for petitions (信访件): registering one while the team is on site, withdrawing it, and
receiving one from the public page (码上巡察) with its receipt and query code."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User
from campaigns.models import Inspection, InspectionStatus, TeamRole
from campaigns.services import require_team_or_manager
from xuncha.records import next_number, record_save, record_withdraw, require_live
from xuncha.uploads import CheckedUpload, check_upload

from ..models import Petition, PetitionAttachment, PetitionChannel, PetitionHandling, ProblemCategory
from ._common import _locked_inspection

# --- Petitions -----------------------------------------------------------------------------


def petition_register_check(*, user: User, inspection: Inspection) -> None:
    require_team_or_manager(user, inspection)
    require_live(inspection)
    if inspection.status != InspectionStatus.ON_SITE:
        raise ValidationError(f"巡察当前状态为“{inspection.get_status_display()}”，只有进驻期间才能受理信访。")


@transaction.atomic
def petition_register(
    *,
    user: User,
    inspection: Inspection,
    channel: str,
    received_on: datetime.date,
    subject: str,
    content: str,
    petitioner: str = "",
    is_anonymous: bool = False,
) -> Petition:
    inspection = _locked_inspection(inspection)
    petition_register_check(user=user, inspection=inspection)
    if received_on < inspection.onsite_start:
        raise ValidationError({"received_on": f"受理日期不能早于进驻日期{inspection.onsite_start}。"})
    if not is_anonymous and not petitioner.strip():
        raise ValidationError({"petitioner": "请填写信访人姓名，或勾选匿名。"})
    petition = Petition(
        inspection=inspection,
        number=next_number(inspection.petitions.all()),
        channel=channel,
        received_on=received_on,
        subject=subject,
        content=content,
        petitioner="" if is_anonymous else petitioner.strip(),
        is_anonymous=is_anonymous,
    )
    record_save(petition, user=user)
    return petition


def petition_withdraw_check(*, user: User, petition: Petition) -> None:
    require_team_or_manager(user, petition.inspection, TeamRole.LEADER)
    require_live(petition)


@transaction.atomic
def petition_withdraw(*, user: User, petition: Petition, reason: str) -> Petition:
    petition_withdraw_check(user=user, petition=petition)
    return record_withdraw(record=petition, user=user, reason=reason)


# --- Public petitions (码上巡察) ---------------------------------------------------------------

PUBLIC_CHANNELS = (PetitionChannel.QR_CODE, PetitionChannel.ONLINE)
PUBLIC_CONTENT_MAX = 5000
PUBLIC_SUBJECT_MAX = 200
PUBLIC_ATTACHMENTS_MAX = 3
# No 0/O, 1/I/L: the code is copied by hand from a phone screen.
QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 10  # ~49 bits: a random code, so a keyed hash (not a slow password hash) suffices
RECEIPT_DIGITS = 12
_QUERY_CODE_SALT = "findings.public_petition.query_code"


class PublicStatus:
    RECEIVED = "received"  # 已收到
    ACCEPTED = "accepted"  # 已受理: the team has decided how to handle it


def public_petition_open_check(*, inspection: Inspection) -> None:
    """The public channel is open exactly while the inspection is on site (进驻中), the period
    in which the team receives petitions at all (petition_register_check)."""
    require_live(inspection)
    if inspection.status == InspectionStatus.PLANNED:
        raise ValidationError("本次巡察尚未进驻，暂不受理信访举报。")
    if inspection.status != InspectionStatus.ON_SITE:
        raise ValidationError("巡察组进驻已结束，本次巡察的信访举报受理已截止。")


def query_code_digest(receipt_number: str, query_code: str) -> str:
    """What is stored instead of the query code: an HMAC keyed with SECRET_KEY."""
    return salted_hmac(
        _QUERY_CODE_SALT, f"{receipt_number}:{query_code.strip().upper()}", algorithm="sha256"
    ).hexdigest()


def _new_receipt_number() -> str:
    while True:
        number = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
        if not Petition.objects.filter(receipt_number=number).exists():
            return number


def _public_fields_check(
    *, subject: str, content: str, name: str, contact: str, is_anonymous: bool, attachments
) -> list[CheckedUpload]:
    errors: dict[str, str] = {}
    if not content:
        errors["content"] = "请填写反映的问题。"
    elif len(content) > PUBLIC_CONTENT_MAX:
        errors["content"] = f"反映内容不能超过{PUBLIC_CONTENT_MAX}字（现为{len(content)}字），请精简或分次提交。"
    if not subject:
        errors["subject"] = "请填写反映的单位或个人。"
    elif len(subject) > PUBLIC_SUBJECT_MAX:
        errors["subject"] = f"反映对象不能超过{PUBLIC_SUBJECT_MAX}字。"
    if not is_anonymous and not name:
        errors["name"] = "请填写姓名，或勾选匿名。"
    elif len(name) > 100:
        errors["name"] = "姓名不能超过100字。"
    if len(contact) > 100:
        errors["contact"] = "联系方式不能超过100字。"
    if len(attachments) > PUBLIC_ATTACHMENTS_MAX:
        errors["attachments"] = f"附件最多{PUBLIC_ATTACHMENTS_MAX}个（现为{len(attachments)}个）。"
    if errors:
        raise ValidationError(errors)
    return [check_upload(upload, field="attachments") for upload in attachments]


@transaction.atomic
def petition_submit_public(
    *,
    inspection: Inspection,
    channel: str,
    subject: str,
    content: str,
    category: ProblemCategory | None = None,
    name: str = "",
    contact: str = "",
    is_anonymous: bool = False,
    attachments: list[UploadedFile] = (),
) -> tuple[Petition, str]:
    """A petition from the public page: numbered in the inspection like any other, kept in the
    history with no user (码上巡察), counted in the figures. Returns it and its query code, which
    exists only in this return value: the record keeps its HMAC."""
    if channel not in PUBLIC_CHANNELS:
        raise ValidationError("来源渠道有误。")
    if category is not None and (category.parent_id is not None or not category.is_active):
        raise ValidationError({"category": "请选择列出的问题类别。"})
    name, contact, subject, content = name.strip(), contact.strip(), subject.strip(), content.strip()
    checked = _public_fields_check(
        subject=subject, content=content, name=name, contact=contact, is_anonymous=is_anonymous, attachments=attachments
    )
    inspection = _locked_inspection(inspection)
    public_petition_open_check(inspection=inspection)
    receipt_number = _new_receipt_number()
    query_code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(QUERY_CODE_LENGTH))
    petition = Petition(
        inspection=inspection,
        number=next_number(inspection.petitions.all()),
        channel=channel,
        received_on=timezone.localdate(),
        subject=subject,
        content=content,
        category=category,
        petitioner="" if is_anonymous else name,
        is_anonymous=is_anonymous,
        contact=contact,
        receipt_number=receipt_number,
        query_code_hash=query_code_digest(receipt_number, query_code),
    )
    record_save(petition, user=None, reason="码上巡察")
    for upload, info in zip(attachments, checked, strict=True):
        attachment = PetitionAttachment(
            petition=petition,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
        attachment.file.save("attachment", upload, save=False)
        # No user, explicitly: else the history would take a signed-in browser's user from the
        # request, and an anonymous petition would name whoever sent it.
        attachment._history_user = None
        attachment.save()
    return petition, query_code


def public_petition_status(*, receipt_number: str, query_code: str) -> str | None:
    """Received or accepted, for the right receipt number and query code; None otherwise
    (a wrong code and an unknown number are the same answer)."""
    receipt_number, query_code = receipt_number.strip(), query_code.strip()
    if not receipt_number or not query_code:
        return None
    row = Petition.objects.filter(receipt_number=receipt_number).values("query_code_hash", "handling").first()
    if row is None or not constant_time_compare(row["query_code_hash"], query_code_digest(receipt_number, query_code)):
        return None
    return PublicStatus.RECEIVED if row["handling"] == PetitionHandling.PENDING else PublicStatus.ACCEPTED
