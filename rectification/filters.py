import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.filters import inspection_filters
from xuncha.filtering import date_range, yes_no

from .models import (
    MEASURE_DONE,
    HandoverItem,
    HandoverStatus,
    Measure,
    MeasureStatus,
    SupervisionAction,
    SupervisionKind,
)


class MeasureFilter(inspection_filters("problem__inspection__")):
    search_fields = ("content", "problem__title", "responsible_person")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MeasureStatus.choices)
    deadline = date_range("deadline", _("完成时限"))
    overdue = yes_no(_("已超期"), method="filter_overdue")

    class Meta:
        model = Measure
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(deadline__lt=timezone.localdate()) & ~Q(status__in=MEASURE_DONE)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class HandoverFilter(inspection_filters("inspection__")):
    search_fields = ("title", "department", "content")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=HandoverStatus.choices)
    handed_over_on = date_range("handed_over_on", _("转交日期"))

    class Meta:
        model = HandoverItem
        fields = []


class SupervisionFilter(inspection_filters("inspection__")):
    search_fields = ("content", "target_person")
    kind = django_filters.ChoiceFilter(label=_("督办方式"), choices=SupervisionKind.choices)
    acted_on = date_range("acted_on", _("日期"))

    class Meta:
        model = SupervisionAction
        fields = []
