"""The home page: each user's work queue (the leaders' dashboard arrives with the figures)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.models import Role
from findings.models import ClueStatus
from findings.selectors import clues_visible_to, papers_awaiting_signature
from rectification.selectors import (
    measures_awaiting_verification,
    measures_due_within,
    overdue_handover_items,
    overdue_measures,
)

QUEUE_SIZE = 10


@login_required
def home(request):
    user = request.user
    roles = {a.role for a in user.active_assignments()}
    if roles == {Role.UNIT_LIAISON}:
        return redirect("rectification:unit_home")
    measure_related = ("problem__inspection__organization", "responsible_unit")
    queues = []
    if Role.INSPECTOR in roles or Role.OFFICE_ADMIN in roles:
        papers = papers_awaiting_signature(user).select_related("inspection__organization").order_by("updated_at")
        queues.append(("papers", "待我签署的问题底稿", papers))
    if Role.OFFICE_ADMIN in roles:
        queues.append(
            (
                "verify",
                "待验收的整改措施",
                measures_awaiting_verification(user).select_related(*measure_related).order_by("reported_at"),
            )
        )
    if roles & {Role.OFFICE_ADMIN, Role.UNIT_LIAISON}:
        queues.append(
            (
                "due",
                "本周到期的整改措施",
                measures_due_within(user, 7).select_related(*measure_related).order_by("deadline"),
            )
        )
        queues.append(
            (
                "overdue",
                "已超期的整改措施",
                overdue_measures(user).select_related(*measure_related).order_by("deadline"),
            )
        )
    if Role.OFFICE_ADMIN in roles:
        queues.append(
            (
                "handover",
                "超期未办结的转交办事项",
                overdue_handover_items(user).select_related("inspection__organization").order_by("deadline"),
            )
        )
    if roles & {Role.DISCIPLINE_LIAISON, Role.ORGDEPT_LIAISON}:
        clues = clues_visible_to(user).live().filter(status=ClueStatus.TRANSFERRED)
        queues.append(("clues", "待登记处置情况的问题线索", clues.select_related("inspection__organization")))
    # One query per queue for its first rows, one for "are there more": a fixed cost.
    panels = []
    for key, title, qs in queues:
        rows = list(qs[: QUEUE_SIZE + 1])
        panels.append({"key": key, "title": title, "rows": rows[:QUEUE_SIZE], "more": len(rows) > QUEUE_SIZE})
    return render(request, "reports/home.html", {"panels": panels, "assignments": user.active_assignments()})
