import os

# The ledger writer (xuncha/xlsx.py) writes body rows as text into openpyxl's own streaming XML
# writer; with lxml installed (python-docx brings it) openpyxl would switch to lxml's writer,
# which has no raw-text path. Set before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
