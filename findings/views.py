"""Petitions, problems, clues and common problems: lists, pages and workflow steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from xuncha.actions import action_view, refusal_text
from xuncha.listing import Column, ListPage, display
from xuncha.records import allowed

from . import services as s
from .filters import ClueFilter, CommonProblemFilter, PetitionFilter, ProblemFilter
from .forms import (
    BulkCategoryForm,
    CommonProblemForm,
    DateOnlyForm,
    SignOffForm,
)
from .models import PetitionAttachment, ReadVia
from .readlog import log_export, log_reads
from .selectors import (
    clues_visible_to,
    common_problems_visible_to,
    petitions_visible_to,
    problems_visible_to,
    sanctions_visible_to,
)
from .steps import INSPECTION_RELATED, PROBLEM, problem_url

TEAM_SIDE = (Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR)


class ConfidentialList(ListPage):
    """A list of petitions or clues: each page shown and each file exported is in the read log."""

    def rows_shown(self, rows: list) -> None:
        log_reads(user=self.request.user, records=rows, via=ReadVia.LIST, query=self.request.GET.urlencode())

    def exported(self, qs) -> None:
        log_export(user=self.request.user, model=qs.model, rows=qs.count(), query=self.request.GET.urlencode())


# --- Lists ----------------------------------------------------------------------------------


class ProblemList(ListPage):
    title = _("问题")
    selector = problems_visible_to
    filterset_class = ProblemFilter
    related = (*INSPECTION_RELATED, "category__parent")
    roles = TEAM_SIDE
    detail_url_name = "rectification:problem_detail"
    # Not the inspection's on-site date: sorting a million problems through a join took seconds
    # for page 1. Inspection ids follow the plan, and the index on inspection_id serves this.
    default_sort = "-inspection_id"
    bulk_actions = [
        ("sign_off", _("批量签署底稿")),
        ("category", _("调整类别")),
        ("common", _("归入共性问题")),
        ("feed_back", _("反馈所属巡察")),
    ]
    ledger = "problems"
    columns = [
        Column(_("问题概述"), "title", sort="title", link=True),
        Column(_("被巡察党组织"), "inspection.organization.name", sort="inspection__organization__name"),
        Column(_("轮次"), "inspection.round.name", sort="inspection__round__number"),
        Column(_("三大问题"), lambda p: p.category.top.name),
        Column(_("类别"), "category.name", sort="category__code"),
        Column(_("发现方式"), display("method"), sort="method"),
        Column(_("状态"), display("status"), sort="status"),
        Column(_("反馈日期"), "fed_back_on", sort="fed_back_on"),
    ]

    def bulk_actions_for(self, user) -> list[tuple[str, str]]:
        """Office staff get every bulk action; team members only the sign-off of their papers."""
        if user.has_role(Role.OFFICE_ADMIN):
            return self.bulk_actions
        return self.bulk_actions[:1] if user.has_role(Role.INSPECTOR) else []

    def post(self, request):
        """Bulk actions: each goes through a form that says what it will do, then a service."""
        ids = request.POST.getlist("ids")
        action = request.POST.get("action")
        problems = list(
            problems_visible_to(request.user)
            .live()
            .filter(pk__in=[i for i in ids if i.isdigit()])
            .select_related(*INSPECTION_RELATED)
        )
        if not problems:
            messages.error(request, _("请先勾选要处理的问题。"))
            return redirect(request.get_full_path())
        forms = {
            "sign_off": SignOffForm,
            "category": BulkCategoryForm,
            "common": CommonProblemForm,
            "feed_back": DateOnlyForm,
        }
        if action in forms and action not in dict(self.bulk_actions_for(request.user)):
            raise PermissionDenied(_("您的角色不能进行此批量操作。"))
        if action not in forms:
            messages.error(request, _("请选择批量操作。"))
            return redirect(request.get_full_path())
        kwargs = {"user": request.user} if action == "common" else {}
        form = forms[action](request.POST if "confirm" in request.POST else None, **kwargs)
        if form.is_bound and form.is_valid():
            try:
                done = bulk_problem_action(request.user, action, problems, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, refusal_text(exc))
            else:
                messages.success(request, done)
                return redirect(request.get_full_path())
        return render(
            request,
            "findings/problem_bulk.html",
            {"form": form, "problems": problems, "action": action, "label": dict(self.bulk_actions)[action]},
            status=400 if form.is_bound else 200,
        )


def bulk_problem_action(user, action: str, problems, data) -> str:
    if action == "sign_off":
        n = s.problems_sign_off(user=user, problems=problems, step=data["step"])
        return _("已签署%(n)d份底稿（%(step)s）。") % {"n": n, "step": s.STEPS[data["step"]].label}
    if action == "category":
        n = s.problems_set_category(user=user, problems=problems, category=data["category"])
        return _("已调整%(n)d个问题的类别。") % {"n": n}
    if action == "common":
        common = data["existing"] or s.common_problem_create(
            user=user, title=data["title"], category=problems[0].category
        )
        n = s.problems_link_common(user=user, problems=problems, common=common)
        return _("已将%(n)d个问题归入共性问题“%(t)s”。") % {"n": n, "t": common.title}
    inspections = {p.inspection_id: p.inspection for p in problems}
    for inspection in inspections.values():
        s.inspection_feed_back(user=user, inspection=inspection, feedback_date=data["on"])
    return _("已反馈%(n)d个巡察。") % {"n": len(inspections)}


class PetitionList(ConfidentialList):
    title = _("信访件")
    selector = petitions_visible_to
    filterset_class = PetitionFilter
    related = INSPECTION_RELATED
    roles = TEAM_SIDE
    detail_url_name = "findings:petition_detail"
    default_sort = "-received_on"
    ledger = "petitions"
    columns = [
        Column(_("反映对象/事项"), "subject", sort="subject", link=True),
        Column(_("被巡察党组织"), "inspection.organization.name", sort="inspection__organization__name"),
        Column(_("轮次"), "inspection.round.name"),
        Column(_("来源渠道"), display("channel"), sort="channel"),
        Column(_("受理日期"), "received_on", sort="received_on"),
        Column(_("办理方式"), display("handling"), sort="handling"),
    ]


class ClueList(ConfidentialList):
    title = _("问题线索")
    selector = clues_visible_to
    filterset_class = ClueFilter
    related = INSPECTION_RELATED
    roles = (*TEAM_SIDE, Role.DISCIPLINE_LIAISON, Role.ORGDEPT_LIAISON)
    detail_url_name = "findings:clue_detail"
    default_sort = "-transferred_on"
    ledger = "clues"
    columns = [
        Column(_("反映对象"), "subject_name", sort="subject_name", link=True),
        Column(_("职务"), "subject_position"),
        Column(_("被巡察党组织"), "inspection.organization.name", sort="inspection__organization__name"),
        Column(_("移交去向"), display("destination"), sort="destination"),
        Column(_("状态"), display("status"), sort="status"),
        Column(_("移交日期"), "transferred_on", sort="transferred_on"),
        Column(_("处置方式"), display("disposition"), sort="disposition"),
    ]


class CommonProblemList(ListPage):
    title = _("共性问题")
    selector = common_problems_visible_to
    filterset_class = CommonProblemFilter
    related = ("category",)
    roles = (Role.OFFICE_ADMIN, Role.LEADER)
    detail_url_name = "findings:common_detail"
    default_sort = "-created_at"
    columns = [
        Column(_("名称"), "title", sort="title", link=True),
        Column(_("类别"), "category.name"),
        Column(_("设立时间"), "created_at", sort="created_at"),
    ]


# --- Pages ----------------------------------------------------------------------------------
# The problem page shows measures too, so it lives in rectification.views (the top of the chain).


@login_required
def petition_detail(request, pk):
    petition = get_object_or_404(
        petitions_visible_to(request.user).select_related(*INSPECTION_RELATED, "category"), pk=pk
    )
    can_withdraw = allowed(s.petition_withdraw_check, user=request.user, petition=petition)
    log_reads(user=request.user, records=[petition], via=ReadVia.DETAIL)
    return render(
        request,
        "findings/petition_detail.html",
        {
            "petition": petition,
            "can_withdraw": can_withdraw,
            "history": _history(petition),
            "attachments": list(petition.attachments.order_by("pk")),
        },
    )


@login_required
def clue_detail(request, pk):
    clue = get_object_or_404(
        clues_visible_to(request.user).select_related(*INSPECTION_RELATED, "transferred_by", "disposed_by"), pk=pk
    )
    user = request.user
    can = {
        "transfer": allowed(s.clue_transfer_check, user=user, clue=clue),
        "dispose": allowed(s.clue_dispose_check, user=user, clue=clue),
        "sanction": allowed(s.clue_sanction_check, user=user, clue=clue),
        "withdraw": allowed(s.clue_withdraw_check, user=user, clue=clue),
    }
    sanctions = sanctions_visible_to(user).live().filter(clue=clue)
    log_reads(user=user, records=[clue], via=ReadVia.DETAIL)
    return render(
        request,
        "findings/clue_detail.html",
        {"clue": clue, "can": can, "sanctions": sanctions, "history": _history(clue)},
    )


@login_required
def common_detail(request, pk):
    """Every unit with this problem, its measures and how many are rectified."""
    common = get_object_or_404(common_problems_visible_to(request.user).select_related("category"), pk=pk)
    problems = (
        problems_visible_to(request.user)
        .live()
        .filter(common_problem=common)
        .select_related("inspection__organization", "inspection__round")
        .annotate(
            # Reverse relation by name: the measures table belongs to rectification.
            measure_count=Count("measures", filter=Q(measures__withdrawn_at__isnull=True)),
            measures_done=Count(
                "measures",
                filter=Q(measures__withdrawn_at__isnull=True, measures__status__in=["accepted", "ongoing"]),
            ),
        )
        .order_by("inspection__organization__path")
    )
    rows = list(problems)
    rectified = sum(1 for p in rows if p.status in ("rectified", "ongoing"))
    return render(
        request,
        "findings/common_detail.html",
        {"common": common, "problems": rows, "rectified": rectified, "history": _history(common)},
    )


def _history(record, limit: int = 50):
    return record.history.select_related("history_user").order_by("-history_date")[:limit]


@login_required
def petition_attachment(request, pk):
    """A public petition's attachment, served only here, to those who may read the petition
    (404 otherwise); each download is a read of the petition in the read log."""
    attachment = get_object_or_404(
        PetitionAttachment.objects.select_related("petition__inspection__organization").filter(
            petition__in=petitions_visible_to(request.user)
        ),
        pk=pk,
    )
    log_reads(user=request.user, records=[attachment.petition], via=ReadVia.DETAIL)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- The three signatures on a working paper (every other step: steps.py) ----------------------


SIGN_STEPS = {
    "sign-handler": (s.problem_sign_handler_check, s.problem_sign_handler, _("承办人已签字。")),
    "sign-deputy": (s.problem_sign_deputy_check, s.problem_sign_deputy, _("副组长已审核。")),
    "approve": (s.problem_approve_check, s.problem_approve, _("组长已审定，问题已确认。")),
}


@require_POST
@login_required
def problem_sign(request, pk, step):
    problem = PROBLEM.find(request.user, pk)
    if step not in SIGN_STEPS:
        raise PermissionDenied
    check, call, success = SIGN_STEPS[step]
    return action_view(
        request,
        title=success,
        check=lambda: check(user=request.user, problem=problem),
        call=lambda: call(user=request.user, problem=problem),
        success=success,
        back_url=problem_url(problem),
    )
