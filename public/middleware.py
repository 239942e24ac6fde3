from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


class PublicRequestLimitMiddleware:
    """Refuses a public request whose body is larger than PUBLIC_REQUEST_MAX_BYTES before anything
    (CSRF, the form) reads it: the public page is open to anyone, its uploads must not fill disks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/public/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.PUBLIC_REQUEST_MAX_BYTES:
                # Rendered without the request: this runs before authentication, which the
                # context processors need, and the page needs nothing of the request.
                response = HttpResponse(render_to_string("public/too_large.html"), status=413)
                response["Connection"] = "close"
                return response
        return self.get_response(request)
