"""What an uploaded file really is and whether it may be kept: one check for every upload that
a person attaches as proof — evidence of a measure (rectification) and a public petition's
attachments (码上巡察). The type is read from the file's first bytes, never from its name."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

# (magic prefix, content type). ZIP covers .docx/.xlsx/.ofd; OLE covers legacy .doc/.xls.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
]


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    original_name: str


def check_upload(upload: UploadedFile, *, field: str = "files") -> CheckedUpload:
    """Refuse a file over UPLOAD_MAX_BYTES, an empty one, or one whose content is not an allowed
    type, with a Chinese message on `field`; else what it is (the file is rewound)."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES).replace("\xa0", " ")
        raise ValidationError({field: f"“{upload.name}”超过{limit}的大小限制。"})
    if upload.size == 0:
        raise ValidationError({field: f"“{upload.name}”是空文件。"})
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError({field: f"“{upload.name}”不是允许的文件类型（PDF、图片、Word、Excel、OFD）。"})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        original_name=(upload.name or "file")[-255:],
    )
