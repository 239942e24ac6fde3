"""Signed-in sessions end after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS
after the login, whatever the activity."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import selectors, services
from .sessions import ABSOLUTE


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware. An expired session is logged out
    (which deletes its UserSession row) and the browser goes to the login page with a message
    saying why; an htmx request gets an HX-Redirect header, so the whole page goes there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = selectors.session_expiry(request.session)
            if reason is not None:
                return self.expire(request, reason)
            services.session_seen(request=request)
        return self.get_response(request)

    def expire(self, request, reason: str) -> HttpResponse:
        logout(request)
        if reason == ABSOLUTE:
            message = _("登录已超过%(hours)d小时，请重新登录") % {"hours": settings.SESSION_ABSOLUTE_HOURS}
        else:
            message = _("长时间未操作，已自动退出登录")
        messages.warning(request, message)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(self.htmx_page(request))["Location"]
            return response
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect_to_login(resolve_url(settings.LOGIN_REDIRECT_URL))

    @staticmethod
    def htmx_page(request) -> str:
        """The page the htmx request came from (HX-Current-URL), if it is one of ours."""
        current = request.headers.get("HX-Current-URL", "")
        if current and url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(current)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return resolve_url(settings.LOGIN_REDIRECT_URL)
