"""PDF through LibreOffice, where it is installed.

Each conversion runs `soffice --headless` in a temporary folder with a profile of its own
(two conversions at once would otherwise fight over one profile's lock) and a time limit.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

MISSING = "本机未安装 LibreOffice，无法生成 PDF；请下载 .docx 文件，用 WPS 或 Word 打开后打印或另存为 PDF。"
FAILED = "LibreOffice 转换 PDF 未成功（{reason}）；请下载 .docx 文件。"


class ConversionError(Exception):
    pass


def soffice() -> str | None:
    return shutil.which(settings.SOFFICE_PATH)


def docx_to_pdf(data: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise ConversionError(MISSING)
    with tempfile.TemporaryDirectory(prefix="xuncha-pdf-") as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(data)
        command = [
            program,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=settings.SOFFICE_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(FAILED.format(reason=f"超过{settings.SOFFICE_TIMEOUT_SECONDS}秒")) from exc
        pdf = Path(tmp) / "document.pdf"
        if result.returncode != 0 or not pdf.is_file():
            raise ConversionError(FAILED.format(reason=f"返回码{result.returncode}"))
        return pdf.read_bytes()
