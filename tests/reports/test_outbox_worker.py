"""The outbox against real services (issue 12): a Celery worker started as its own process on
the live test database, `kill -9` mid-refresh and mid-export, Redis stopped and started under a
save, and two relays draining one outbox.

PostgreSQL and Redis only — in CI, the second `make test` run: the worker is another process and
needs a database it can share (SQLite's test database is in memory) and a Redis broker. Nothing
here stops the shared Redis: the "Redis down" test starts a throw-away redis-server of its own.
"""

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from outbox import relay
from outbox.models import Job
from reports import exports, rollup
from reports.ledgers import LEDGERS
from reports.models import ExportJob, InspectionRollup
from tests.reports import brokers
from tests.reports import scene as sc
from tests.reports.brokers import broker, forget_connections
from tests.world import approve, category, draft_problem, on_site
from xuncha.celery import app

BROKER = os.environ.get("CELERY_BROKER_URL", "")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not BROKER.startswith("redis://"),
        reason="a worker process needs PostgreSQL and Redis (CI's second run)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 40
FIELDS = ["problems_found", "problems_fed_back", "petitions", "clues_discipline", "measures"]


def database_url() -> str:
    d = connection.settings_dict
    return f"postgres://{d['USER']}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


class Worker:
    """`celery -A xuncha worker --beat` in its own process group, logging to a file."""

    def __init__(self, tmp_path: Path, broker: str, name: str):
        self.log = tmp_path / f"{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "CACHE_URL": broker,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "OUTBOX_LEASE_SECONDS": "2",  # a killed worker's jobs come back after 2 s
            "OUTBOX_SWEEP_SECONDS": "1",
            "ROLLUP_REBUILD_SECONDS": "86400",  # no hourly rebuild to repair what the outbox must
            "REMINDER_SECONDS": "86400",
            "ROLLUP_REFRESH_DELAY_SECONDS": "0",
        }
        command = [
            str(Path(sys.executable).parent / "celery"),
            *("-A", "xuncha", "worker", "--beat", "--pool=solo", "--without-mingle", "--without-gossip"),
            *("-s", str(tmp_path / f"{name}-beat"), "-n", f"{name}-{os.getpid()}@%h", "--loglevel=INFO"),
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(lambda: "ready." in self.log.read_text(), f"{name} had not started")

    def kill_9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_9()


@pytest.fixture
def workers(tmp_path, tasks_to_broker):
    started: list[Worker] = []
    forget_connections()

    def start(broker: str = BROKER) -> Worker:
        worker = Worker(tmp_path, broker, f"worker{len(started) + 1}")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    forget_connections()


def wait_for(condition, what: str, seconds: float = WAIT_SECONDS):
    brokers.wait_for(condition, what, seconds)


def figures_of(inspection) -> dict | None:
    return InspectionRollup.objects.filter(inspection=inspection).values(*FIELDS).first()


def rebuilt(inspection) -> dict:
    rollup.rebuild()
    return figures_of(inspection)


@pytest.fixture
def locker():
    """A second connection holding a table lock: whatever the worker does with that table waits,
    so it can be killed in the middle of it."""
    conn = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    yield conn
    conn.rollback()
    conn.close()


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_refresh_leaves_the_job_and_the_next_one_converges(world, workers, locker):
    first = workers()
    inspection = on_site(world)
    wait_for(lambda: figures_of(inspection) is not None, "the first refresh had not run")

    locker.execute("LOCK TABLE reports_inspectionrollup IN EXCLUSIVE MODE")  # reads go on, writes wait
    approve(world, draft_problem(world, inspection))
    wait_for(waiting_on_a_lock, "the worker's refresh was not waiting on the lock")
    assert Job.objects.exclude(claim="").exists()
    first.kill_9()
    locker.rollback()
    time.sleep(1)
    assert figures_of(inspection)["problems_found"] == 0  # its transaction died with it
    assert Job.objects.filter(task="reports.refresh_rollups").exists()

    workers()  # a new worker: its sweep takes the job once the dead one's lease is over
    wait_for(lambda: not Job.objects.exists(), "the job left by the killed worker had not run again")
    assert figures_of(inspection) == rebuilt(inspection)
    assert figures_of(inspection)["problems_found"] == 1


def test_a_worker_killed_mid_export_leaves_the_job_and_the_next_one_writes_the_file(world, workers, locker):
    first = workers()
    inspection = on_site(world)
    for subject in ("反映一", "反映二", "反映三"):
        sc.petition(world, inspection, subject=subject)
    wait_for(lambda: not Job.objects.exists(), "the refreshes had not run")  # they read petitions too
    locker.execute("LOCK TABLE findings_petition IN ACCESS EXCLUSIVE MODE")  # even reading it waits
    job = exports.start_job(user=world.office, ledger=LEDGERS["petitions"], params={}, inspection=None, total=3)
    wait_for(
        lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING and waiting_on_a_lock(),
        "the worker was not in the middle of the export",
    )
    first.kill_9()
    locker.rollback()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and not job.file  # left half-done
    assert Job.objects.filter(task="reports.run_export", args=[job.pk]).exists()

    killed_at = time.monotonic()
    workers()
    # The relay deletes the outbox row after the task has returned, so DONE alone is seen a
    # moment before the row goes: wait for both.
    wait_for(
        lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE and not Job.objects.exists(),
        "the export was not redone",
    )
    redone_after = time.monotonic() - killed_at
    job.refresh_from_db()
    assert job.written == 3 and job.file and job.attempts == 2
    # Within a lease (2 s here, 60 s by default) and a sweep (1 s here, 30 s), and the time a
    # worker takes to start; the progress page says what happened.
    assert redone_after < 2 + 1 + 20, redone_after
    client = Client()
    client.force_login(world.office)
    page = client.get(f"/exports/jobs/{job.pk}/").content.decode()
    assert "后台进程中断，系统已于" in page and "（第 2 次）" in page


def test_a_live_worker_keeps_its_claim_however_long_the_export_takes(world, workers, locker):
    """The lease (2 s here) is renewed while the export waits: a second worker sweeping every
    second takes nothing in three leases, and the export is written once."""
    workers()
    inspection = on_site(world)
    sc.petition(world, inspection, subject="反映一")
    wait_for(lambda: not Job.objects.exists(), "the refreshes had not run")
    locker.execute("LOCK TABLE findings_petition IN ACCESS EXCLUSIVE MODE")
    job = exports.start_job(user=world.office, ledger=LEDGERS["petitions"], params={}, inspection=None, total=1)
    wait_for(
        lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING and waiting_on_a_lock(),
        "the worker was not in the middle of the export",
    )
    workers()  # sweeps every second: it would take the job the moment the lease ran out
    time.sleep(3 * 2)  # the time under test: three leases
    assert list(Job.objects.values_list("attempts", flat=True)) == [1]
    assert Job.objects.get().locked_until > timezone.now()
    locker.rollback()
    wait_for(
        lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE and not Job.objects.exists(),
        "the export was not written",
    )
    job.refresh_from_db()
    assert job.attempts == 1 and job.written == 1


PORTS = range(21000, 22000)  # below Linux's ephemeral range (32768–60999): no bind to 0 lands here


def reserve_port():
    """A free port, and a lock that keeps it ours until closed, across every process on the machine.

    The test stops its Redis and starts it again on the same port. A port picked by binding to 0
    could meanwhile be handed to any other program, and a free port picked by scanning could be
    picked by a second suite running beside this one; the lock file (flock, released by the kernel
    if the process dies) makes every test process on the machine skip a port that one holds."""
    for port in PORTS:
        lock = open(f"/tmp/xuncha-test-port-{port}.lock", "w")  # noqa: SIM115 - held until the test ends
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                lock.close()
                continue
        return port, lock
    raise RuntimeError(f"no free port in {PORTS.start}–{PORTS.stop - 1} for a throw-away redis-server")


class Redis:
    """A throw-away redis-server of this test's own, to stop and start at will."""

    def __init__(self, tmp_path: Path):
        self.port, self._lock = reserve_port()
        self.dir = tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.answers, "redis-server had not started", 10)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def release(self) -> None:
        self.stop()
        self._lock.close()


