"""Petitions, problems, clues and common problems: lists, pages and workflow steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from campaigns.selectors import inspections_visible_to
from xuncha.actions import action_view, refusal_text
from xuncha.listing import Column, ListPage, display
from xuncha.records import allowed

from . import services as s
from .filters import ClueFilter, CommonProblemFilter, PetitionFilter, ProblemFilter
from .forms import (
    BulkCategoryForm,
    ClueForm,
    CommonProblemForm,
    DateOnlyForm,
    DisposeForm,
    EditProblemForm,
    NoticeCompleteForm,
    NoticeForm,
    PetitionForm,
    ProblemForm,
    ReasonForm,
    SanctionForm,
    SignOffForm,
)
from .models import PetitionAttachment, ReadVia, SanctionSource
from .readlog import log_export, log_reads
from .selectors import (
    clues_visible_to,
    common_problems_visible_to,
    notices_visible_to,
    petitions_visible_to,
    problems_visible_to,
    sanctions_visible_to,
)

TEAM_SIDE = (Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR)
INSPECTION_RELATED = ("inspection__round", "inspection__team", "inspection__organization")


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


# --- Creating records inside an inspection ----------------------------------------------------


def _inspection(request, pk):
    return get_object_or_404(inspections_visible_to(request.user).select_related("organization", "team"), pk=pk)


def _hub(inspection, tab: str) -> str:
    return reverse("rectification:inspection_detail", args=[inspection.pk]) + f"?tab={tab}"


@login_required
def problem_create(request, pk):
    inspection = _inspection(request, pk)
    return action_view(
        request,
        title=_("新增问题底稿"),
        subject=inspection,
        check=lambda: s.problem_draft_check(user=request.user, inspection=inspection),
        call=lambda **data: s.problem_draft(user=request.user, inspection=inspection, **data),
        success=_("底稿已保存，请承办人签字。"),
        back_url=_hub(inspection, "problems"),
        form_class=ProblemForm,
        next_url=lambda problem: reverse("rectification:problem_detail", args=[problem.pk]),
    )


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


@login_required
def petition_create(request, pk):
    inspection = _inspection(request, pk)
    return action_view(
        request,
        title=_("登记信访件"),
        subject=inspection,
        check=lambda: s.petition_register_check(user=request.user, inspection=inspection),
        call=lambda **data: s.petition_register(user=request.user, inspection=inspection, **data),
        success=_("信访件已登记。"),
        back_url=_hub(inspection, "petitions"),
        form_class=PetitionForm,
    )


@login_required
def clue_create(request, pk):
    inspection = _inspection(request, pk)
    return action_view(
        request,
        title=_("登记问题线索"),
        subject=inspection,
        check=lambda: s.clue_register_check(user=request.user, inspection=inspection),
        call=lambda **data: s.clue_register(user=request.user, inspection=inspection, **data),
        success=_("线索已登记。"),
        back_url=_hub(inspection, "clues"),
        form_class=ClueForm,
        next_url=lambda clue: reverse("findings:clue_detail", args=[clue.pk]),
    )


# --- Workflow steps on a problem --------------------------------------------------------------


def _problem(request, pk):
    return get_object_or_404(problems_visible_to(request.user).select_related(*INSPECTION_RELATED), pk=pk)


def _problem_url(problem) -> str:
    return reverse("rectification:problem_detail", args=[problem.pk])


SIGN_STEPS = {
    "sign-handler": (s.problem_sign_handler_check, s.problem_sign_handler, _("承办人已签字。")),
    "sign-deputy": (s.problem_sign_deputy_check, s.problem_sign_deputy, _("副组长已审核。")),
    "approve": (s.problem_approve_check, s.problem_approve, _("组长已审定，问题已确认。")),
}


@require_POST
@login_required
def problem_sign(request, pk, step):
    problem = _problem(request, pk)
    if step not in SIGN_STEPS:
        raise PermissionDenied
    check, call, success = SIGN_STEPS[step]
    return action_view(
        request,
        title=success,
        check=lambda: check(user=request.user, problem=problem),
        call=lambda: call(user=request.user, problem=problem),
        success=success,
        back_url=_problem_url(problem),
    )


@login_required
def problem_edit(request, pk):
    problem = _problem(request, pk)
    initial = {
        "title": problem.title,
        "description": problem.description,
        "category": problem.category_id,
        "method": problem.method,
        "involved_organization": problem.involved_organization,
        "version": problem.version,
    }
    return action_view(
        request,
        title=_("修改底稿"),
        subject=problem,
        check=lambda: s.problem_update_check(user=request.user, problem=problem),
        call=lambda version, **data: s.problem_update(
            user=request.user, problem=problem, expected_version=version, **data
        ),
        success=_("底稿已修改；已签字的须重新签字。"),
        back_url=_problem_url(problem),
        form_class=EditProblemForm,
        initial=initial,
    )


@login_required
def problem_return(request, pk):
    problem = _problem(request, pk)
    return action_view(
        request,
        title=_("退回底稿"),
        subject=problem,
        check=lambda: s.problem_return_check(user=request.user, problem=problem),
        call=lambda reason: s.problem_return(user=request.user, problem=problem, reason=reason),
        success=_("底稿已退回承办人。"),
        back_url=_problem_url(problem),
        form_class=ReasonForm,
    )


@login_required
def problem_withdraw(request, pk):
    problem = _problem(request, pk)
    return action_view(
        request,
        title=_("撤销问题"),
        subject=problem,
        check=lambda: s.problem_withdraw_check(user=request.user, problem=problem),
        call=lambda reason: s.problem_withdraw(user=request.user, problem=problem, reason=reason),
        success=_("问题已撤销。"),
        back_url=_problem_url(problem),
        form_class=ReasonForm,
    )


@login_required
def notice_issue(request, pk):
    problem = _problem(request, pk)
    return action_view(
        request,
        title=_("下发立行立改通知书"),
        subject=problem,
        check=lambda: s.immediate_notice_issue_check(user=request.user, problem=problem),
        call=lambda **data: s.immediate_notice_issue(user=request.user, problem=problem, **data),
        success=_("立行立改通知书已下发。"),
        back_url=_problem_url(problem),
        form_class=NoticeForm,
    )


@login_required
def notice_complete(request, pk):
    notice = get_object_or_404(notices_visible_to(request.user).select_related("problem__inspection"), pk=pk)
    return action_view(
        request,
        title=_("登记立行立改完成情况"),
        subject=notice,
        check=lambda: s.immediate_notice_complete_check(user=request.user, notice=notice),
        call=lambda **data: s.immediate_notice_complete(user=request.user, notice=notice, **data),
        success=_("已登记完成情况。"),
        back_url=_problem_url(notice.problem),
        form_class=NoticeCompleteForm,
    )


# --- Workflow steps on a clue or a petition -----------------------------------------------------


def _clue(request, pk):
    return get_object_or_404(clues_visible_to(request.user).select_related(*INSPECTION_RELATED), pk=pk)


def _clue_url(clue) -> str:
    return reverse("findings:clue_detail", args=[clue.pk])


@login_required
def clue_transfer(request, pk):
    clue = _clue(request, pk)
    return action_view(
        request,
        title=_("移交问题线索"),
        subject=clue,
        check=lambda: s.clue_transfer_check(user=request.user, clue=clue),
        call=lambda on: s.clue_transfer(user=request.user, clue=clue, transferred_on=on),
        success=_("线索已移交。"),
        back_url=_clue_url(clue),
        form_class=DateOnlyForm,
    )


@login_required
def clue_dispose(request, pk):
    clue = _clue(request, pk)
    return action_view(
        request,
        title=_("登记处置情况"),
        subject=clue,
        check=lambda: s.clue_dispose_check(user=request.user, clue=clue),
        call=lambda **data: s.clue_dispose(user=request.user, clue=clue, **data),
        success=_("处置情况已登记。"),
        back_url=_clue_url(clue),
        form_class=DisposeForm,
    )


@login_required
def clue_sanction(request, pk):
    clue = _clue(request, pk)
    return action_view(
        request,
        title=_("登记处理处分"),
        subject=clue,
        check=lambda: s.clue_sanction_check(user=request.user, clue=clue),
        call=lambda **data: s.sanction_record(
            user=request.user, inspection=clue.inspection, source=SanctionSource.CLUE, clue=clue, **data
        ),
        success=_("处理处分已登记。"),
        back_url=_clue_url(clue),
        form_class=SanctionForm,
    )


@login_required
def clue_withdraw(request, pk):
    clue = _clue(request, pk)
    return action_view(
        request,
        title=_("撤销问题线索"),
        subject=clue,
        check=lambda: s.clue_withdraw_check(user=request.user, clue=clue),
        call=lambda reason: s.clue_withdraw(user=request.user, clue=clue, reason=reason),
        success=_("线索已撤销。"),
        back_url=_clue_url(clue),
        form_class=ReasonForm,
    )


@login_required
def petition_withdraw(request, pk):
    petition = get_object_or_404(petitions_visible_to(request.user).select_related("inspection"), pk=pk)
    return action_view(
        request,
        title=_("撤销信访件"),
        subject=petition,
        check=lambda: s.petition_withdraw_check(user=request.user, petition=petition),
        call=lambda reason: s.petition_withdraw(user=request.user, petition=petition, reason=reason),
        success=_("信访件已撤销。"),
        back_url=reverse("findings:petition_detail", args=[petition.pk]),
        form_class=ReasonForm,
    )
