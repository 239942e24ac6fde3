"""Reminders: working papers waiting for a signature, measures due within 7 days, overdue
measures and handover items — to the people responsible, in the app and by e-mail, once each."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from campaigns.models import InspectionStatus, TeamMember, TeamRole
from findings.models import Problem, ProblemStatus
from rectification.models import MEASURE_DONE, HandoverItem, HandoverStatus, Measure

from .models import Reminder

DUE_SOON_DAYS = 7


def _team_users(team_ids, roles) -> dict[int, list[int]]:
    """team id → user ids of its members in `roles`."""
    out: dict[int, list[int]] = {}
    members = TeamMember.objects.filter(team_id__in=team_ids, role__in=roles, person__user__isnull=False)
    for team_id, user_id in members.values_list("team_id", "person__user_id"):
        out.setdefault(team_id, []).append(user_id)
    return out


class Recipients:
    """Who answers for an organization: its unit liaisons, and office staff above it."""

    def __init__(self):
        assignments = RoleAssignment.objects.filter(
            is_active=True, user__is_active=True, role__in=[Role.OFFICE_ADMIN, Role.UNIT_LIAISON]
        ).values_list("role", "organization_id", "organization__path", "user_id")
        self.offices = [(path, user) for role, _org, path, user in assignments if role == Role.OFFICE_ADMIN]
        self.liaisons: dict[int, list[int]] = {}
        for role, org, _path, user in assignments:
            if role == Role.UNIT_LIAISON:
                self.liaisons.setdefault(org, []).append(user)

    def office(self, path: str) -> list[int]:
        return [user for prefix, user in self.offices if path.startswith(prefix)]

    def unit(self, organization_id: int) -> list[int]:
        return self.liaisons.get(organization_id, [])


def collect(today: datetime.date) -> list[Reminder]:
    who = Recipients()
    return [*_signatures(), *_measures(today, who), *_handovers(today, who)]


def _reminders(users, kind, key, text, url) -> list[Reminder]:
    return [Reminder(user_id=u, kind=kind, object_key=key, text=text, url=url) for u in set(users)]


def _signatures() -> list[Reminder]:
    """Working papers waiting for the next signature, to whoever must give it."""
    working = (
        Problem.objects.live()
        .filter(
            inspection__status__in=[InspectionStatus.ON_SITE, InspectionStatus.LEFT],
            status__in=[ProblemStatus.DRAFT, ProblemStatus.HANDLER_SIGNED, ProblemStatus.DEPUTY_SIGNED],
        )
        .values_list("pk", "title", "status", "drafted_by_id", "deputy_signed_by_id", "inspection__team_id")
    )
    working = list(working)
    team_ids = {row[5] for row in working}
    deputies = _team_users(team_ids, [TeamRole.DEPUTY])
    leaders = _team_users(team_ids, [TeamRole.LEADER])
    out = []
    for pk, title, status, drafter, deputy, team in working:
        if status == ProblemStatus.DRAFT:
            users = [drafter]
        elif status == ProblemStatus.HANDLER_SIGNED:
            # The same rule as problem_sign_deputy: the leader reviews only where there is no deputy.
            users = [u for u in deputies.get(team) or leaders.get(team, []) if u != drafter]
        else:
            users = [u for u in leaders.get(team, []) if u not in (drafter, deputy)]
        url = reverse("rectification:problem_detail", args=[pk])
        out += _reminders(
            users, Reminder.Kind.SIGNATURE, f"problem:{pk}:{status}", f"问题底稿“{title[:40]}”待您签署", url
        )
    return out


def _measures(today: datetime.date, who: "Recipients") -> list[Reminder]:
    """Measures overdue (unit and office) or due within DUE_SOON_DAYS (unit)."""
    open_measures = (
        Measure.objects.live()
        .exclude(status__in=MEASURE_DONE)
        .filter(problem__withdrawn_at__isnull=True)
        .filter(Q(deadline__lt=today) | Q(deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)))
        .values_list(
            "pk",
            "content",
            "deadline",
            "problem__inspection__organization_id",
            "problem__inspection__organization__path",
        )
    )
    out = []
    for pk, content, deadline, org_id, path in open_measures:
        url = reverse("rectification:measure_detail", args=[pk])
        if deadline < today:
            text = f"整改措施“{content[:30]}”已于{deadline}超期"
            users = who.unit(org_id) + who.office(path)
            out += _reminders(users, Reminder.Kind.OVERDUE_MEASURE, f"measure:{pk}", text, url)
        else:
            text = f"整改措施“{content[:30]}”将于{deadline}到期"
            out += _reminders(who.unit(org_id), Reminder.Kind.DUE_SOON, f"measure:{pk}", text, url)
    return out


def _handovers(today: datetime.date, who: "Recipients") -> list[Reminder]:
    overdue_items = (
        HandoverItem.objects.live()
        .filter(status=HandoverStatus.OPEN, deadline__lt=today)
        .values_list("pk", "title", "deadline", "inspection__organization__path")
    )
    out = []
    for pk, title, deadline, path in overdue_items:
        url = reverse("rectification:handover_close", args=[pk])
        text = f"转交办事项“{title[:30]}”已于{deadline}超期未办结"
        out += _reminders(who.office(path), Reminder.Kind.OVERDUE_HANDOVER, f"handover:{pk}", text, url)
    return out


def send_all(today: datetime.date | None = None) -> int:
    """Create the reminders not sent before and e-mail them; returns how many were new."""
    today = today or timezone.localdate()
    candidates = collect(today)
    before = set(Reminder.objects.values_list("user_id", "kind", "object_key"))
    new = [r for r in candidates if (r.user_id, r.kind, r.object_key) not in before]
    # The unique constraint makes a concurrent run harmless: the second insert is ignored.
    Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    _email_unsent()
    return len(new)


def _email_unsent() -> None:
    pending = Reminder.objects.filter(emailed=False).select_related("user").exclude(user__email="")
    for reminder in pending.iterator(chunk_size=500):
        send_mail(
            subject=f"【巡察工作提醒】{reminder.get_kind_display()}",
            message=f"{reminder.text}\n\n{reminder.url}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[reminder.user.email],
            fail_silently=False,
        )
        Reminder.objects.filter(pk=reminder.pk).update(emailed=True)
    Reminder.objects.filter(emailed=False, user__email="").update(emailed=True)  # nothing to send to
