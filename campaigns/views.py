"""Lists of the plan (organizations, terms, rounds, teams, the cadre pool, inspections) and the
forms that change it. The inspection page itself lives in `rectification.views`, the top of
the domain chain, because it shows petitions, problems and measures too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.jurisdiction import manages
from accounts.models import Role
from xuncha.forms import apply_errors
from xuncha.listing import Column, ListPage, display

from . import services
from .filters import InspectionFilter, OrganizationFilter, PersonFilter, RoundFilter, TeamFilter, TermFilter
from .forms import InspectionCreateForm, TeamMemberForm
from .models import WENT_ON_SITE, Inspection
from .recusal import recusal_conflicts
from .selectors import (
    LEADER_FIRST,
    current_term_for,
    inspections_visible_to,
    organizations_visible_to,
    persons_visible_to,
    rounds_visible_to,
    teams_visible_to,
    terms_visible_to,
)

OFFICE_AND_LEADERS = (Role.OFFICE_ADMIN, Role.LEADER)
PLANNERS = (Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR)


class InspectionList(ListPage):
    title = _("巡察")
    selector = inspections_visible_to
    filterset_class = InspectionFilter
    related = ("round__term", "team", "organization")
    roles = PLANNERS
    detail_url_name = "rectification:inspection_detail"
    default_sort = "-onsite_start"
    actions_template = "campaigns/_inspection_list_actions.html"
    columns = [
        Column(_("被巡察党组织"), "organization.name", sort="organization__name", link=True),
        Column(_("层级"), lambda i: i.organization.get_level_display(), sort="organization__level"),
        Column(_("轮次"), "round.name", sort="round__number"),
        Column(_("巡察组"), "team.name", sort="team__number"),
        Column(_("方式"), display("mode"), sort="mode"),
        Column(_("状态"), display("status"), sort="status"),
        Column(_("进驻"), "onsite_start", sort="onsite_start"),
        Column(_("反馈"), "feedback_date", sort="feedback_date"),
        Column(_("整改期限"), "rectification_deadline", sort="rectification_deadline"),
    ]


class OrganizationList(ListPage):
    """The tree, one level at a time (`?parent=`), with coverage in the current term; a keyword
    or level filter turns it into a flat search."""

    title = _("党组织")
    selector = organizations_visible_to
    filterset_class = OrganizationFilter
    roles = OFFICE_AND_LEADERS
    template_name = "campaigns/organization_list.html"
    actions_template = "campaigns/_organization_list_actions.html"
    default_sort = "path"
    columns = [
        Column(_("名称"), "name", sort="name", href=lambda o: f"?parent={o.pk}"),
        Column(_("组织代码"), "code", sort="code"),
        Column(_("层级"), display("level"), sort="level"),
        Column(_("党组织类型"), display("party_org_type")),
        Column(_("存续"), lambda o: _("存续") if o.is_active else _("已撤销")),
        Column(_("本届已巡察"), lambda o: "✔" if getattr(o, "inspected_in_term", False) else "—"),
    ]

    def get_queryset(self):
        qs = organizations_visible_to(self.request.user)
        self.term = current_term_for(self.request.user)
        if self.term is not None:
            inspected = Inspection.objects.live().filter(
                organization=OuterRef("pk"), round__term=self.term, status__in=WENT_ON_SITE
            )
            qs = qs.annotate(inspected_in_term=Exists(inspected))
        self.parent = None
        filtering = any(self.request.GET.get(k) for k in ("q", "level", "is_active"))
        if not filtering:
            parent_id = self.request.GET.get("parent")
            if parent_id and parent_id.isdigit():
                self.parent = get_object_or_404(organizations_visible_to(self.request.user), pk=parent_id)
                qs = qs.filter(parent=self.parent)
            else:
                # The roots of the user's jurisdiction: visible organizations whose parent is not.
                visible_parents = organizations_visible_to(self.request.user).values("pk")
                qs = qs.exclude(parent__in=visible_parents)
        return qs

    def extra_context(self):
        ancestors = []
        if self.parent is not None:
            ancestors = list(
                organizations_visible_to(self.request.user)
                .filter(path__in=[*self.parent.ancestor_paths(), self.parent.path])
                .order_by("depth")
            )
        return {"parent": self.parent, "ancestors": ancestors, "term": self.term}


class TermList(ListPage):
    title = _("届次")
    selector = terms_visible_to
    filterset_class = TermFilter
    related = ("committee",)
    roles = OFFICE_AND_LEADERS
    default_sort = "-start_date"
    columns = [
        Column(_("届次"), "name", sort="name"),
        Column(_("巡察党委"), "committee.name", sort="committee__name"),
        Column(_("开始"), "start_date", sort="start_date"),
        Column(_("结束"), "end_date", sort="end_date"),
    ]


class RoundList(ListPage):
    title = _("巡察轮次")
    selector = rounds_visible_to
    filterset_class = RoundFilter
    related = ("term__committee",)
    roles = OFFICE_AND_LEADERS
    default_sort = "-start_date"
    columns = [
        Column(_("轮次"), "name", sort="number"),
        Column(_("届次"), "term.name", sort="term__name"),
        Column(_("巡察党委"), "term.committee.name"),
        Column(_("状态"), display("status"), sort="status"),
        Column(_("开始"), "start_date", sort="start_date"),
        Column(_("结束"), "end_date", sort="end_date"),
    ]


class TeamList(ListPage):
    title = _("巡察组")
    selector = teams_visible_to
    filterset_class = TeamFilter
    related = ("round__term",)
    roles = PLANNERS
    detail_url_name = "campaigns:team_detail"
    default_sort = "-round__start_date"
    columns = [
        Column(_("巡察组"), "name", sort="number", link=True),
        Column(_("轮次"), "round.name", sort="round__number"),
        Column(_("届次"), "round.term.name"),
    ]


class PersonList(ListPage):
    title = _("巡察人才库")
    selector = persons_visible_to
    filterset_class = PersonFilter
    related = ("employer", "home_district")
    roles = (Role.OFFICE_ADMIN,)
    default_sort = "name"
    columns = [
        Column(_("姓名"), "name", sort="name"),
        Column(_("工作单位"), "employer.name", sort="employer__name"),
        Column(_("职务"), "position"),
        Column(_("所在区县"), "home_district.name"),
        Column(_("来源"), display("source"), sort="source"),
        Column(_("在库"), lambda p: _("是") if p.is_active else _("否")),
    ]


@login_required
def team_detail(request, pk):
    team = get_object_or_404(teams_visible_to(request.user).select_related("round__term__committee"), pk=pk)
    members = team.members.select_related("person__employer", "person__home_district").order_by(
        LEADER_FIRST, "person__name"
    )
    inspections = inspections_visible_to(request.user).live().filter(team=team).select_related("organization")
    can_manage = manages(request.user, team.round.term.committee)
    form = TeamMemberForm(team=team, user=request.user) if can_manage else None
    return render(
        request,
        "campaigns/team_detail.html",
        {"team": team, "members": members, "inspections": inspections, "form": form, "can_manage": can_manage},
    )


def _require_team_manager(user, team) -> None:
    if not manages(user, team.round.term.committee):
        raise PermissionDenied(_("只有该巡察组所属党委的巡察办工作人员可以调整成员。"))


@login_required
def team_member_check(request, pk):
    """htmx: the recusal conflicts of a candidate, shown before saving."""
    team = get_object_or_404(teams_visible_to(request.user).select_related("round__term__committee"), pk=pk)
    _require_team_manager(request.user, team)  # conflicts name personal declarations
    form = TeamMemberForm(request.GET, team=team, user=request.user)
    conflicts = []
    if form.is_valid():
        person = form.cleaned_data["person"]
        for inspection in team.inspections.live().select_related("organization"):
            conflicts += recusal_conflicts(persons=[person], organization=inspection.organization, mode=inspection.mode)
    return render(request, "campaigns/_recusal_check.html", {"conflicts": conflicts, "checked": form.is_valid()})


@require_POST
@login_required
def team_member_add(request, pk):
    team = get_object_or_404(teams_visible_to(request.user).select_related("round__term__committee"), pk=pk)
    _require_team_manager(request.user, team)
    form = TeamMemberForm(request.POST, team=team, user=request.user)
    if form.is_valid():
        try:
            services.team_member_add(user=request.user, team=team, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已加入巡察组。"))
            return redirect("campaigns:team_detail", pk=team.pk)
    members = team.members.select_related("person__employer", "person__home_district")
    inspections = inspections_visible_to(request.user).live().filter(team=team).select_related("organization")
    return render(
        request,
        "campaigns/team_detail.html",
        {"team": team, "members": members, "inspections": inspections, "form": form, "can_manage": True},
        status=400,
    )


@login_required
def inspection_create(request):
    if not request.user.has_role(Role.OFFICE_ADMIN):
        raise PermissionDenied(_("只有巡察办工作人员可以安排巡察。"))
    form = InspectionCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("巡察已安排。"))
            return redirect("rectification:inspection_detail", pk=inspection.pk)
    return render(request, "campaigns/inspection_form.html", {"form": form}, status=400 if form.errors else 200)
