"""The transactional outbox (issue 12): a change and the work it owes are one transaction; Redis
and the broker only make the work happen sooner.

Here, in this process, on both databases: a save with Redis unreachable answers as a save does
and leaves its job in the table; the cache down is a miss; a service that fails half-way
leaves nothing, no job either; the relay runs every job once, keeps a failing one for later.
The real worker killed mid-job, and two relays on PostgreSQL, are in test_outbox_worker.py.
"""

import io
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.utils import timezone

from campaigns import services as cs
from findings import services as fs
from findings.models import Problem, ProblemStatus
from outbox import relay
from outbox.models import Job
from rectification import services as rs
from reports import rollup
from reports.imports.engine import run_import
from reports.imports.kinds import KINDS
from reports.imports.template import write_template
from reports.models import ExportJob, InspectionRollup
from tests.reports import scene as sc
from tests.reports.brokers import broker
from tests.world import D, approve, category, draft_problem, on_site
from xuncha import outbox
from xuncha.celery import app

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"  # a closed port: Redis "down", refusing at once
REFRESH = "reports.refresh_rollups"


@pytest.fixture
def redis_down(settings, tasks_to_broker):
    """Both the cache and the broker at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "xuncha.cache.TolerantRedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.FIGURES_CACHE_SECONDS = 300
    with broker(DOWN):
        yield


def rollup_of(inspection) -> dict:
    return InspectionRollup.objects.filter(inspection=inspection).values("problems_found", "petitions").first()


def test_an_edit_with_redis_down_is_saved_answered_302_and_owed_in_the_outbox(
    client, world, redis_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # committed before the user comes
        inspection = on_site(world)
        problem = draft_problem(world, inspection)
    Job.objects.all().delete()
    client.force_login(world.team_member)
    data = {
        "title": "改过的标题",
        "description": "新的表现",
        "category": category("A02").pk,
        "method": "interview",
        "version": problem.version,
    }
    with django_capture_on_commit_callbacks(execute=True):  # the wake-up runs, and fails quietly
        response = client.post(f"/problems/{problem.pk}/edit/", data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/problems/{problem.pk}/"
    problem.refresh_from_db()
    assert (problem.title, problem.version) == ("改过的标题", 2)
    assert list(Job.objects.values_list("task", "args")) == [(REFRESH, [[inspection.pk]])]
    # The page the user is sent to answers too: the cache down is a miss, not an error.
    assert client.get(f"/problems/{problem.pk}/").status_code == 200


def test_with_the_broker_down_a_wake_up_tries_once_without_sleeping_then_pauses(world, redis_down, monkeypatch):
    """A save used to wait 6-12 s in kombu's connection retries while Redis was down (issue 22)."""
    import kombu.connection
    import kombu.utils.functional

    def no_sleep(seconds):
        raise AssertionError(f"a wake-up slept {seconds} s waiting for the broker")

    monkeypatch.setattr(kombu.utils.functional, "sleep", no_sleep)
    attempts = []
    connect = kombu.connection.Connection._connection_factory
    monkeypatch.setattr(
        kombu.connection.Connection, "_connection_factory", lambda self: attempts.append(1) or connect(self)
    )
    outbox.wake()
    assert len(attempts) == 1
    # The next saves do not try again until the pause is over: their jobs wait in the table.
    outbox.wake()
    outbox.wake()
    assert len(attempts) == 1
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)  # the pause is over
    outbox.wake()
    assert len(attempts) == 2


