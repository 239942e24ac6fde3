from django.conf import settings
from django.utils import translation


class CookieLanguageMiddleware:
    """Chinese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and an office PC with
    an English browser would show English dates and labels nobody asked for."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.allowed:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()  # the next request on this thread starts from the default
        response.headers.setdefault("Content-Language", language)
        return response
