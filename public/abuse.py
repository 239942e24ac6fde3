"""What keeps the public form usable for people and costly for scripts: rate limits counted in
the shared cache, an arithmetic question signed with SECRET_KEY, and a honeypot field.

The counters live in Django's cache (Redis in production, shared by every web process). The
cache down is a miss there (xuncha.cache): then nothing is counted and nobody is refused — the
form stays open rather than closing for everyone; the question and the honeypot still hold."""

import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from accounts.network import client_ip

_CAPTCHA_SALT = "public.captcha"
HONEYPOT_FIELD = "website"


def _count(key: str, window: int) -> int | None:
    """One more hit in this window's bucket; None when the cache did not answer."""
    bucket = f"public:rate:{key}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window * 2)
    try:
        return cache.incr(bucket)
    except ValueError:  # the bucket vanished between add and incr (evicted, or no cache)
        return None


def rate_limited(request, scope: str, *, per_address: int, overall: int | None = None) -> bool:
    """Count this request and say whether it is over a limit, per client address and for all."""
    window = settings.PUBLIC_RATE_WINDOW_SECONDS
    address = client_ip(request) or "unknown"
    hits = _count(f"{scope}:addr:{address}", window)
    if hits is not None and hits > per_address:
        return True
    if overall is not None:
        hits = _count(f"{scope}:all", window)
        if hits is not None and hits > overall:
            return True
    return False


def new_captcha() -> tuple[int, int, str]:
    """Two small numbers to add, and the signed, timestamped token that carries them."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return a, b, signing.dumps([a, b], salt=_CAPTCHA_SALT)


class CaptchaError(Exception):
    pass


def check_captcha(token: str, answer: str) -> None:
    try:
        a, b = signing.loads(token or "", salt=_CAPTCHA_SALT, max_age=settings.PUBLIC_CAPTCHA_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise CaptchaError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise CaptchaError("bad") from None
    if (answer or "").strip() != str(a + b):
        raise CaptchaError("wrong")