def test_with_redis_down_the_dashboard_answers_uncached_and_says_the_figures_are_behind(
    client, world, redis_down, settings
):
    inspection = on_site(world)
    rollup.refresh([inspection.pk])
    Job.objects.all().delete()
    client.force_login(world.leader)
    response = client.get("/dashboard/", {"term": world.term.pk})
    assert response.status_code == 200
    assert "figures-behind" not in response.content.decode()

    Job.objects.create(task=REFRESH, args=[[inspection.pk]], created_at=timezone.now() - timedelta(minutes=7))
    response = client.get("/dashboard/", {"term": world.term.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "figures-behind" in page and "约 7 分钟" in page and "所有修改均已保存" in page
    assert "数据更新于" in page  # the figures are still shown, honestly dated
    # A refresh owed for less than the notice's threshold is normal work, not news.
    Job.objects.update(created_at=timezone.now() - timedelta(seconds=settings.FIGURES_BEHIND_NOTICE_SECONDS - 30))
    assert "figures-behind" not in client.get("/dashboard/", {"term": world.term.pk}).content.decode()


def test_when_redis_is_back_the_sweep_brings_the_figures_to_a_full_rebuild(
    world, redis_down, django_capture_on_commit_callbacks
):
    inspection = on_site(world)
    rollup.refresh([inspection.pk])
    with django_capture_on_commit_callbacks(execute=True):
        approve(world, draft_problem(world, inspection))
    with django_capture_on_commit_callbacks(execute=True):
        sc.petition(world, inspection)
    assert rollup_of(inspection) == {"problems_found": 0, "petitions": 0}  # nothing ran: Redis is down
    assert Job.objects.filter(task=REFRESH, args=[[inspection.pk]]).exists()

    assert relay.drain() >= 1  # what beat's sweep runs on the worker once Redis answers again
    assert not Job.objects.exists()
    swept = rollup_of(inspection)
    rollup.rebuild()
    assert swept == rollup_of(inspection) == {"problems_found": 1, "petitions": 1}


# --- Half-way failures leave nothing ----------------------------------------------------------


def problems_state(inspection) -> list[tuple]:
    return sorted(Problem.objects.filter(inspection=inspection).values_list("pk", "status", "category_id", "version"))


def history_rows() -> int:
    return Problem.history.count()


def test_a_bulk_change_refused_at_the_30th_of_50_problems_saves_nothing_and_owes_nothing(world):
    inspection = on_site(world)
    problems = fs.problems_draft_many(
        user=world.team_member,
        inspection=inspection,
        drafts=[
            {"title": f"问题{i}", "description": "表现", "category": category("A01"), "method": "interview"}
            for i in range(50)
        ],
    )
    fs.problem_withdraw(user=world.team_leader, problem=problems[29], reason="重复登记")
    before, history = problems_state(inspection), history_rows()
    Job.objects.all().delete()
    with pytest.raises(ValidationError, match="撤销"):
        fs.problems_set_category(user=world.office, problems=problems, category=category("A02"))
    assert problems_state(inspection) == before
    assert history_rows() == history
    assert not Job.objects.exists()


@pytest.fixture
def fault_on(db):
    """A trigger that makes the database refuse one kind of write: a fault half-way through a
    service, in the database itself (no mock)."""
    made = []

    def install(table: str, event: str, when: str = "1 = 1"):
        name = f"fault_{table}_{event.lower()}"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                    f"IF {when} THEN RAISE EXCEPTION 'fault' USING ERRCODE = '23514'; "
                    f"END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {when} "
                    "BEGIN SELECT RAISE(ABORT, 'fault'); END"
                )
        made.append(name)

    return install


def test_feedback_of_50_problems_failing_at_its_last_write_saves_nothing_and_owes_nothing(world, fault_on):
    inspection = on_site(world)
    for i in range(50):
        approve(world, draft_problem(world, inspection, title=f"问题{i}"))
    inspection = cs.inspection_leave(user=world.team_leader, inspection=inspection, on=D(2026, 4, 10))
    before, history = problems_state(inspection), history_rows()
    Job.objects.all().delete()
    # The 50 problems are written first; the inspection's own row, last, is refused.
    fault_on("campaigns_inspection", "UPDATE")
    with pytest.raises(DatabaseError):
        rs.inspection_feed_back(user=world.team_leader, inspection=inspection, feedback_date=D(2026, 5, 10))
    assert problems_state(inspection) == before
    assert not Problem.objects.filter(inspection=inspection, status=ProblemStatus.FED_BACK).exists()
    assert history_rows() == history
    assert not Job.objects.exists()


def test_a_bulk_sign_off_of_50_papers_failing_at_its_history_saves_nothing_and_owes_nothing(world, fault_on):
    inspection = on_site(world)
    papers = []
    for i in range(50):
        paper = fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, inspection, f"问题{i}"))
        papers.append(fs.problem_sign_deputy(user=world.team_deputy, problem=paper))
    before, history = problems_state(inspection), history_rows()
    Job.objects.all().delete()
    # The 50 papers are updated first; their history rows, written after, are refused.
    fault_on("findings_historicalproblem", "INSERT")
    with pytest.raises(DatabaseError):
        fs.problems_sign_off(user=world.team_leader, problems=papers, step="leader")
    assert problems_state(inspection) == before
    assert history_rows() == history
    assert not Job.objects.exists()


def test_an_import_failing_at_its_40th_row_saves_nothing_and_owes_nothing(world, fault_on):
    inspection = on_site(world)
    Job.objects.all().delete()
    fault_on("findings_problem", "INSERT", "NEW.title = '第40行'")
    kind = KINDS["problems"]
    rows = [[None, f"第{i}行", f"第{i}行的具体表现", "A01", "个别谈话", None, None] for i in range(1, 51)]
    buf = io.BytesIO()
    write_template(kind, buf, rows)
    buf.seek(0)
    outcome = run_import(kind, buf, user=world.team_member, inspection=inspection, commit=True)
    assert not outcome.saved
    assert [e.message for e in outcome.errors] == ["导入期间数据被他人同时修改，未保存任何数据，请重新导入。"]
    assert not Problem.objects.filter(inspection=inspection).exists()
    assert not Job.objects.exists()


# --- The relay -----------------------------------------------------------------------------


