"""The home page: each user's work queue (the leaders' dashboard arrives with the figures)."""

import json
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from accounts.models import Role
from campaigns.selectors import current_term_for, rounds_visible_to
from findings.models import ClueStatus, ReadVia
from findings.readlog import log_reads
from findings.selectors import clues_visible_to, papers_awaiting_signature
from rectification.selectors import (
    measures_awaiting_verification,
    measures_due_within,
    overdue_handover_items,
    overdue_measures,
)

from . import rollup
from .figures import (
    Scope,
    ScopeError,
    district_terms,
    parse_scope,
    require_figure_role,
    show_rate,
)
from .figures_cache import cached, cached_by_group, cached_figures, cached_units_below_threshold
from .models import Reminder
from .summary import cross_shares, summary

QUEUE_SIZE = 10


@login_required
def home(request):
    user = request.user
    roles = {a.role for a in user.active_assignments()}
    if roles == {Role.UNIT_LIAISON}:
        return redirect("rectification:unit_home")
    if roles == {Role.LEADER}:
        return redirect("reports:dashboard")  # leaders open Xuncha to see where the term stands
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
        if key == "clues":  # confidential: the clues shown here are in the read log
            log_reads(user=user, records=rows[:QUEUE_SIZE], via=ReadVia.LIST, query="home")
    return render(request, "reports/home.html", {"panels": panels, "assignments": user.active_assignments()})


# --- Figures ----------------------------------------------------------------------------------


@login_required
@require_GET
def figures_json(request):
    """The figures of a scope as JSON; 400 with a message for a bad parameter."""
    require_figure_role(request.user)
    try:
        scope = parse_scope(request.user, request.GET)
    except ScopeError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    data = cached_figures(request.user, scope)
    return JsonResponse(data, encoder=FiguresEncoder, json_dumps_params={"ensure_ascii": False})


class FiguresEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)  # a rate such as 90.56 (percent)
        return super().default(o)


@login_required
def dashboard(request):
    """The figures of the term. The page's body is the same for every user with the same grants
    and scope, so it is cached whole with the figures (until the rollup changes); only the
    navigation around it is rendered per request."""
    require_figure_role(request.user)
    user = request.user
    try:
        scope = parse_scope(user, request.GET)
    except ScopeError as exc:
        messages.error(request, str(exc))
        scope = Scope()
    if not scope.districts:
        scope.term = scope.term or current_term_for(user)
    body = cached(
        user,
        "dashboard",
        scope,
        # No request: nothing of this user beyond the grants in the key can enter the body.
        lambda: render_to_string("reports/_dashboard_body.html", dashboard_context(user, scope)),
        get_language(),
    )
    # Outside the cached body: it is about now, not about the rollup the body was made from.
    return render(request, "reports/dashboard.html", {"body": mark_safe(body), "behind": rollup.minutes_behind()})


def dashboard_context(user, scope: Scope) -> dict:
    """The dashboard of a term: its committee's own figures (or, with committee=districts, every
    district committee's in its own term), the districts' block beside them, the charts."""
    term = scope.term
    committee = term.committee if term else None
    districts_terms = district_terms(user, term)
    districts_scope = Scope(districts=True, terms=districts_terms, mode=scope.mode, district=scope.district)
    if scope.districts:
        own = scope  # as figures.json reads the same parameters
        name = "各区县党委"
    else:
        own = Scope(term=term, committee=committee, round=scope.round, mode=scope.mode, district=scope.district)
        name = committee.name if committee else ""
    f = cached_figures(user, own)
    districts = None if scope.districts or not districts_terms else cached_figures(user, districts_scope)
    charts = {
        "coverage": f["coverage"],
        "by_district": cached_by_group(
            user, Scope(terms=[t for t in [term, *districts_terms] if t]), "district", "district__name"
        ),
        "by_round": cached_by_group(user, own, "round", "round__name"),
        "clue_share": f["clue_share_by_mode"],
        "petition_share": f["petition_share_by_mode"],
        "categories": f["problems_by_category"],
    }
    return {
        "term": term,
        "committee": committee,
        "heading": name,
        "scope": scope,
        "rounds": rounds_visible_to(user).filter(term=term) if term and not scope.districts else [],
        "city": f,
        "villages": f["villages"],
        "districts": districts,
        "cross": cross_shares(f),
        "sources": sanction_sources(f),
        "summary": summary(name, f, districts),
        "charts": json.loads(json.dumps(charts, cls=FiguresEncoder)),
        "below": cached_units_below_threshold(user, own)[:20],
        "threshold": int(settings.INTERVIEW_RATE_THRESHOLD * 100),
        "links": figure_links(own),
        "export_query": urlencode(own.as_params()),
        "city_handover_rate": show_rate(f["handover_closure_rate"]),
        "clue_note": "纪委监委 {} · 组织部 {}".format(*f["clues_by_destination"].values()),
        "team_note": " · ".join(f"{m['label']} {m['count']}" for m in f["teams"]["by_mode"]),
        "rule_note": "转交办事项 {handover} · 问题整改 {problem}".format(**f["rules_by_source"]),
        "village_note": f"发现问题 {f['villages']['problems_found']}",
        "district_village_note": f"发现问题 {districts['villages']['problems_found']}" if districts else "",
    }


SOURCE_LABELS = {"clue": "问题线索", "handover": "转交办事项", "rectification": "整改问责"}


def sanction_sources(f: dict) -> list[dict]:
    """The sanctions table of the dashboard: one row per source, in the figures' words."""
    return [{"label": SOURCE_LABELS[k], **v} for k, v in f["sanctions"]["by_source"].items()]


def figure_links(scope: Scope) -> dict[str, str]:
    """Every number on the dashboard links to the list that it counts."""
    base = {}
    if scope.round:
        base["round"] = scope.round.pk
    if scope.mode:
        base["mode"] = scope.mode
    if scope.district:
        base["district"] = scope.district.pk
    q = urlencode(base)
    sep = "&" if q else ""

    def url(name, extra=""):
        return f"{reverse(name)}?{q}{sep if extra else ''}{extra}"

    return {
        "inspections": url("campaigns:inspection_list"),
        "problems_found": url("findings:problem_list"),
        "fed_back": url("findings:problem_list", "stage=fed_back"),
        "rectified": url("findings:problem_list", "stage=rectified"),
        "clues": url("findings:clue_list", "status=transferred"),
        "clues_discipline": url("findings:clue_list", "destination=discipline"),
        "clues_orgdept": url("findings:clue_list", "destination=org_dept"),
        "petitions": url("findings:petition_list"),
        "handover": url("rectification:handover_list"),
        "handover_closed": url("rectification:handover_list", "status=closed"),
        "overdue": url("rectification:measure_list", "overdue=true"),
        "villages": url("findings:problem_list", "level=village"),
    }


# --- Reminders (the bell) ---------------------------------------------------------------------


@login_required
def reminders(request):
    """My reminders, newest first; opening the page marks them read."""
    rows = list(Reminder.objects.filter(user=request.user).order_by("-created_at")[:200])
    Reminder.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "reports/reminders.html", {"rows": rows})


def unread_reminders(request):
    """Context processor: the bell's count (one small indexed query per page)."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_reminders": Reminder.objects.filter(user=request.user, read_at__isnull=True).count()}
