"""What an uploaded file really is and whether it may be kept: one check for every upload that
a person attaches as proof — evidence of a measure (rectification) and a public petition's
attachments (码上巡察). The type is read from the file's first bytes; the name's extension must
be on the list and say the same (issue 22: a .bat or .html beginning with %PDF- was kept and
downloaded under its own name); a .docx, .xlsx or .ofd must be a well-formed package of its
kind with nothing executable inside (a plain ZIP holding evil.exe, named .docx, was kept)."""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

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


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFD = "application/ofd"
# Extension → (what the first bytes must be, the type stored, its name in a message, the parts
# a package of that kind must hold).
ALLOWED: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    ".pdf": ("application/pdf", "application/pdf", "PDF", ()),
    ".png": ("image/png", "image/png", "PNG 图片", ()),
    ".jpg": ("image/jpeg", "image/jpeg", "JPEG 图片", ()),
    ".jpeg": ("image/jpeg", "image/jpeg", "JPEG 图片", ()),
    ".docx": ("application/zip", DOCX, "Word 文档", ("[Content_Types].xml", "word/document.xml")),
    ".xlsx": ("application/zip", XLSX, "Excel 表格", ("[Content_Types].xml", "xl/workbook.xml")),
    ".ofd": ("application/zip", OFD, "OFD 版式文件", ("OFD.xml",)),
    ".doc": ("application/x-ole-storage", "application/msword", "Word 97-2003 文档", ()),
    ".xls": ("application/x-ole-storage", "application/vnd.ms-excel", "Excel 97-2003 表格", ()),
}
EXTENSIONS = "、".join(ALLOWED)
# Inside a package: programs, scripts and macros by name, and executables by their first bytes.
EXECUTABLE_SUFFIXES = {
    ".exe", ".dll", ".com", ".scr", ".bat", ".cmd", ".msi", ".ps1", ".vbs", ".vbe", ".js", ".jse",
    ".wsf", ".hta", ".jar", ".sh", ".lnk", ".cpl",
}  # fmt: skip
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!")
PACKAGE_MAX_MEMBERS = 5000
PACKAGE_MAX_EXPANSION = 100  # unpacked at most this many times the upload: no ZIP bomb


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
    name = upload.name or "file"
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError({field: f"“{name}”不是允许的文件类型：只能上传 {EXTENSIONS} 文件。"})
    magic, content_type, label, parts = ALLOWED[suffix]
    head = upload.read(8192)
    upload.seek(0)
    if sniff_content_type(head) != magic:
        raise ValidationError({field: f"“{name}”不是允许的文件类型：内容不是扩展名所说的{label}。"})
    if parts:
        _check_package(upload, name, suffix, label, parts, field)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        # The extension on the list, agreeing with the content, as the download's name ends.
        original_name=(name[: len(name) - len(suffix)] + suffix)[-255:],
    )


def _check_package(upload, name: str, suffix: str, label: str, parts: tuple[str, ...], field: str) -> None:
    """A .docx/.xlsx/.ofd: a readable ZIP holding the parts of its kind, nothing executable, no
    macros, not a ZIP bomb. Reads the directory and each member's first bytes only."""

    def refuse(reason: str):
        raise ValidationError({field: f"“{name}”{reason}"})

    try:
        with zipfile.ZipFile(upload) as package:
            members = package.infolist()
            if len(members) > PACKAGE_MAX_MEMBERS:
                refuse(f"包含的文件过多（{len(members)} 个），不像{label}。")
            if sum(m.file_size for m in members) > PACKAGE_MAX_EXPANSION * max(upload.size, 1):
                refuse("解压后过大，不能上传。")
            names = {m.filename for m in members}
            missing = [part for part in parts if part not in names]
            if missing:
                refuse(f"不是完整的{label}（{suffix}）：缺少 {missing[0]}。")
            for member in members:
                path = PurePosixPath(member.filename.lower())
                if path.suffix in EXECUTABLE_SUFFIXES or "vbaproject" in path.name:
                    refuse(f"里含有可执行文件或宏（{member.filename}），不能上传。")
                if member.file_size and not member.is_dir():
                    with package.open(member) as data:
                        if data.read(4).startswith(EXECUTABLE_MAGIC):
                            refuse(f"里含有可执行文件（{member.filename}），不能上传。")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, RuntimeError):
        refuse(f"不是完整的{label}（{suffix}）：文件已损坏。")
    finally:
        upload.seek(0)
