"""A small browser for the stack's smoke test and load test: cookies, the CSRF token of a form,
redirects reported instead of followed. The standard library only, so that neither check needs
a package the app does not have."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then raises HTTPError(302), which `request` turns into a Response


class WebClient:
    def __init__(self, base_url: str, timeout: float = 120):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        url = self.base_url + urllib.parse.quote(path, safe="/?=&%:+")  # Chinese in a query string
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, method=method, headers={"Referer": url})
        started = time.perf_counter()
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                status, headers, payload = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            status, headers, payload = exc.code, exc.headers, exc.read()
        return Response(status, headers, payload, time.perf_counter() - started)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict, page: Response) -> Response:
        """POST a form read from `page`, with the CSRF token that page carries."""
        match = CSRF_FIELD.search(page.text)
        if match is None:
            raise RuntimeError(f"no CSRF token in the form of {path} (HTTP {page.status})")
        return self.request("POST", path, {"csrfmiddlewaretoken": match.group(1), **data})

    def login(self, username: str, password: str) -> Response:
        """The login form as a person fills it in: GET it, POST it; 302 when signed in."""
        page = self.get("/login/")
        return self.post("/login/", {"username": username, "password": password, "next": ""}, page)
