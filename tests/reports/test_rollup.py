"""The per-inspection rollup: refresh and rebuild are idempotent, a rebuild repairs any drift,
a crashed rebuild leaves the figures it had not reached in place, the on-commit refresh is
coalesced, and its cost does not grow with the size of an inspection."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import services as cs
from findings.models import Problem
from outbox.models import Job
from outbox.relay import drain
from reports import rollup, tasks
from reports.figures import Scope, figures
from reports.models import COUNT_FIELDS, InspectionRollup
from tests.reports import scene as sc
from tests.world import approve, create_inspection, draft_problem, fed_back, on_site
from xuncha.celery import app

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in InspectionRollup._meta.concrete_fields if f.name != "computed_at"]


def rows() -> dict[int, dict]:
    return {r["inspection_id"]: r for r in InspectionRollup.objects.values(*FIELDS)}


@pytest.fixture
def five(world):
    """Five inspections with known problems, the rollup computed once by hand (no on-commit)."""
    inspections = [fed_back(world, problems=2)]
    for organization in (world.village, world.community, world.district_a, world.township_b):
        inspection = on_site(world, organization)
        approve(world, draft_problem(world, inspection))
        inspections.append(inspection)
    rollup.rebuild()
    return inspections


def test_a_refresh_is_idempotent(world, five):
    ids = [i.pk for i in five]
    before = rows()
    assert rollup.refresh(ids) == 5
    once = rows()
    assert rollup.refresh(ids) == 5
    assert rows() == once == before
    assert InspectionRollup.objects.count() == 5
    assert once[five[0].pk]["problems_fed_back"] == 2


def test_a_rebuild_is_idempotent(world, five):
    before = rows()
    assert rollup.rebuild() == 5
    assert rollup.rebuild() == 5
    assert rows() == before


def test_a_rebuild_repairs_a_deliberately_corrupted_rollup(world, five):
    right = rows()
    right_figures = figures(world.office, Scope(term=world.term))
    withdrawn = cs.inspection_withdraw(
        user=world.office, inspection=create_inspection(world, world.district_b), reason="计划调整"
    )
    kept, lost = five[0], five[1]
    InspectionRollup.objects.filter(inspection=kept).update(**dict.fromkeys(COUNT_FIELDS, 999))
    InspectionRollup.objects.filter(inspection=lost).delete()
    ghost = InspectionRollup.objects.get(inspection=five[2])
    ghost.pk = None
    ghost.inspection = withdrawn
    ghost.save(force_insert=True)  # a withdrawn inspection still counted
    assert figures(world.office, Scope(term=world.term)) != right_figures

    rollup.rebuild()
    assert rows() == right
    assert not InspectionRollup.objects.filter(inspection=withdrawn).exists()
    got = figures(world.office, Scope(term=world.term))
    assert {k: v for k, v in got.items() if k != "computed_at"} == {
        k: v for k, v in right_figures.items() if k != "computed_at"
    }


def test_a_rebuild_rewrites_only_the_rows_that_changed_and_dates_the_figures_by_its_start(world, five):
    """The hourly rebuild finds almost every row right: it leaves those rows alone (no write,
    the same computed_at), and the figures say they are current as of the rebuild."""
    stamped = dict(InspectionRollup.objects.values_list("inspection_id", "computed_at"))
    wrong = five[0]
    InspectionRollup.objects.filter(inspection=wrong).update(problems_found=999)
    started = timezone.now()

    assert rollup.rebuild() == 5  # every live inspection recomputed …
    after = dict(InspectionRollup.objects.values_list("inspection_id", "computed_at"))
    assert after[wrong.pk] >= started  # … the wrong row rewritten …
    assert {pk: at for pk, at in after.items() if pk != wrong.pk} == {
        pk: at for pk, at in stamped.items() if pk != wrong.pk
    }  # … the right ones untouched
    assert rows()[wrong.pk]["problems_found"] == 2
    assert max(stamped.values()) < started
    assert figures(world.office, Scope(term=world.term))["computed_at"] >= started


def test_a_crashed_rebuild_leaves_the_previous_figures_in_place(world, five, monkeypatch):
    ids = sorted(i.pk for i in five)
    InspectionRollup.objects.update(problems_found=999)  # what the rebuild should repair
    monkeypatch.setattr(rollup, "BATCH", 2)
    real_write = rollup._write
    calls = []

    def crash_on_the_second_batch(where):
        calls.append(1)
        written = real_write(where)  # the batch's rows are written, then the worker dies
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return written

    monkeypatch.setattr(rollup, "_write", crash_on_the_second_batch)
    with pytest.raises(RuntimeError):
        rollup.rebuild()

    found = {pk: r["problems_found"] for pk, r in rows().items()}
    assert set(found) == set(ids)  # nothing deleted: the figures never go blank
    assert [found[pk] for pk in ids[:2]] != [999, 999]  # the first batch was rebuilt …
    assert [found[pk] for pk in ids[2:]] == [999, 999, 999]  # … the later ones are as they were

    monkeypatch.setattr(rollup, "_write", real_write)
    rollup.rebuild()
    assert sorted(r["problems_found"] for r in rows().values()) == [1, 1, 1, 1, 2]


def test_the_rebuild_task_and_command_rebuild(world, five):
    InspectionRollup.objects.update(problems_found=999)
    assert tasks.rebuild_rollups.apply().get() == 5
    assert 999 not in {r["problems_found"] for r in rows().values()}
    InspectionRollup.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "已重算 5 个巡察" in out.getvalue()
    assert InspectionRollup.objects.count() == 5


def test_tasks_take_ids_and_have_time_limits():
    for name in ("reports.refresh_rollups", "reports.rebuild_rollups", "reports.send_reminders"):
        task = app.tasks[name]
        assert task.soft_time_limit and task.time_limit and task.soft_time_limit < task.time_limit
    assert app.tasks["reports.refresh_rollups"].acks_late  # a worker that dies mid-task: run again


# --- On-commit refresh, coalesced -----------------------------------------------------------


@pytest.fixture
def refresh_calls(monkeypatch):
    calls: list[list[int]] = []
    real = rollup.refresh

    def counting(ids):
        calls.append(sorted(ids))
        return real(ids)

    monkeypatch.setattr(rollup, "refresh", counting)
    return calls


def burst(world, inspection, n=5):
    """Many edits to one inspection in one transaction: drafts, signatures, a petition."""
    with transaction.atomic():
        for i in range(n):
            approve(world, draft_problem(world, inspection, title=f"同一巡察的第{i + 1}个问题"))
        sc.petition(world, inspection)


def test_a_burst_of_edits_costs_one_recompute(world, refresh_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inspection = on_site(world)
    assert refresh_calls == [[inspection.pk]]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        burst(world, inspection)
    # One refresh queued for the burst (the figures cache adds its own cheap "bump" callback).
    assert sum(type(c).__name__ == "_Changed" for c in callbacks) == 1
    assert refresh_calls == [[inspection.pk]] * 2
    assert InspectionRollup.objects.get(inspection=inspection).problems_found == 5
    # The next burst, after that refresh ran, is recomputed again.
    with django_capture_on_commit_callbacks(execute=True):
        burst(world, inspection, n=1)
    assert refresh_calls == [[inspection.pk]] * 3
    assert InspectionRollup.objects.get(inspection=inspection).problems_found == 6


def test_edits_to_several_inspections_in_one_transaction_make_one_task(
    world, refresh_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            first, second = on_site(world), on_site(world, world.village)
            draft_problem(world, first)
            draft_problem(world, second)
    assert refresh_calls == [sorted([first.pk, second.pk])]


def test_a_rolled_back_transaction_queues_nothing(world, refresh_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            draft_problem(world, on_site(world))
            raise RuntimeError("rolled back")
    assert callbacks == [] and refresh_calls == []


def test_an_edit_rolled_back_inside_a_committed_transaction_counts_nothing(
    world, refresh_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = create_inspection(world)
        with pytest.raises(RuntimeError), transaction.atomic():
            on_site(world, world.village)
            raise RuntimeError("rolled back")
    # At worst the rolled-back inspection's id is recomputed for nothing.
    assert len(refresh_calls) == 1 and kept.pk in refresh_calls[0]
    assert list(InspectionRollup.objects.values_list("inspection_id", flat=True)) == [kept.pk]


@pytest.fixture
def queued(monkeypatch, tasks_to_broker):
    """The relay's wake-up as a broker would receive it: each apply_async is recorded, not run."""
    sent: list[dict] = []
    task = app.tasks["outbox.drain"]

    def record(args=None, producer=None, **options):  # the producer is the pool's, whichever it is
        sent.append({"args": args, **options})

    monkeypatch.setattr(task, "apply_async", record)
    return sent


