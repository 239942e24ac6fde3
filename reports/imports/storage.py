"""An upload kept between its preview and its confirmation.

The file waits under MEDIA_ROOT/imports/ with a random name; the page carries a signed token
naming it and its owner, so any web worker can confirm it and nothing is kept in a session.
Confirming claims the file by renaming it (atomic on one filesystem), so a double click
imports once. Files never confirmed are swept away on later uploads.
"""

import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core import signing

SALT = "reports.imports.upload"
TOKEN_MAX_AGE = 60 * 60  # an hour to read the preview and confirm
NAME = re.compile(r"^[0-9a-f]{32}\.xlsx$")


class Expired(Exception):
    """The token is forged, stale, someone else's, or its file was already imported."""


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(upload) -> Path:
    sweep()
    path = folder() / f"{secrets.token_hex(16)}.xlsx"
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


def token_for(path: Path, *, user_id: int, kind: str, inspection_id: int | None) -> str:
    return signing.dumps({"f": path.name, "u": user_id, "k": kind, "i": inspection_id}, salt=SALT)


def claim(token: str, *, user_id: int, kind: str) -> tuple[Path, int | None]:
    """The stored file, renamed so that no second confirmation finds it, and the inspection."""
    try:
        data = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise Expired("确认已过期或无效，请重新上传文件。") from None
    if data.get("u") != user_id or data.get("k") != kind or not NAME.match(str(data.get("f", ""))):
        raise Expired("确认已过期或无效，请重新上传文件。")
    path = folder() / data["f"]
    claimed = path.with_suffix(".claimed")
    try:
        os.rename(path, claimed)
    except FileNotFoundError:
        raise Expired("该文件已经导入过，或已过期，请重新上传。") from None
    return claimed, data.get("i")


def sweep() -> None:
    cutoff = time.time() - 2 * TOKEN_MAX_AGE
    for path in folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass  # another worker swept it first
