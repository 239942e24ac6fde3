"""码上巡察: the public page of an inspection on site, its QR code, and the receipt query.

No login. Nothing of a submission is shown back once it is saved: the receipt page carries
only the receipt number and the query code, and the query answers only received / accepted."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from campaigns.models import Inspection
from findings import services as fs
from findings.models import PetitionChannel
from xuncha.forms import apply_errors

from . import abuse, qr
from .forms import PetitionQueryForm, PublicPetitionForm


def _inspection(token: str) -> Inspection:
    """A live inspection by its public token, with what its announcement shows (one query);
    an unknown token and a withdrawn inspection are both 404."""
    inspection = (
        Inspection.objects.live().select_related("team", "round", "organization").filter(public_token=token).first()
    )
    if inspection is None:
        raise Http404
    return inspection


def _render_form(request, inspection, form, *, status: int, error: str = "", closed: str = ""):
    # A fresh question every time (the template writes the question's token and leaves the answer
    # and the honeypot empty); everything else the person typed is shown again as typed.
    a, b, token = abuse.new_captcha()
    via = form.data.get("via", "") if form.is_bound else request.GET.get("via", "")
    return render(
        request,
        "public/petition_page.html",
        {
            "inspection": inspection,
            "form": form,
            "captcha": {"a": a, "b": b, "token": token},
            "via": "qr" if via == "qr" else "",
            "error": error,
            "closed": closed,
            "attachments_max": fs.PUBLIC_ATTACHMENTS_MAX,
            "upload_max": settings.UPLOAD_MAX_BYTES,
        },
        status=status,
    )


def _closed_message(inspection) -> str:
    try:
        fs.public_petition_open_check(inspection=inspection)
    except ValidationError as exc:
        return exc.messages[0]
    return ""


@never_cache
@require_http_methods(["GET", "POST"])
def petition_page(request, token):
    inspection = _inspection(token)
    closed = _closed_message(inspection)
    if request.method == "GET":
        return _render_form(request, inspection, PublicPetitionForm(), status=410 if closed else 200, closed=closed)
    form = PublicPetitionForm(request.POST)
    form.is_valid()  # the fields accept anything: this only fills cleaned_data
    if closed:
        return _render_form(request, inspection, form, status=410, closed=closed)
    if abuse.rate_limited(
        request, "submit", per_address=settings.PUBLIC_RATE_PER_ADDRESS, overall=settings.PUBLIC_RATE_GLOBAL
    ):
        minutes = max(1, settings.PUBLIC_RATE_WINDOW_SECONDS // 60)
        error = _("提交过于频繁，请%(minutes)s分钟后再试。您填写的内容已保留在下方。") % {"minutes": minutes}
        response = _render_form(request, inspection, form, status=429, error=error)
        response["Retry-After"] = str(settings.PUBLIC_RATE_WINDOW_SECONDS)
        return response
    if form.cleaned_data.get(abuse.HONEYPOT_FIELD):
        error = _("“网址”一栏应当留空（它用于识别自动程序），请清空后重新提交。")
        return _render_form(request, inspection, form, status=400, error=error)
    try:
        abuse.check_captcha(form.cleaned_data["captcha_token"], form.cleaned_data["captcha_answer"])
    except abuse.CaptchaError as exc:
        form.add_error(
            "captcha_answer",
            _("验证题已过期，请回答新的验证题。") if str(exc) == "expired" else _("验证题答案不正确，请重新计算。"),
        )
        return _render_form(request, inspection, form, status=400, error=_("请改正下面标出的内容后重新提交。"))
    data = form.cleaned_data
    try:
        petition, query_code = fs.petition_submit_public(
            inspection=inspection,
            channel=PetitionChannel.QR_CODE if data["via"] == "qr" else PetitionChannel.ONLINE,
            category=data["category"],
            subject=data["subject"],
            content=data["content"],
            name=data["name"],
            contact=data["contact"],
            is_anonymous=data["is_anonymous"],
            attachments=request.FILES.getlist("attachments"),
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        closed = _closed_message(inspection)
        return _render_form(
            request,
            inspection,
            form,
            status=410 if closed else 400,
            closed=closed,
            error="" if closed else _("请改正下面标出的内容后重新提交。"),
        )
    return render(
        request,
        "public/receipt.html",
        {"inspection": inspection, "receipt_number": petition.receipt_number, "query_code": query_code},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def petition_query(request):
    if request.method == "GET":
        return render(request, "public/query.html", {"form": PetitionQueryForm()})
    form = PetitionQueryForm(request.POST)
    form.is_valid()
    if abuse.rate_limited(request, "query", per_address=settings.PUBLIC_QUERY_RATE_PER_ADDRESS):
        minutes = max(1, settings.PUBLIC_RATE_WINDOW_SECONDS // 60)
        error = _("查询过于频繁，请%(minutes)s分钟后再试。") % {"minutes": minutes}
        response = render(request, "public/query.html", {"form": form, "error": error}, status=429)
        response["Retry-After"] = str(settings.PUBLIC_RATE_WINDOW_SECONDS)
        return response
    status = fs.public_petition_status(
        receipt_number=form.cleaned_data["receipt_number"], query_code=form.cleaned_data["query_code"]
    )
    if status is None:
        error = _("回执号或查询码不正确，请核对后重新输入。")
        return render(request, "public/query.html", {"form": form, "error": error}, status=400)
    return render(request, "public/query.html", {"form": PetitionQueryForm(), "status": status})


def _qr_response(request, token: str, kind: str) -> HttpResponse:
    # The image holds only the public address, which the token already is: no login. It is
    # drawn for any live inspection (the announcement is printed before the team arrives).
    inspection = _inspection(token)
    url = qr.public_url(inspection, via_qr=True)
    body, content_type = (qr.qr_png(url), "image/png") if kind == "png" else (qr.qr_svg(url), "image/svg+xml")
    response = HttpResponse(body, content_type=content_type)
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="xuncha-{inspection.pk}.{kind}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_http_methods(["GET"])
def qr_png(request, token):
    return _qr_response(request, token, "png")


@require_http_methods(["GET"])
def qr_svg(request, token):
    return _qr_response(request, token, "svg")


@require_http_methods(["GET"])
def announcement_print(request, token):
    """The announcement on one A4 sheet with the QR code, to print and post at the unit. Public
    like the QR images: it shows what the posted sheet shows anyway."""
    inspection = _inspection(token)
    return render(
        request,
        "public/announcement_print.html",
        {"inspection": inspection, "public_url": qr.public_url(inspection)},
    )
