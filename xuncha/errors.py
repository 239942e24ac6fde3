"""The site's own error pages, in Chinese and in its layout: a bad request (an over-size one says
so), a refused form (CSRF), a server error. 403 and 404 are templates Django's defaults render."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _anonymous_if_unknown(request) -> None:
    """A request refused by a middleware before the session was read has no user yet; the
    layout (the menu) asks for one."""
    if not hasattr(request, "user"):
        request.user = AnonymousUser()


def bad_request(request, exception=None):
    _anonymous_if_unknown(request)
    if isinstance(exception, RequestDataTooBig):
        megabytes = max(1, settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024))
        reason = _(
            "提交的文字超过了允许的大小（约%(mb)s MB），未能保存。请缩短后重新提交：返回上一页，您填写的内容仍在。"
        ) % {"mb": megabytes}
    elif isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        reason = _("一次提交的栏目或文件过多，未能保存。请分几次提交。")
    else:
        reason = _("请求的格式不正确或地址不被接受，未能处理。请返回上一页重试。")
    return render(request, "400.html", {"reason": reason}, status=400)


def csrf_failure(request, reason=""):
    """Django's CSRF refusal is an English page: this one says what to do."""
    _anonymous_if_unknown(request)
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """Rendered without a request context: the fault may lie in a context processor or in the
    database they read, so the page needs neither (a plain template, static files only)."""
    return HttpResponseServerError(loader.get_template("500.html").render())
