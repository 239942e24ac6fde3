"""The QR code printed on an inspection's announcement: the public page's address, drawn
offline by segno. The code holds nothing but that address."""

import io

import segno
from django.conf import settings
from django.urls import reverse

from campaigns.models import Inspection


def public_url(inspection: Inspection, *, via_qr: bool = False) -> str:
    url = settings.PUBLIC_BASE_URL + reverse("public:petition_page", args=[inspection.public_token])
    return url + "?via=qr" if via_qr else url


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    # Error correction M and 10 px modules: about 4 cm wide at 300 dpi, readable from a poster.
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=10, border=4, xmldecl=True)
    return out.getvalue()
