"""Admin for organizations, terms, rounds, the cadre pool, teams and inspections."""

from django.contrib import admin

from accounts.admin_base import (
    DomainRecordAdmin,
    NoDeleteInline,
    ScopedRelatedFilter,
    XunchaAdmin,
    related_column,
)

from . import services
from .models import ConflictDeclaration, Inspection, Organization, Person, Round, Team, TeamMember, Term
from .selectors import (
    conflicts_visible_to,
    inspections_visible_to,
    organizations_visible_to,
    persons_visible_to,
    rounds_visible_to,
    team_members_visible_to,
    teams_visible_to,
    terms_visible_to,
)


@admin.register(Organization)
class OrganizationAdmin(XunchaAdmin):
    visible_to = staticmethod(organizations_visible_to)
    managed_by = ""
    list_display = ("name", "code", "level", "party_org_type", "parent", "is_committee", "is_active")
    list_select_related = ("parent",)
    search_fields = ("name", "=code")
    list_filter = ("level", "party_org_type", "is_committee", "is_active")
    autocomplete_fields = ("parent",)
    # The tree is numbered by its materialized path; a move or a dissolution is a service.
    fixed_fields = ("parent", "path", "depth")
    workflow_fields = ("is_active", "dissolved_on")
    show_full_result_count = False

    def create(self, *, request, obj):
        return services.organization_create(
            user=request.user,
            parent=obj.parent,
            name=obj.name,
            code=obj.code,
            level=obj.level,
            party_org_type=obj.party_org_type,
            is_committee=obj.is_committee,
        )


@admin.register(Term)
class TermAdmin(XunchaAdmin):
    visible_to = staticmethod(terms_visible_to)
    managed_by = "committee"
    list_display = ("name", "committee", "start_date", "end_date")
    list_select_related = ("committee",)
    search_fields = ("name", "committee__name")
    autocomplete_fields = ("committee",)
    date_hierarchy = "start_date"

    def create(self, *, request, obj):
        return services.term_create(
            user=request.user, committee=obj.committee, name=obj.name, start_date=obj.start_date, end_date=obj.end_date
        )


@admin.register(Round)
class RoundAdmin(XunchaAdmin):
    visible_to = staticmethod(rounds_visible_to)
    label_related = ("term",)
    managed_by = "term__committee"
    list_display = ("name", "number", "term", "start_date", "end_date", "status")
    search_fields = ("name", "term__name")
    list_filter = ("status", ("term", ScopedRelatedFilter))
    autocomplete_fields = ("term",)
    date_hierarchy = "start_date"
    workflow_fields = ("status", "end_date")

    def create(self, *, request, obj):
        return services.round_create(
            user=request.user, term=obj.term, name=obj.name, start_date=obj.start_date, number=obj.number
        )


class ConflictDeclarationInline(NoDeleteInline):
    model = ConflictDeclaration
    fields = ("organization", "reason", "declared_on")
    autocomplete_fields = ("organization",)


@admin.register(Person)
class PersonAdmin(XunchaAdmin):
    visible_to = staticmethod(persons_visible_to)
    managed_by = "employer"
    list_display = ("name", "employer", "position", "home_district", "source", "phone", "user", "is_active")
    list_select_related = ("employer", "home_district", "user")
    search_fields = ("name", "phone", "employer__name", "user__username")
    list_filter = ("source", "is_active")
    autocomplete_fields = ("user", "employer", "home_district")
    inlines = [ConflictDeclarationInline]

    def create(self, *, request, obj):
        return services.person_create(
            user=request.user,
            employer=obj.employer,
            name=obj.name,
            source=obj.source,
            home_district=obj.home_district,
            position=obj.position,
            phone=obj.phone,
            account=obj.user,
            is_active=obj.is_active,
        )


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(XunchaAdmin):
    visible_to = staticmethod(conflicts_visible_to)
    label_related = ("person", "organization")
    managed_by = "person__employer"
    list_display = ("person", "organization", "reason", "declared_on")
    search_fields = ("person__name", "organization__name", "reason")
    autocomplete_fields = ("person", "organization")
    date_hierarchy = "declared_on"


class TeamMemberInline(NoDeleteInline):
    """Members are added through `team_member_add` (recusal); existing rows are read-only."""

    model = TeamMember
    fields = ("person", "role", "source")
    autocomplete_fields = ("person",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(XunchaAdmin):
    visible_to = staticmethod(teams_visible_to)
    label_related = ("round__term",)
    managed_by = "round__term__committee"
    list_display = ("name", "number", "round")
    search_fields = ("name", "round__name", "round__term__name")
    list_filter = (("round", ScopedRelatedFilter),)
    autocomplete_fields = ("round",)
    fixed_fields = ("round",)
    inlines = [TeamMemberInline]

    def create(self, *, request, obj):
        return services.team_create(user=request.user, round=obj.round, name=obj.name, number=obj.number)

    def save_formset(self, request, form, formset, change):
        if formset.model is not TeamMember:
            return super().save_formset(request, form, formset, change)
        for member in formset.save(commit=False):  # only new rows: existing ones are read-only
            created = services.team_member_add(
                user=request.user, team=form.instance, person=member.person, role=member.role, source=member.source
            )
            member.pk = created.pk
        return None


@admin.register(TeamMember)
class TeamMemberAdmin(XunchaAdmin):
    visible_to = staticmethod(team_members_visible_to)
    label_related = ("team", "person")
    managed_by = "team__round__term__committee"
    list_display = ("person", "team", "role", "source")
    search_fields = ("person__name", "team__name")
    list_filter = ("role", "source")
    autocomplete_fields = ("team", "person")
    fixed_fields = ("team", "person")

    def create(self, *, request, obj):
        return services.team_member_add(
            user=request.user, team=obj.team, person=obj.person, role=obj.role, source=obj.source
        )


@admin.register(Inspection)
class InspectionAdmin(DomainRecordAdmin):
    visible_to = staticmethod(inspections_visible_to)
    label_related = ("round__term", "team", "organization")
    managed_by = "organization"
    list_display = (
        related_column("organization", "被巡察党组织", "organization__name"),
        "round",
        "team",
        "mode",
        "status",
        "onsite_start",
        "onsite_end",
        "feedback_date",
    )
    search_fields = ("organization__name", "=organization__code", "team__name", "theme")
    list_filter = ("status", "mode", "organization__level", ("round", ScopedRelatedFilter))
    autocomplete_fields = ("round", "team", "organization", "earlier")
    date_hierarchy = "onsite_start"
    ordering = ("-id",)  # newest first on the primary key; the model's ordering joins rounds and teams
    show_full_result_count = False
    workflow_fields = ("status", "onsite_start", "onsite_end", "feedback_date", "rectification_deadline")
    # Changing the organization, team or mode would skip the recusal check of inspection_create.
    fixed_fields = ("round", "team", "organization", "mode", "earlier")
    addable = True

    def create(self, *, request, obj):
        return services.inspection_create(
            user=request.user,
            round=obj.round,
            team=obj.team,
            organization=obj.organization,
            mode=obj.mode,
            theme=obj.theme,
            earlier=obj.earlier,
        )

    def withdraw(self, *, record, user, reason):
        return services.inspection_withdraw(user=user, inspection=record, reason=reason)