@pytest.fixture
def own_redis(tmp_path, settings):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    redis = Redis(tmp_path)
    redis.start()
    settings.CACHES = {"default": {"BACKEND": "xuncha.cache.TolerantRedisCache", "LOCATION": redis.url}}
    with broker(redis.url):
        yield redis
    redis.release()


def test_redis_down_during_a_save_then_back_the_figures_converge_with_no_manual_step(world, own_redis, workers, client):
    worker = workers(own_redis.url)
    inspection = on_site(world)
    problem = draft_problem(world, inspection)
    wait_for(lambda: figures_of(inspection) is not None and not Job.objects.exists(), "the worker was not draining")

    own_redis.stop()
    client.force_login(world.team_member)
    data = {"title": "断网时改的", "description": "表现", "category": category("A02").pk, "method": "interview"}
    response = client.post(f"/problems/{problem.pk}/edit/", {**data, "version": problem.version})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "断网时改的"
    approve(world, problem)  # and a change that moves the figures
    assert Job.objects.filter(task="reports.refresh_rollups").exists()
    time.sleep(2)
    assert figures_of(inspection)["problems_found"] == 0  # owed, not lost

    # The worker lived through it: Celery 5.7.0's exited here, restoring its unacknowledged
    # messages ("'NoneType' object has no attribute 'hostname'", issue 22).
    assert worker.process.poll() is None, worker.log.read_text()[-3000:]

    own_redis.start()  # the office restarts Redis; nobody touches the application
    wait_for(lambda: not Job.objects.exists(), "the worker had not caught up after Redis came back")
    assert worker.process.poll() is None
    assert figures_of(inspection) == rebuilt(inspection)
    assert figures_of(inspection)["problems_found"] == 1


# --- Two relays, one outbox ------------------------------------------------------------------

RUNS: list[tuple[str, int]] = []
RUNS_LOCK = threading.Lock()


@app.task(name="tests.outbox_probe")
def outbox_probe(n: int) -> None:
    time.sleep(0.002)  # long enough for the two relays to interleave
    with RUNS_LOCK:
        RUNS.append((threading.current_thread().name, n))


def test_two_relays_draining_one_outbox_run_each_job_once_and_lose_none():
    Job.objects.bulk_create(Job(task="tests.outbox_probe", args=[n]) for n in range(300))
    RUNS.clear()
    barrier = threading.Barrier(2)
    done: dict[str, int] = {}

    def relay_thread():
        try:
            barrier.wait(timeout=10)
            done[threading.current_thread().name] = relay.drain(limit=10)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=relay_thread, name=f"relay{i}") for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    ran = sorted(n for _name, n in RUNS)
    assert ran == list(range(300))  # each job once, none lost
    assert sum(done.values()) == 300 and all(done.values()), done  # both relays took a share
    assert {name for name, _n in RUNS} == {"relay1", "relay2"}
    assert not Job.objects.exists()
