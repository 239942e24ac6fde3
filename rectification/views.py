"""The inspection page (the hub), the problem page, measures and their verification, evidence,
handover items, supervision and the unit liaison's page.

These pages show records of every app, so they live here, at the top of the domain chain."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import manages
from accounts.models import Role
from campaigns import services as cs
from campaigns.models import InspectionStatus
from campaigns.selectors import LEADER_FIRST, inspections_visible_to
from findings import review_notes as rn
from findings import review_selectors
from findings import services as fs
from findings.models import ProblemStatus, ReadVia
from findings.readlog import log_reads
from findings.selectors import (
    clues_visible_to,
    notices_visible_to,
    petitions_visible_to,
    problems_visible_to,
    sanctions_visible_to,
)
from xuncha.records import allowed

from . import services as s
from .selectors import (
    evaluations_visible_to,
    handover_items_visible_to,
    measures_visible_to,
    rules_visible_to,
    supervision_actions_visible_to,
)

# Tabs of the inspection page: (key, label, which roles may open it).
TEAM_SIDE = (Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR)
EVERYONE = (*TEAM_SIDE, Role.UNIT_LIAISON)
TABS = [
    ("overview", _("概况"), EVERYONE),
    ("petitions", _("信访件"), TEAM_SIDE),
    ("problems", _("问题"), EVERYONE),
    ("clues", _("问题线索"), TEAM_SIDE),
    ("notices", _("立行立改"), TEAM_SIDE),
    ("feedback", _("反馈"), EVERYONE),
    ("measures", _("整改措施"), EVERYONE),
    ("handover", _("转交办事项"), TEAM_SIDE),
    ("supervision", _("督查督办"), EVERYONE),
    ("evaluation", _("整改评估与制度"), EVERYONE),
    ("history", _("历史"), TEAM_SIDE),
]


def _history(record, limit: int = 50):
    return record.history.select_related("history_user").order_by("-history_date")[:limit]


@login_required
def inspection_detail(request, pk):
    user = request.user
    inspection = get_object_or_404(
        inspections_visible_to(user).select_related("round__term", "team", "organization", "earlier__round"), pk=pk
    )
    tabs = [(key, label) for key, label, roles in TABS if user.has_role(*roles)]
    tab = request.GET.get("tab", "overview")
    if tab not in dict(tabs):
        tab = "overview"
    overdue = (
        inspection.status == InspectionStatus.FED_BACK
        and inspection.rectification_deadline is not None
        and inspection.rectification_deadline < timezone.localdate()
    )
    context = {
        "inspection": inspection,
        "tabs": tabs,
        "tab": tab,
        "can": _inspection_actions(user, inspection),
        "overdue": overdue,
        "public_base_url": settings.PUBLIC_BASE_URL,
    }
    context.update(_tab_content(user, inspection, tab))
    return render(request, "rectification/inspection_detail.html", context)


def _inspection_actions(user, inspection) -> dict[str, bool]:
    checks = {
        "enter": cs.inspection_enter_check,
        "leave": cs.inspection_leave_check,
        "feed_back": fs.inspection_feed_back_check,
        "close": s.inspection_close_check,
        "petition": fs.petition_register_check,
        "problem": fs.problem_draft_check,
        "clue": fs.clue_register_check,
        "handover": s.handover_item_create_check,
        "supervise": s.supervision_record_check,
        "evaluate": s.evaluation_record_check,
        "rule": s.rule_record_check,
        "withdraw": cs.inspection_withdraw_check,
        "qr": cs.inspection_qr_check,
        "announcement": cs.inspection_announcement_check,
    }
    return {name: allowed(check, user=user, inspection=inspection) for name, check in checks.items()}


def _read_logged(user, inspection, qs) -> dict:
    """A confidential tab: its rows, each written into the read log."""
    rows = list(qs.order_by("number"))
    log_reads(user=user, records=rows, via=ReadVia.LIST, inspection=inspection, query="tab")
    return {"rows": rows}


def _tab_content(user, inspection, tab: str) -> dict:
    if tab == "petitions":
        return _read_logged(user, inspection, petitions_visible_to(user).filter(inspection=inspection))
    if tab == "problems":
        return {
            "rows": problems_visible_to(user)
            .filter(inspection=inspection)
            .select_related("category")
            .order_by("number")
        }
    if tab == "feedback":
        fed_back = (
            problems_visible_to(user)
            .live()
            .filter(
                inspection=inspection,
                status__in=[ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.ONGOING],
            )
        )
        counts = fed_back.aggregate(
            total=Count("pk"),
            rectified=Count("pk", filter=Q(status=ProblemStatus.RECTIFIED)),
            ongoing=Count("pk", filter=Q(status=ProblemStatus.ONGOING)),
        )
        return {"rows": fed_back.select_related("category").order_by("number"), "counts": counts}
    if tab == "clues":
        return _read_logged(user, inspection, clues_visible_to(user).filter(inspection=inspection))
    if tab == "notices":
        return {"rows": notices_visible_to(user).filter(problem__inspection=inspection).select_related("problem")}
    if tab == "measures":
        return {
            "rows": measures_visible_to(user)
            .filter(problem__inspection=inspection)
            .select_related("problem", "responsible_unit")
            .order_by("problem__number", "number")
        }
    if tab == "handover":
        return {
            "rows": handover_items_visible_to(user).filter(inspection=inspection).order_by("number"),
            "can_close": manages(user, inspection.organization),  # 办结 is the office's step
        }
    if tab == "supervision":
        return {"rows": supervision_actions_visible_to(user).filter(inspection=inspection).select_related("acted_by")}
    if tab == "evaluation":
        return {
            "rows": evaluations_visible_to(user).filter(inspection=inspection).select_related("evaluated_by"),
            "rules": rules_visible_to(user).filter(inspection=inspection).select_related("problem"),
            "sanctions": sanctions_visible_to(user).filter(inspection=inspection).live(),
        }
    if tab == "history":
        return {"history": _history(inspection)}
    members = inspection.team.members.select_related("person").order_by(LEADER_FIRST, "person__name")
    if not user.has_role(*TEAM_SIDE):
        members = members.none()  # a unit sees the inspection, not who sat on the team
    return {"members": members}


@login_required
def problem_detail(request, pk):
    user = request.user
    problem = get_object_or_404(
        problems_visible_to(user).select_related(
            "inspection__round",
            "inspection__team",
            "inspection__organization",
            "category__parent",
            "involved_organization",
            "drafted_by",
            "deputy_signed_by",
            "leader_signed_by",
            "common_problem",
        ),
        pk=pk,
    )
    steps = {
        "sign_handler": fs.problem_sign_handler_check,
        "sign_deputy": fs.problem_sign_deputy_check,
        "approve": fs.problem_approve_check,
        "return": fs.problem_return_check,
        "edit": fs.problem_update_check,
        "withdraw": fs.problem_withdraw_check,
        "notice": fs.immediate_notice_issue_check,
        "measure": s.measure_add_check,
    }
    can = {name: allowed(check, user=user, problem=problem) for name, check in steps.items()}
    can["complete_notice"] = allowed(cs.require_team_or_manager, user=user, inspection=problem.inspection)
    # The working paper's sign-off trail names the team; a unit sees the problem, not who sat
    # on the team (as on the inspection page).
    team_side = user.has_role(*TEAM_SIDE)
    return render(
        request,
        "rectification/problem_detail.html",
        {
            "problem": problem,
            "can": can,
            "team_side": team_side,
            "notices": notices_visible_to(user).filter(problem=problem),
            "measures": measures_visible_to(user).filter(problem=problem).select_related("responsible_unit"),
            "history": _history(problem) if team_side else [],
            "review": _review_panel(user, problem) if team_side else None,
        },
    )


def _review_panel(user, problem) -> dict:
    """The 审核意见 panel: the paper's notes, and which step on each this user may take."""
    notes = review_selectors.notes_of_paper(user, problem)
    for note in notes:
        note.problem = problem  # the checks read the paper; it is loaded already
        note.can_answer = allowed(rn.review_note_answer_check, user=user, note=note)
        note.can_clear = allowed(rn.review_note_clear_check, user=user, note=note)
    return {
        "notes": notes,
        "can_add": allowed(rn.review_note_add_check, user=user, problem=problem),
        "edited_after_review": review_selectors.paper_edited_after_review(problem),
    }
