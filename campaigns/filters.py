"""Filters of campaigns' lists, and `inspection_filters`: the filters of the inspection a
record hangs off, shared by findings' and rectification's lists."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.filtering import FastSelect, XunchaFilterSet, date_range, yes_no

from .models import (
    CadreSource,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Organization,
    OrgLevel,
    Person,
    Round,
    RoundStatus,
    Team,
    Term,
)
from .selectors import organizations_visible_to, rounds_visible_to


def districts_for(request):
    """Subtree roots offered in the filter: committees and districts the user can see."""
    if request is None:
        return Organization.objects.none()
    return organizations_visible_to(request.user).filter(level__in=[OrgLevel.COMMITTEE, OrgLevel.DISTRICT])


def rounds_for(request):
    if request is None:
        return Round.objects.none()
    return rounds_visible_to(request.user).select_related("term")


def inspection_filters(prefix: str) -> type[XunchaFilterSet]:
    """Filters by round, team, mode, district subtree and level of the inspected organization;
    `prefix` leads from the listed model to its inspection ("" for inspections themselves)."""

    class InspectionFilters(XunchaFilterSet):
        round = django_filters.ModelChoiceFilter(
            field_name=f"{prefix}round",
            label=_("轮次"),
            queryset=lambda request: rounds_for(request),
            widget=FastSelect,
        )
        team = django_filters.CharFilter(field_name=f"{prefix}team__name", label=_("巡察组"), lookup_expr="icontains")
        mode = django_filters.ChoiceFilter(
            field_name=f"{prefix}mode", label=_("巡察方式"), choices=InspectionMode.choices
        )
        district = django_filters.ModelChoiceFilter(
            label=_("区域"),
            queryset=lambda request: districts_for(request),
            method="filter_subtree",
            widget=FastSelect,
        )
        level = django_filters.ChoiceFilter(
            field_name=f"{prefix}organization__level", label=_("单位层级"), choices=OrgLevel.choices
        )
        org = django_filters.NumberFilter(label=_("组织"), method="filter_org", widget=forms.HiddenInput)

        def filter_subtree(self, queryset, name, value):
            return queryset.filter(**{f"{prefix}organization__path__startswith": value.path}) if value else queryset

        def filter_org(self, queryset, name, value):
            """Any subtree, by organization id: the target of links from the organization tree."""
            org = organizations_visible_to(self.request.user).filter(pk=value).first()
            if org is None:
                return queryset.none()
            return queryset.filter(**{f"{prefix}organization__path__startswith": org.path})

    return InspectionFilters


class InspectionFilter(inspection_filters("")):
    search_fields = ("organization__name", "organization__code", "theme")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=InspectionStatus.choices)
    onsite_start = date_range("onsite_start", _("进驻日期"))

    class Meta:
        model = Inspection
        fields = []


class OrganizationFilter(XunchaFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(label=_("层级"), choices=OrgLevel.choices)
    is_active = yes_no(_("存续"))

    class Meta:
        model = Organization
        fields = []


class TermFilter(XunchaFilterSet):
    search_fields = ("name", "committee__name")

    class Meta:
        model = Term
        fields = []


class RoundFilter(XunchaFilterSet):
    search_fields = ("name", "term__name")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RoundStatus.choices)
    start_date = date_range("start_date", _("开始日期"))

    class Meta:
        model = Round
        fields = []


class TeamFilter(XunchaFilterSet):
    search_fields = ("name", "round__name", "members__person__name")

    class Meta:
        model = Team
        fields = []

    def filter_keyword(self, queryset, name, value):
        return super().filter_keyword(queryset, name, value).distinct()


class PersonFilter(XunchaFilterSet):
    search_fields = ("name", "employer__name", "position")
    source = django_filters.ChoiceFilter(label=_("来源"), choices=CadreSource.choices)
    is_active = yes_no(_("在库"))

    class Meta:
        model = Person
        fields = []
