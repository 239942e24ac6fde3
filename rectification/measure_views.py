"""Measures, evidence, handover items and supervision lists, and the unit liaison's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import organization_ids, path_q, subtree_paths
from accounts.models import Role
from findings.models import ProblemStatus
from findings.selectors import problems_visible_to
from xuncha.actions import refusal_text
from xuncha.listing import Column, ListPage, display
from xuncha.records import allowed

from . import services as s
from .filters import HandoverFilter, MeasureFilter, SupervisionFilter
from .forms import BulkUnitForm
from .models import MEASURE_DONE, HandoverStatus
from .selectors import (
    evidence_visible_to,
    handover_items_visible_to,
    measures_visible_to,
    supervision_actions_visible_to,
)
from .steps import MEASURE, MEASURE_RELATED

OFFICE_AND_LEADERS = (Role.OFFICE_ADMIN, Role.LEADER)


def deadline_light(measure) -> str:
    """Red: overdue; yellow: due within 7 days; green: on time or done."""
    if measure.status in MEASURE_DONE:
        return "green"
    days = (measure.deadline - timezone.localdate()).days
    return "red" if days < 0 else "yellow" if days <= 7 else "green"


LIGHT_LABEL = {"red": _("已超期"), "yellow": _("7日内到期"), "green": _("正常")}


def light_badge(measure) -> str:
    light = deadline_light(measure)
    return format_html('<span class="dot dot-{}"></span>{}', light, LIGHT_LABEL[light])


class MeasureList(ListPage):
    title = _("整改措施")
    selector = measures_visible_to
    filterset_class = MeasureFilter
    related = MEASURE_RELATED
    roles = OFFICE_AND_LEADERS
    detail_url_name = "rectification:measure_detail"
    default_sort = "deadline"
    bulk_actions = [("unit", _("调整责任单位"))]
    bulk_roles = (Role.OFFICE_ADMIN,)  # leaders only read
    ledger = "rectification"
    columns = [
        Column(_("整改措施"), lambda m: m.content[:40], sort="content", link=True),
        Column(_("问题"), "problem.title", sort="problem__title"),
        Column(
            _("被巡察党组织"), "problem.inspection.organization.name", sort="problem__inspection__organization__name"
        ),
        Column(_("责任单位"), "responsible_unit.name"),
        Column(_("责任人"), "responsible_person"),
        Column(_("完成时限"), "deadline", sort="deadline"),
        Column(_("状态"), display("status"), sort="status"),
        Column(_("督办"), light_badge, css="text-nowrap"),
    ]

    def post(self, request):
        ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
        measures = list(measures_visible_to(request.user).live().filter(pk__in=ids).select_related(*MEASURE_RELATED))
        if not measures or request.POST.get("action") != "unit":
            messages.error(request, _("请先勾选整改措施并选择批量操作。"))
            return redirect(request.get_full_path())
        form = BulkUnitForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                n = s.measures_assign_unit(user=request.user, measures=measures, unit=form.cleaned_data["unit"])
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, refusal_text(exc))
            else:
                messages.success(request, _("已调整%(n)d项措施的责任单位。") % {"n": n})
                return redirect(request.get_full_path())
        return render(
            request,
            "rectification/measure_bulk.html",
            {"form": form, "measures": measures, "action": "unit"},
            status=400 if form.is_bound else 200,
        )


class HandoverList(ListPage):
    title = _("转交办事项")
    selector = handover_items_visible_to
    filterset_class = HandoverFilter
    related = ("inspection__organization", "inspection__round")
    roles = (Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR)
    default_sort = "-handed_over_on"
    ledger = "handover"
    columns = [
        Column(
            _("事项"),
            "title",
            sort="title",
            href=lambda h: reverse("rectification:handover_close", args=[h.pk]) if h.may_close else None,
        ),
        Column(_("被巡察党组织"), "inspection.organization.name"),
        Column(_("承办部门"), "department", sort="department"),
        Column(_("转交日期"), "handed_over_on", sort="handed_over_on"),
        Column(_("办理时限"), "deadline", sort="deadline"),
        Column(_("状态"), display("status"), sort="status"),
        Column(_("办结日期"), "closed_on", sort="closed_on"),
    ]

    def get_queryset(self):
        # Only the office over the unit closes (办结) an item: leaders and teams read the title
        # without a link to a step they would be refused.
        office = path_q("inspection__organization__path", subtree_paths(self.request.user, Role.OFFICE_ADMIN))
        may_close = ExpressionWrapper(office & Q(status=HandoverStatus.OPEN), output_field=BooleanField())
        return super().get_queryset().annotate(may_close=may_close)


class SupervisionList(ListPage):
    title = _("督查督办")
    selector = supervision_actions_visible_to
    filterset_class = SupervisionFilter
    related = ("inspection__organization", "acted_by")
    roles = OFFICE_AND_LEADERS
    default_sort = "-acted_on"
    ledger = "supervision"
    columns = [
        Column(_("督办方式"), display("kind"), sort="kind"),
        Column(
            _("被巡察党组织"),
            "inspection.organization.name",
            href=lambda a: reverse("rectification:inspection_detail", args=[a.inspection_id]) + "?tab=supervision",
        ),
        Column(_("对象"), "target_person"),
        Column(_("日期"), "acted_on", sort="acted_on"),
        Column(_("内容"), lambda a: a.content[:50]),
        Column(_("经办人"), "acted_by"),
    ]


@login_required
def measure_detail(request, pk):
    measure = MEASURE.find(request.user, pk)
    user = request.user
    can = {
        "report": allowed(s.measure_report_check, user=user, measure=measure),
        "verify": allowed(s.measure_verify_check, user=user, measure=measure),
        "withdraw": allowed(s.measure_withdraw_check, user=user, measure=measure),
    }
    evidence = evidence_visible_to(user).filter(measure=measure).select_related("uploaded_by")
    history = measure.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "rectification/measure_detail.html",
        {"measure": measure, "can": can, "evidence": evidence, "history": history, "light": deadline_light(measure)},
    )


@login_required
def evidence_download(request, pk):
    """Evidence is served only here, after the scoping check; the stored name is random and
    the user's file name is sent back only as the download name."""
    evidence = get_object_or_404(evidence_visible_to(request.user), pk=pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
def unit_home(request):
    """The liaison's page: the problems fed back to my unit, their measures and deadlines."""
    if not request.user.has_role(Role.UNIT_LIAISON):
        raise PermissionDenied(_("此页面供被巡察单位整改联络员使用。"))
    problems = (
        problems_visible_to(request.user)
        .live()
        .filter(inspection__organization_id__in=organization_ids(request.user, Role.UNIT_LIAISON))
        .select_related("inspection__organization", "inspection__round", "category")
        .order_by("status", "inspection__rectification_deadline", "number")
    )
    measures = (
        measures_visible_to(request.user)
        .live()
        .filter(problem__in=problems)
        .select_related("responsible_unit")
        .order_by("deadline")
    )
    by_problem: dict[int, list] = {}
    for m in measures:
        m.light = deadline_light(m)
        by_problem.setdefault(m.problem_id, []).append(m)
    rows = [(p, by_problem.get(p.pk, []), allowed(s.measure_add_check, user=request.user, problem=p)) for p in problems]
    open_count = sum(1 for p, _m, _c in rows if p.status == ProblemStatus.FED_BACK)
    return render(request, "rectification/unit_home.html", {"rows": rows, "open_count": open_count})
