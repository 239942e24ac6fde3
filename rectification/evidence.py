"""What an uploaded evidence file really is, read from its first bytes, never from its name."""

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