def test_jobs_of_many_transactions_are_one_recompute_per_inspection(world, monkeypatch):
    first, second = on_site(world), on_site(world, world.village)
    Job.objects.all().delete()
    for ids in ([first.pk], [second.pk], [first.pk, second.pk], [first.pk]):
        Job.objects.create(task=REFRESH, args=[ids], coalesce=True)
    calls = []
    real = rollup.refresh
    monkeypatch.setattr(rollup, "refresh", lambda ids: calls.append(sorted(ids)) or real(ids))
    assert relay.drain() == 4
    assert calls == [sorted([first.pk, second.pk])]
    assert not Job.objects.exists()


def test_a_failing_job_stays_with_its_error_and_waits_before_it_is_tried_again(world):
    inspection = on_site(world)
    Job.objects.all().delete()
    job = Job.objects.create(task="reports.no_such_task", args=[1])
    ok = Job.objects.create(task=REFRESH, args=[[inspection.pk]], coalesce=True)
    assert relay.drain() == 1  # the good one ran, the bad one did not stop it
    assert not Job.objects.filter(pk=ok.pk).exists()
    job.refresh_from_db()
    assert job.attempts == 1 and job.claim == ""
    assert "NotRegistered" in job.last_error
    assert job.locked_until > timezone.now() + timedelta(seconds=50)  # tried again in a minute
    assert relay.drain() == 0


def test_a_job_claimed_by_a_relay_that_died_runs_again_once_its_lease_is_over(world):
    inspection = on_site(world)
    Job.objects.all().delete()
    job = Job.objects.create(task=REFRESH, args=[[inspection.pk]], coalesce=True)
    token, claimed = relay.claim()
    assert [j.pk for j in claimed] == [job.pk]
    # Its worker is gone (kill -9): nothing deletes the row, and nobody takes it meanwhile.
    assert relay.drain() == 0
    lease = timedelta(seconds=relay.lease_seconds())
    assert timezone.now() + lease - timedelta(seconds=10) < claimed[0].locked_until <= timezone.now() + lease
    Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    token_again, again = relay.claim()  # the next sweep
    assert [j.pk for j in again] == [job.pk] and again[0].attempts == 2
    # Had the first relay only been slow, its late finish deletes nothing of the new claim's.
    relay._run_one(token, claimed, REFRESH, [[inspection.pk]])
    assert Job.objects.filter(pk=job.pk, claim=token_again).exists()
    assert relay.run(token_again, again) == 1
    assert not Job.objects.exists()
    assert rollup_of(inspection) == {"problems_found": 0, "petitions": 0}


def test_an_export_left_running_by_a_killed_worker_is_written_when_swept_again(world, client):
    job = ExportJob.objects.create(user=world.office, ledger="problems", params={}, total=1)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, written=7, attempts=1)
    client.force_login(world.office)
    running = client.get(f"/exports/jobs/{job.pk}/").content.decode()
    assert "如后台进程中断，系统会在两分钟内自动重新开始" in running and "自动重新开始（第" not in running
    Job.objects.all().delete()
    Job.objects.create(task="reports.run_export", args=[job.pk])
    assert relay.drain() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file and job.attempts == 2
    done = client.get(f"/exports/jobs/{job.pk}/").content.decode()
    started = timezone.localtime(job.started_at).strftime("%H:%M")
    assert f"上一次生成时后台进程中断，系统已于 {started} 自动重新开始（第 2 次），无需重新导出。" in done
    assert "下载" in done and "两分钟内" not in done


def test_beat_sweeps_the_outbox_and_the_relay_is_a_registered_task(settings):
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]
    assert sweep == {"task": "outbox.drain", "schedule": 30}
    task = app.tasks["outbox.drain"]
    # Long enough for an export among the jobs it runs.
    assert task.soft_time_limit < task.time_limit
    # A killed worker's jobs run again within two minutes: one lease (renewed while its relay
    # lives, tests/reports/test_outbox_worker.py) and one sweep.
    assert relay.lease_seconds() + sweep["schedule"] == 60 + 30 <= 120
    # A relay renews a claim no longer than its drain may run: a hung one's jobs come back too.
    assert relay.longest_hold_seconds() == task.time_limit + 30


def test_a_relay_renews_the_lease_of_its_claim_while_it_runs_and_stops_after(settings, transactional_db):
    """The renewal is a thread with its own connection, so the claim must be committed: a
    transactional test, on the suite's database (SQLite's in WAL mode lets the two meet)."""
    settings.OUTBOX_LEASE_SECONDS = 1.5
    job = Job.objects.create(task=REFRESH, args=[[]], coalesce=True)
    token, _claimed = relay.claim()
    first = Job.objects.get(pk=job.pk).locked_until
    with relay.held(token):
        deadline = time.monotonic() + 20
        while (renewed := Job.objects.get(pk=job.pk).locked_until) == first:
            assert time.monotonic() < deadline, "the lease was not renewed within 20 s"
            time.sleep(0.1)
    assert renewed > first
    assert not [t for t in threading.enumerate() if t.name == f"outbox-lease-{token[:8]}"]  # joined
