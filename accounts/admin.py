"""Admin for users and their role assignments. Rights live in role assignments (DESIGN.md §1);
a user or a role is deactivated, never deleted."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import services
from .admin_base import NoDeleteInline, XunchaAdmin
from .models import RoleAssignment, User, UserSession

# What only a superuser may grant: otherwise staff with user rights could raise their own.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")


class RoleAssignmentInline(NoDeleteInline):
    model = RoleAssignment
    fields = ("role", "organization", "is_active", "granted_at")
    readonly_fields = ("granted_at",)
    autocomplete_fields = ("organization",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "phone", "email", "is_staff", "is_active", "last_login")
    search_fields = ("username", "full_name", "phone", "email")
    list_filter = ("is_active", "is_staff", "is_superuser", "role_assignments__role")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),)
    inlines = [RoleAssignmentInline]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]
        if not request.user.is_superuser:
            fields += SUPERUSER_ONLY_FIELDS
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(XunchaAdmin):
    label_related = ("user", "organization")
    managed_by = "organization"
    list_display = ("user", "role", "organization", "is_active", "granted_at")
    search_fields = ("user__username", "user__full_name", "organization__name", "=organization__code")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("user", "organization")
    date_hierarchy = "granted_at"

    def create(self, *, request, obj):
        return services.role_grant(user=request.user, grantee=obj.user, role=obj.role, organization=obj.organization)


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """Read-only: rows are written at login and removed at logout; a user ends their own
    sessions at /account/sessions/."""

    list_display = ("user", "created_at", "last_seen_at", "ip", "user_agent")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name", "=ip")
    date_hierarchy = "created_at"
    fields = ("user", "created_at", "last_seen_at", "ip", "user_agent")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
