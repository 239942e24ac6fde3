import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.filters import inspection_filters
from xuncha.filtering import XunchaFilterSet, date_range, yes_no

from .models import (
    Clue,
    ClueDestination,
    ClueStatus,
    CommonProblem,
    DiscoveryMethod,
    Disposition,
    Petition,
    PetitionChannel,
    PetitionHandling,
    Problem,
    ProblemCategory,
    ProblemStatus,
    ReviewNote,
    ReviewNoteStatus,
)


class ProblemFilter(inspection_filters("inspection__")):
    search_fields = ("title", "description")
    category = django_filters.ModelChoiceFilter(
        label=_("问题类别"), queryset=ProblemCategory.objects.order_by("code"), method="filter_category"
    )
    method = django_filters.ChoiceFilter(label=_("发现方式"), choices=DiscoveryMethod.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ProblemStatus.choices)
    # The dashboard's figures count these groups of states; its numbers link here.
    stage = django_filters.ChoiceFilter(
        label=_("整改阶段"),
        choices=[("fed_back", _("已反馈（含已整改）")), ("rectified", _("已整改（含长期坚持）"))],
        method="filter_stage",
    )
    fed_back_on = date_range("fed_back_on", _("反馈日期"))
    overdue = yes_no(_("超期未整改"), method="filter_overdue")
    # Bounded: an id past 64 bits reached SQLite as an integer it cannot hold (a 500).
    common = django_filters.NumberFilter(
        field_name="common_problem", label=_("共性问题"), widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = Problem
        fields = []

    def filter_category(self, queryset, name, value):
        """A top-level category includes its sub-categories."""
        return queryset.filter(Q(category=value) | Q(category__parent=value)) if value else queryset

    def filter_stage(self, queryset, name, value):
        statuses = {
            "fed_back": [ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.ONGOING],
            "rectified": [ProblemStatus.RECTIFIED, ProblemStatus.ONGOING],
        }[value]
        return queryset.filter(status__in=statuses)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status=ProblemStatus.FED_BACK, inspection__rectification_deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PetitionFilter(inspection_filters("inspection__")):
    search_fields = ("subject", "content")
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=PetitionChannel.choices)
    handling = django_filters.ChoiceFilter(label=_("办理方式"), choices=PetitionHandling.choices)
    received_on = date_range("received_on", _("受理日期"))

    class Meta:
        model = Petition
        fields = []


class ClueFilter(inspection_filters("inspection__")):
    search_fields = ("subject_name", "summary")
    destination = django_filters.ChoiceFilter(label=_("移交去向"), choices=ClueDestination.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ClueStatus.choices)
    disposition = django_filters.ChoiceFilter(label=_("处置方式"), choices=Disposition.choices)
    transferred_on = date_range("transferred_on", _("移交日期"))

    class Meta:
        model = Clue
        fields = []


class CommonProblemFilter(XunchaFilterSet):
    search_fields = ("title", "description")

    class Meta:
        model = CommonProblem
        fields = []


class ReviewNoteFilter(XunchaFilterSet):
    search_fields = ("text", "answer", "problem__title")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReviewNoteStatus.choices)

    class Meta:
        model = ReviewNote
        fields = []
