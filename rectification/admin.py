"""Admin for measures and their evidence, handover items, rules, supervision and evaluations."""

import datetime

from django.contrib import admin
from django.utils import timezone

from accounts.admin_base import DomainRecordAdmin, ReadOnlyInline, XunchaAdmin, related_column
from findings.admin import TopCategoryFilter

from . import services
from .models import (
    MEASURE_DONE,
    Evaluation,
    Evidence,
    HandoverItem,
    Measure,
    RuleEstablished,
    SupervisionAction,
)
from .selectors import (
    evaluations_visible_to,
    evidence_visible_to,
    handover_items_visible_to,
    measures_visible_to,
    rules_visible_to,
    supervision_actions_visible_to,
)

ORGANIZATION = "inspection__organization"
MEASURE_ORGANIZATION = "problem__inspection__organization"
# A measure due within this many days shows yellow on the supervision lists (DESIGN.md §2.8).
DUE_SOON_DAYS = 15


def organization_column(path: str = ORGANIZATION):
    return related_column(path, "被巡察党组织", f"{path}__name")


class MeasureCategoryFilter(TopCategoryFilter):
    category_path = "problem__category"


class OverdueFilter(admin.SimpleListFilter):
    """督查督办 colours: overdue (red) and due soon (yellow), among measures not yet done."""

    title = "督办提示"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("red", "已逾期"), ("yellow", f"{DUE_SOON_DAYS}日内到期")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        pending = queryset.exclude(status__in=MEASURE_DONE).filter(withdrawn_at__isnull=True)
        if self.value() == "red":
            return pending.filter(deadline__lt=today)
        if self.value() == "yellow":
            return pending.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        return queryset


class EvidenceInline(ReadOnlyInline):
    """Evidence arrives with a progress report (type and size checked); here it is only listed.
    The file itself is served by the checked evidence view, never through the admin."""

    model = Evidence
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(Measure)
class MeasureAdmin(DomainRecordAdmin):
    visible_to = staticmethod(measures_visible_to)
    managed_by = MEASURE_ORGANIZATION
    list_display = (
        "number",
        "short_content",
        "problem",
        organization_column(MEASURE_ORGANIZATION),
        "responsible_unit",
        "responsible_person",
        "deadline",
        "status",
    )
    list_display_links = ("number", "short_content")
    list_select_related = (MEASURE_ORGANIZATION, "responsible_unit")
    search_fields = (
        "content",
        "responsible_person",
        "problem__title",
        "problem__inspection__organization__name",
        "=problem__inspection__organization__code",
    )
    list_filter = (
        "status",
        OverdueFilter,
        MeasureCategoryFilter,
        "problem__inspection__mode",
        "problem__inspection__organization__level",
    )
    autocomplete_fields = ("responsible_unit",)
    date_hierarchy = "deadline"
    ordering = ("-id",)
    show_full_result_count = False
    fixed_fields = ("problem", "number")
    workflow_fields = (
        "status",
        "progress",
        "reported_at",
        "reported_by",
        "verified_at",
        "verified_by",
        "verification_note",
    )
    inlines = [EvidenceInline]

    @admin.display(description="整改措施")
    def short_content(self, obj):
        return obj.content if len(obj.content) <= 40 else f"{obj.content[:40]}…"

    def withdraw(self, *, record, user, reason):
        return services.measure_withdraw(user=user, measure=record, reason=reason)


@admin.register(Evidence)
class EvidenceAdmin(XunchaAdmin):
    visible_to = staticmethod(evidence_visible_to)
    list_display = ("original_name", "measure", "content_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("measure", "uploaded_by")
    search_fields = ("original_name", "=sha256", "measure__content")
    list_filter = ("content_type",)
    date_hierarchy = "uploaded_at"
    ordering = ("-id",)
    exclude = ("file",)  # no MEDIA_URL link: evidence is served only by the checked view

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HandoverItem)
class HandoverItemAdmin(DomainRecordAdmin):
    visible_to = staticmethod(handover_items_visible_to)
    managed_by = ORGANIZATION
    list_display = (
        "number",
        "title",
        organization_column(),
        "department",
        "handed_over_on",
        "deadline",
        "status",
        "closed_on",
    )
    list_display_links = ("number", "title")
    list_select_related = (ORGANIZATION,)
    search_fields = ("title", "department", "inspection__organization__name")
    list_filter = ("status", "inspection__mode")
    autocomplete_fields = ("sanctions",)
    date_hierarchy = "handed_over_on"
    ordering = ("-id",)
    fixed_fields = ("inspection", "number")
    workflow_fields = ("status", "closed_on", "result")


@admin.register(RuleEstablished)
class RuleEstablishedAdmin(DomainRecordAdmin):
    visible_to = staticmethod(rules_visible_to)
    managed_by = ORGANIZATION
    list_display = ("title", "kind", organization_column(), "problem", "adopted_on")
    list_select_related = (ORGANIZATION, "problem")
    search_fields = ("title", "inspection__organization__name")
    list_filter = ("kind",)
    date_hierarchy = "adopted_on"
    ordering = ("-id",)
    fixed_fields = ("inspection", "problem")


@admin.register(SupervisionAction)
class SupervisionActionAdmin(DomainRecordAdmin):
    visible_to = staticmethod(supervision_actions_visible_to)
    managed_by = ORGANIZATION
    list_display = ("kind", "acted_on", organization_column(), "target_person", "acted_by", "measure")
    list_select_related = (ORGANIZATION, "acted_by", "measure")
    search_fields = ("target_person", "content", "inspection__organization__name")
    list_filter = ("kind",)
    date_hierarchy = "acted_on"
    fixed_fields = ("inspection", "measure")
    workflow_fields = ("acted_by",)


@admin.register(Evaluation)
class EvaluationAdmin(DomainRecordAdmin):
    visible_to = staticmethod(evaluations_visible_to)
    label_related = ("inspection__round", "inspection__team", ORGANIZATION)
    managed_by = ORGANIZATION
    list_display = (organization_column(), "score", "grade", "evaluated_on", "evaluated_by")
    list_select_related = (ORGANIZATION, "evaluated_by")
    search_fields = ("inspection__organization__name", "note")
    list_filter = ("grade",)
    date_hierarchy = "evaluated_on"
    ordering = ("-id",)
    fixed_fields = ("inspection",)
    workflow_fields = ("evaluated_by",)
