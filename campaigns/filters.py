import django_filters
from django.utils.translation import gettext_lazy as _

from xuncha.filtering import XunchaFilterSet, date_range, inspection_filters, yes_no

from .models import (
    CadreSource,
    Inspection,
    InspectionStatus,
    Organization,
    OrgLevel,
    Person,
    Round,
    RoundStatus,
    Team,
    Term,
)


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
