"""`/healthz`: 200 with the database's and broker's state and the outbox's backlog when healthy,
503 when not."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from outbox.models import Job

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_it_is_healthy_on_the_running_configuration(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == ("ok" if settings.CELERY_BROKER_URL else "in-process")


def test_it_names_the_transport_plain_http_only_when_chosen(client, settings):
    """Plain HTTP in production is the operator's explicit PLAIN_HTTP=true, and /healthz says so."""
    settings.SECURE_SSL, settings.PLAIN_HTTP = True, False
    assert client.get("/healthz", secure=True).json()["transport"] == "https"
    settings.SECURE_SSL, settings.PLAIN_HTTP = False, True
    assert client.get("/healthz").json()["transport"] == "plain-http (PLAIN_HTTP=true)"


def test_it_needs_no_login(client):
    assert client.get("/healthz").status_code == 200


def test_it_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def _healthz_in_subprocess(**env) -> tuple[int, dict]:
    """Ask /healthz in a fresh process whose settings point at something that is not there."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code); print(r.content.decode())"
    )
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "xuncha.settings", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    status, body = out.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


def test_it_answers_503_when_the_broker_is_unreachable():
    status, body = _healthz_in_subprocess(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    assert status == 503
    assert body["broker"].startswith("error")


def test_it_answers_503_when_the_database_is_unreachable():
    status, body = _healthz_in_subprocess(DATABASE_URL="postgres://nobody@127.0.0.1:1/none", CELERY_BROKER_URL="")
    assert status == 503
    assert body["database"].startswith("error")


def test_it_reports_the_outbox_backlog_and_the_age_of_its_oldest_job(client):
    assert client.get("/healthz").json()["outbox"] == {"jobs": 0, "oldest_seconds": 0.0}
    now = timezone.now()
    Job.objects.create(task="reports.refresh_rollups", args=[[1]], created_at=now - timedelta(minutes=10))
    Job.objects.create(task="reports.run_export", args=[7], created_at=now - timedelta(minutes=2))
    response = client.get("/healthz")
    assert response.status_code == 200  # behind is not down: the relay catches up by itself
    outbox = response.json()["outbox"]
    assert outbox["jobs"] == 2
    assert 600 <= outbox["oldest_seconds"] < 660
