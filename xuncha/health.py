"""`GET /healthz`: the database's and the broker's state, 200 when healthy, 503 when not, and
the outbox's backlog (jobs waiting, age of the oldest in seconds): a backlog is reported, not
an error — the relay catches up by itself once the broker is back."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .outbox import backlog


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; say which
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    from xuncha.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many transport-specific errors
        return f"error: {exc.__class__.__name__}"
    return "ok"


@require_GET
def healthz(request):
    checks = {"database": database_state(), "broker": broker_state()}
    healthy = all(state in ("ok", "in-process") for state in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        **checks,
        "outbox": outbox_state() if checks["database"] == "ok" else None,
        # Plain HTTP is an operator's explicit choice (PLAIN_HTTP=true); say it where it is checked.
        "transport": "https"
        if settings.SECURE_SSL
        else ("plain-http (PLAIN_HTTP=true)" if settings.PLAIN_HTTP else "http (DEBUG)"),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def outbox_state() -> dict | str:
    try:
        return backlog()
    except Exception as exc:  # noqa: BLE001 - a table not migrated yet must not break the probe
        return f"error: {exc.__class__.__name__}"