def test_with_a_broker_a_burst_is_one_outbox_job_and_one_recompute(
    world, queued, refresh_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inspection = on_site(world)
    assert queued == [{"args": None, "countdown": settings.ROLLUP_REFRESH_DELAY_SECONDS, "retry": False}]
    assert list(Job.objects.values_list("task", "args")) == [("reports.refresh_rollups", [[inspection.pk]])]

    with django_capture_on_commit_callbacks(execute=True):
        burst(world, inspection)
    with django_capture_on_commit_callbacks(execute=True):  # another transaction, before the drain runs
        sc.petition(world, inspection)
    assert Job.objects.count() == 3  # one job per transaction, however many records it wrote
    assert len(queued) == 3

    assert drain() == 3  # the worker's first drain takes all three …
    assert refresh_calls == [[inspection.pk]]  # … as one recompute of the inspection
    assert not Job.objects.exists()
    assert InspectionRollup.objects.get(inspection=inspection).problems_found == 5
    assert drain() == 0  # the other two wake-ups find nothing left


def test_with_a_broker_the_relay_is_woken_only_after_commit(world, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        on_site(world)
    assert queued == [] and Job.objects.count() == 1  # the job is in the transaction already
    for callback in callbacks:
        callback()
    assert len(queued) == 1


# --- Cost -----------------------------------------------------------------------------------


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        callable_()
    return len(ctx.captured_queries)


def _with_problems(world, organization, n):
    """An inspection fed back with `n` problems, each with a measure (copied in bulk: only the
    refresh's cost is under test here)."""
    inspection = fed_back(world, organization, problems=1)
    problem = inspection.problems.get()
    sc.measure(world, problem, organization=organization)
    copies = []
    for number in range(2, n + 1):
        copy = Problem.objects.get(pk=problem.pk)
        copy.pk = None
        copy.number = number
        copies.append(copy)
    Problem.objects.bulk_create(copies)
    for copy in Problem.objects.filter(inspection=inspection).exclude(pk=problem.pk):
        sc.measure(world, copy, organization=organization)
    return inspection


def test_refreshing_one_inspection_costs_the_same_queries_whatever_its_size(world):
    small = _with_problems(world, world.township, 2)
    large = _with_problems(world, world.township_b, 40)
    rollup.refresh([small.pk, large.pk])
    small_cost = _queries(lambda: rollup.refresh([small.pk]))
    large_cost = _queries(lambda: rollup.refresh([large.pk]))
    assert small_cost == large_cost
    # 18 today on SQLite and PostgreSQL: the rollup's own statements, and 10 (11 with
    # PostgreSQL's lock) for the pre-summed rows (reports.summaries: the keys before and after,
    # then delete + insert of the summaries, the teams, the organization counts and the split
    # organizations) — a fixed number, whatever the inspection's size.
    assert small_cost <= 20
    assert InspectionRollup.objects.get(inspection=large).problems_fed_back == 40
    assert InspectionRollup.objects.get(inspection=large).measures == 40


def test_a_rebuild_costs_the_same_queries_for_few_or_many_inspections(world):
    on_site(world)
    few = _queries(rollup.rebuild)
    for organization in (world.village, world.community, world.district_a, world.township_b, world.village_b):
        approve(world, draft_problem(world, on_site(world, organization)))
    many = _queries(rollup.rebuild)
    assert few == many
    assert InspectionRollup.objects.count() == 6
