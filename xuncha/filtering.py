"""What every list's FilterSet shares: Bootstrap widgets, a keyword box, choices limited to the
user's jurisdiction, and the filters of the inspection a record hangs off."""

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from campaigns.models import InspectionMode, Organization, OrgLevel, Round
from campaigns.selectors import organizations_visible_to, rounds_visible_to


class FastSelect(forms.Select):
    """A <select> whose options are written here, not through one template include each.

    A province's office sees over a thousand rounds in the round filter; rendering them through
    Django's widget templates was four fifths of a list page's time (130 of 160 ms)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, mark_safe(" selected") if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class DateInput(forms.DateInput):
    input_type = "date"


def date_range(field_name: str, label: str) -> django_filters.DateFromToRangeFilter:
    return django_filters.DateFromToRangeFilter(
        field_name=field_name, label=label, widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    )


def districts_for(request):
    """Subtree roots offered in the filter: committees and districts the user can see."""
    if request is None:
        return Organization.objects.none()
    return organizations_visible_to(request.user).filter(level__in=[OrgLevel.COMMITTEE, OrgLevel.DISTRICT])


def rounds_for(request):
    if request is None:
        return Round.objects.none()
    return rounds_visible_to(request.user).select_related("term")


YES_NO = forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])


def yes_no(label: str, **kwargs) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(label=label, widget=YES_NO, **kwargs)


class XunchaFilterSet(django_filters.FilterSet):
    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            if hasattr(field, "empty_label"):
                field.empty_label = _("全部")
            elif isinstance(field, forms.ChoiceField) and field.choices and field.choices[0][0] == "":
                field.choices = [("", _("全部")), *list(field.choices)[1:]]
            widget = field.widget
            subwidgets = getattr(widget, "widgets", [widget])
            for w in subwidgets:
                css = "form-select form-select-sm" if isinstance(w, forms.Select) else "form-control form-control-sm"
                w.attrs["class"] = css
        if not self.search_fields:
            self.filters.pop("q", None)
            self.form.fields.pop("q", None)

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


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
