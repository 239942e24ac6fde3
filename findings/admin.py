"""Admin for petitions, the problem taxonomy, problems, notices, clues and sanctions.

Petitions and clues are confidential (DESIGN.md §1): their admins log every read, and the
petitioner's name is neither listed nor searchable.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Q

from accounts.admin_base import DomainRecordAdmin, ScopedRelatedFilter, XunchaAdmin, related_column

from . import services
from .models import (
    Clue,
    ClueStatus,
    CommonProblem,
    ImmediateNotice,
    Petition,
    PetitionAttachment,
    Problem,
    ProblemCategory,
    ReadLog,
    ReadVia,
    ReviewNote,
    Sanction,
)
from .readlog import log_export, log_reads, read_log_visible_to
from .review_selectors import review_notes_visible_to
from .selectors import (
    categories_for,
    clues_visible_to,
    common_problems_visible_to,
    notices_visible_to,
    petitions_visible_to,
    problems_visible_to,
    sanctions_visible_to,
)

ORGANIZATION = "inspection__organization"


class TopCategoryFilter(admin.SimpleListFilter):
    """The three major problems (三大问题): a top-level category and everything under it."""

    title = "问题大类"
    parameter_name = "top_category"
    category_path = "category"

    def lookups(self, request, model_admin):
        return [(c.pk, c.name) for c in categories_for(request.user).filter(parent__isnull=True)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        path = self.category_path
        return queryset.filter(Q(**{f"{path}_id": self.value()}) | Q(**{f"{path}__parent_id": self.value()}))


class ConfidentialAdmin(DomainRecordAdmin):
    """Petitions and clues: every record opened and every list shown goes into the read log."""

    confidential = True

    def log_read(self, request, object_id: str | None = None, page: str = "") -> None:
        super().log_read(request, object_id, page)
        if object_id is None:
            log_export(user=request.user, model=self.model, rows=None, query=request.GET.urlencode(), via=ReadVia.ADMIN)
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            log_reads(user=request.user, records=[obj], via=ReadVia.ADMIN)


@admin.register(Petition)
class PetitionAdmin(ConfidentialAdmin):
    visible_to = staticmethod(petitions_visible_to)
    managed_by = ORGANIZATION
    list_display = (
        "number",
        "subject",
        related_column(ORGANIZATION, "被巡察党组织", "inspection__organization__name"),
        "channel",
        "received_on",
        "is_anonymous",
        "handling",
    )
    list_select_related = (ORGANIZATION,)
    search_fields = ("subject", "content", "number__exact", "inspection__organization__name")
    list_filter = ("channel", "handling", "is_anonymous", "inspection__mode")
    date_hierarchy = "received_on"
    ordering = ("-id",)
    show_full_result_count = False
    fixed_fields = ("inspection", "number")

    def withdraw(self, *, record, user, reason):
        return services.petition_withdraw(user=user, petition=record, reason=reason)


@admin.register(PetitionAttachment)
class PetitionAttachmentAdmin(XunchaAdmin):
    """A public petition's attachments, listed only (the file is served by the checked view,
    never through the admin); reading one is reading its petition."""

    confidential = True
    list_display = ("original_name", "petition", "content_type", "size", "uploaded_at")
    list_select_related = ("petition",)
    search_fields = ("original_name", "=sha256")
    ordering = ("-id",)
    exclude = ("file",)

    @staticmethod
    def visible_to(user):
        return PetitionAttachment.objects.filter(petition__in=petitions_visible_to(user))

    def log_read(self, request, object_id: str | None = None, page: str = "") -> None:
        super().log_read(request, object_id, page)
        if object_id is None:
            log_export(user=request.user, model=Petition, rows=None, query=request.GET.urlencode(), via=ReadVia.ADMIN)
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            log_reads(user=request.user, records=[obj.petition], via=ReadVia.ADMIN)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProblemCategory)
class ProblemCategoryAdmin(XunchaAdmin):
    """The taxonomy the office edits; a category falls out of use by switching off 启用."""

    visible_to = staticmethod(categories_for)
    list_display = ("code", "name", "parent", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    list_filter = ("is_active", ("parent", admin.RelatedOnlyFieldListFilter))
    autocomplete_fields = ("parent",)


@admin.register(CommonProblem)
class CommonProblemAdmin(XunchaAdmin):
    visible_to = staticmethod(common_problems_visible_to)
    list_display = ("title", "category", "created_by", "created_at")
    list_select_related = ("category", "created_by")
    search_fields = ("title", "description")
    list_filter = (TopCategoryFilter,)
    autocomplete_fields = ("category",)
    readonly_fields = ("created_by", "created_at")
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Problem)
class ProblemAdmin(DomainRecordAdmin):
    visible_to = staticmethod(problems_visible_to)
    managed_by = ORGANIZATION
    list_display = (
        "number",
        "title",
        related_column(ORGANIZATION, "被巡察党组织", "inspection__organization__name"),
        "category",
        "method",
        "status",
        "fed_back_on",
    )
    list_display_links = ("number", "title")
    list_select_related = (ORGANIZATION, "category")
    search_fields = (
        "title",
        "number__exact",
        "inspection__organization__name",
        "=inspection__organization__code",
    )
    list_filter = (
        "status",
        TopCategoryFilter,
        "method",
        "inspection__mode",
        "inspection__organization__level",
        ("inspection__round", ScopedRelatedFilter),
    )
    autocomplete_fields = ("category", "involved_organization", "source_petition", "common_problem")
    date_hierarchy = "created_at"
    ordering = ("-id",)  # newest first on the primary key; the model's ordering joins inspections
    show_full_result_count = False
    fixed_fields = ("inspection", "number")
    workflow_fields = (
        "status",
        "drafted_by",
        "handler_signed_at",
        "deputy_signed_by",
        "deputy_signed_at",
        "leader_signed_by",
        "leader_signed_at",
        "fed_back_on",
        "rectified_on",
    )

    def withdraw(self, *, record, user, reason):
        return services.problem_withdraw(user=user, problem=record, reason=reason)


@admin.register(ImmediateNotice)
class ImmediateNoticeAdmin(DomainRecordAdmin):
    visible_to = staticmethod(notices_visible_to)
    managed_by = "problem__inspection__organization"
    list_display = (
        "number",
        "problem",
        related_column("problem__inspection__organization", "被巡察党组织", "problem__inspection__organization__name"),
        "issued_on",
        "deadline",
        "completed_on",
        "issued_by",
    )
    list_select_related = ("problem__inspection__organization", "issued_by")
    search_fields = ("requirement", "problem__title", "problem__inspection__organization__name")
    list_filter = (("completed_on", admin.EmptyFieldListFilter),)
    date_hierarchy = "issued_on"
    ordering = ("-id",)
    fixed_fields = ("problem", "number")
    workflow_fields = ("issued_by", "completed_on", "result")


@admin.register(Clue)
class ClueAdmin(ConfidentialAdmin):
    visible_to = staticmethod(clues_visible_to)
    managed_by = ORGANIZATION
    list_display = (
        "number",
        "subject_name",
        "subject_position",
        related_column(ORGANIZATION, "被巡察党组织", "inspection__organization__name"),
        "destination",
        "status",
        "transferred_on",
        "disposition",
    )
    list_display_links = ("number", "subject_name")
    list_select_related = (ORGANIZATION,)
    search_fields = ("subject_name", "subject_position", "number__exact", "inspection__organization__name")
    list_filter = ("destination", "status", "disposition", "inspection__mode", "inspection__organization__level")
    autocomplete_fields = ("source_petition",)
    date_hierarchy = "transferred_on"
    ordering = ("-id",)
    show_full_result_count = False
    fixed_fields = ("inspection", "number")
    workflow_fields = (
        "status",
        "transferred_on",
        "transferred_by",
        "disposition",
        "disposed_on",
        "disposition_note",
        "disposed_by",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status != ClueStatus.DRAFT:
            fields.append("destination")  # the receiving body holds it now
        return fields

    def withdraw(self, *, record, user, reason):
        return services.clue_withdraw(user=user, clue=record, reason=reason)


@admin.register(Sanction)
class SanctionAdmin(DomainRecordAdmin):
    visible_to = staticmethod(sanctions_visible_to)
    managed_by = ORGANIZATION
    list_display = (
        "person_name",
        "person_position",
        "kind",
        "source",
        related_column(ORGANIZATION, "被巡察党组织", "inspection__organization__name"),
        "decided_on",
    )
    list_select_related = (ORGANIZATION,)
    search_fields = ("person_name", "person_position", "inspection__organization__name")
    list_filter = ("kind", "source", "inspection__mode")
    date_hierarchy = "decided_on"
    ordering = ("-id",)
    fixed_fields = ("inspection", "source", "clue", "problem")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the app alone: staff look, nobody adds, changes or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReadLog)
class ReadLogAdmin(ReadOnlyAdmin):
    """Read-only: rows are written when a petition or clue is read, never changed. Staff see
    the reads of their subtree (as on /audit/reads/)."""

    list_display = ("at", "user", "kind", "via", "label", "rows", "query")
    list_select_related = ("user",)
    list_filter = ("kind", "via")
    search_fields = ("user__username", "label")
    date_hierarchy = "at"
    fields = ("at", "user", "kind", "via", "record_id", "label", "rows", "query", "scope_path")
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs & read_log_visible_to(request.user)


@admin.register(ReviewNote)
class ReviewNoteAdmin(ReadOnlyAdmin):
    """Read-only: a note moves only through its services (raise, answer, clear), which check
    who may take each step; staff see the notes of their subtree."""

    list_display = ("id", "problem", "author", "author_role", "status", "created_at", "cleared_at")
    list_select_related = ("problem", "author")
    list_filter = ("status", "author_role")
    search_fields = ("text", "answer", "problem__title")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ReviewNote._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs & review_notes_visible_to(request.user)
