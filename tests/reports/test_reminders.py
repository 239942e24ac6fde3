"""Reminders sent by the worker: working papers waiting for a signature, measures due within 7
days, overdue measures and handover items — to the people responsible, in the app and by
e-mail, each once."""

import pytest
from django.core import mail
from django.urls import reverse

from findings import services as fs
from rectification import services as rs
from reports import reminders, tasks
from reports.models import Reminder
from tests.reports import scene as sc
from tests.world import D, draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db

TODAY = D(2026, 6, 1)
K = Reminder.Kind


@pytest.fixture
def desk(world):
    """What waits on 2026-06-01.

    青石村 (on site): three working papers, one at each step of the sign-off.
    青石镇 (fed back 2026-05-10): measures due on 06-04 (in 3 days), 05-20 (overdue), 06-20 (later)
    and an accepted one past its deadline; a handover item overdue since 05-15, one closed."""
    working = on_site(world, world.village)
    draft = draft_problem(world, working, "待承办人签字")
    handler = fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, working, "待副组长审核"))
    deputy = fs.problem_sign_deputy(
        user=world.team_deputy,
        problem=fs.problem_sign_handler(user=world.team_member, problem=draft_problem(world, working, "待组长审定")),
    )

    rectifying = fed_back(world, world.township, problems=2)
    first, second = rectifying.problems.order_by("number")
    due = sc.measure(world, first, deadline=D(2026, 6, 4))
    overdue = sc.measure(world, first, deadline=D(2026, 5, 20))
    sc.measure(world, second, deadline=D(2026, 6, 20))
    sc.verify(world, sc.measure(world, second, deadline=D(2026, 5, 20)), rs.Verdict.ACCEPT)

    item = handover_item(world, rectifying, "逾期未办结")
    closed = handover_item(world, rectifying, "已办结")
    rs.handover_item_close(user=world.office, item=closed, closed_on=D(2026, 5, 1), result="已办结")
    return {"draft": draft, "handler": handler, "deputy": deputy, "due": due, "overdue": overdue, "item": item}


def handover_item(world, inspection, title):
    return rs.handover_item_create(
        user=world.team_leader,
        inspection=inspection,
        title=title,
        department="区民政局",
        handed_over_on=D(2026, 4, 1),
        deadline=D(2026, 5, 15),
    )


def sent() -> set[tuple[str, str, str]]:
    return set(Reminder.objects.values_list("user__username", "kind", "object_key"))


def test_each_reminder_goes_to_the_people_responsible(world, desk):
    assert reminders.send_all(today=TODAY) == 9
    p = {name: desk[name].pk for name in ("draft", "handler", "deputy")}
    due, overdue, item = desk["due"].pk, desk["overdue"].pk, desk["item"].pk
    assert sent() == {
        # the drafter signs their own paper first
        ("team_member", K.SIGNATURE, f"problem:{p['draft']}:draft"),
        # handler-signed: the deputy (the leader reviews only in a team without one), never the drafter
        ("team_deputy", K.SIGNATURE, f"problem:{p['handler']}:handler_signed"),
        # deputy-signed: the team leader
        ("team_leader", K.SIGNATURE, f"problem:{p['deputy']}:deputy_signed"),
        # due in 3 days: the unit's liaison
        ("liaison", K.DUE_SOON, f"measure:{due}"),
        # overdue: the liaison and the office staff above the unit (city and district A, not B)
        ("liaison", K.OVERDUE_MEASURE, f"measure:{overdue}"),
        ("office", K.OVERDUE_MEASURE, f"measure:{overdue}"),
        ("office_a", K.OVERDUE_MEASURE, f"measure:{overdue}"),
        # an overdue handover item: the office staff above the unit
        ("office", K.OVERDUE_HANDOVER, f"handover:{item}"),
        ("office_a", K.OVERDUE_HANDOVER, f"handover:{item}"),
    }


def test_the_drafter_is_not_reminded_of_a_paper_waiting_for_review(world, desk):
    reminders.send_all(today=TODAY)
    drafter = {key for user, _kind, key in sent() if user == "team_member"}
    assert drafter == {f"problem:{desk['draft'].pk}:draft"}


def test_reminders_carry_a_text_and_a_link(world, desk):
    reminders.send_all(today=TODAY)
    due = Reminder.objects.get(kind=K.DUE_SOON)
    assert due.text == "整改措施“整改措施”将于2026-06-04到期"
    assert due.url == reverse("rectification:measure_detail", args=[desk["due"].pk])
    item = Reminder.objects.filter(kind=K.OVERDUE_HANDOVER).first()
    assert item.text == "转交办事项“逾期未办结”已于2026-05-15超期未办结"
    assert item.url == reverse("rectification:handover_close", args=[desk["item"].pk])


def test_each_reminder_is_sent_once_not_every_run(world, desk):
    assert reminders.send_all(today=TODAY) == 9
    assert reminders.send_all(today=TODAY) == 0
    assert Reminder.objects.count() == 9


def test_a_new_step_or_a_passed_deadline_is_a_new_reminder(world, desk):
    reminders.send_all(today=TODAY)
    fs.problem_sign_deputy(user=world.team_deputy, problem=desk["handler"])
    # 06-05: the measure that was due on 06-04 is now overdue.
    assert reminders.send_all(today=D(2026, 6, 5)) == 4
    assert sent() >= {
        ("team_leader", K.SIGNATURE, f"problem:{desk['handler'].pk}:deputy_signed"),
        ("liaison", K.OVERDUE_MEASURE, f"measure:{desk['due'].pk}"),
        ("office", K.OVERDUE_MEASURE, f"measure:{desk['due'].pk}"),
        ("office_a", K.OVERDUE_MEASURE, f"measure:{desk['due'].pk}"),
    }


def test_nothing_waits_when_nothing_is_due(world, desk):
    assert reminders.send_all(today=D(2026, 3, 1)) == 3  # only the working papers: drafter, deputy, leader
    assert {kind for _user, kind, _key in sent()} == {K.SIGNATURE}


def test_emails_go_out_once_to_users_with_an_address(world, desk):
    for name in ("liaison", "office", "team_deputy"):
        user = getattr(world, name)
        user.email = f"{name}@example.gov.cn"
        user.save()
    reminders.send_all(today=TODAY)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [
        "liaison@example.gov.cn",  # due soon
        "liaison@example.gov.cn",  # overdue measure
        "office@example.gov.cn",  # overdue measure
        "office@example.gov.cn",  # overdue handover item
        "team_deputy@example.gov.cn",  # a paper to review
    ]
    assert all(m.subject.startswith("【巡察工作提醒】") for m in mail.outbox)
    assert not Reminder.objects.filter(emailed=False).exists()  # no address: nothing to send

    reminders.send_all(today=TODAY)
    assert len(mail.outbox) == 5  # not again


def test_the_worker_task_sends_them(world, desk):
    result = tasks.send_reminders.apply().get()
    # The task looks at today (after 2026-06-20, every open measure is overdue).
    assert result == Reminder.objects.count() > 0
    assert Reminder.objects.filter(kind=K.OVERDUE_MEASURE, user=world.liaison).count() == 3
    assert tasks.send_reminders.apply().get() == 0
