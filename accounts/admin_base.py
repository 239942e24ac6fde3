"""What every admin page shares: jurisdiction, no deletion, read-only workflow, history.

- Scoping (DESIGN.md §1): a non-superuser sees a table through its selector, the same
  `<things>_visible_to(user)` as every page; foreign-key choices come from the related admin's
  queryset, so a form accepts only what its user may see. Editing is for office staff who
  manage the record's organization (`managed_by`, checked with `campaigns.selectors.manages`).
- Safety (DESIGN.md §5): nothing is deleted; domain records are withdrawn with a reason by the
  "撤销所选记录" action, through the app's withdraw service where one exists. Workflow state
  is read-only here; the admin corrects descriptive fields and configuration. Every save goes
  through `record_save`, so history names the admin user and domain records bump `version`,
  which is also checked against the version the form was opened with.
- A record whose creation has rules (numbering, recusal, jurisdiction) is added through its
  service (`create`), or not at all in the admin. A service's refusal is shown on the form.
"""

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from xuncha.records import STALE_MESSAGE, check_version, lock, record_save, record_withdraw

from .jurisdiction import manages, require_manager

# Petitions and clues are confidential: every read through the admin is written here.
audit_log = logging.getLogger("xuncha.confidential")

RECORD_FIELDS = ("version", "created_at", "updated_at", "withdrawn_at", "withdrawn_by", "withdrawn_reason")
WORKFLOW_TITLE = "办理状态（由业务流程办理，此处只读）"
RECORD_TITLE = "记录信息"


def resolve(obj, path: str):
    """Follow `a__b__c` from `obj`; the object itself for an empty path, None at a gap."""
    for name in filter(None, path.split("__")):
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:
            return None
        if obj is None:
            return None
    return obj


def related_column(path: str, description: str, ordering: str | None = None):
    """A changelist column showing the object at `path` (join it in `list_select_related`)."""

    @admin.display(description=description, ordering=ordering)
    def column(obj):
        return resolve(obj, path)

    column.__name__ = path
    return column


def refusal_messages(refusal: Exception) -> list[str]:
    if isinstance(refusal, ValidationError):
        return refusal.messages
    return [str(refusal) or "您无权进行此操作。"]


# --- Forms ---------------------------------------------------------------------------------


class RecordForm(forms.ModelForm):
    """Shows, as form errors, why a service or `record_save` refused the previous attempt."""

    admin_request = None  # set by XunchaAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        refusal = getattr(self.admin_request, "_admin_refusal", None)
        if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
            for field, errors in refusal.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        elif refusal is not None:
            self.add_error(None, refusal_messages(refusal))
        return cleaned


class VersionedRecordForm(RecordForm):
    """Carries the version the form was opened with: no silent overwrite (DESIGN.md §5)."""

    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None and expected != self.instance.version:
            raise ValidationError(STALE_MESSAGE.format(expected=expected, current=self.instance.version))
        return cleaned


class WithdrawActionForm(ActionForm):
    reason = forms.CharField(label="撤销原因", required=False, max_length=500)


# --- List filters --------------------------------------------------------------------------


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """Choices are what the user may see of the related table, with the joins its labels need
    (the stock filter lists every row and reads each label's relations one query at a time)."""

    def field_choices(self, field, request, model_admin):
        related_admin = model_admin.admin_site.get_model_admin(field.remote_field.model)
        return [(obj.pk, str(obj)) for obj in related_admin.get_queryset(request)]


class WithdrawnFilter(admin.SimpleListFilter):
    title = "撤销状态"
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("no", "未撤销"), ("yes", "已撤销")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


# --- Admins --------------------------------------------------------------------------------


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices through the related admin's scoped queryset."""

    def get_field_queryset(self, db, db_field, request):
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except NotRegistered:
            related_admin = None
        if not request.user.is_superuser and getattr(related_admin, "visible_to", None) is not None:
            return related_admin.get_queryset(request)
        return super().get_field_queryset(db, db_field, request)


class NoDeleteInline(ScopedChoicesMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(NoDeleteInline):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class XunchaAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    """Base admin of every model with history."""

    form = RecordForm
    # simple_history's list less its inline style attribute, which the CSP refuses.
    object_history_list_template = "admin/history_list.html"
    # The selector, as `staticmethod(things_visible_to)`; None: the table is not scoped.
    visible_to = None
    # Relations `__str__` follows, joined wherever the admin lists or labels objects.
    label_related: tuple[str, ...] = ()
    # Path to the organization whose office staff may edit the object ("" for the object
    # itself); None: Django permissions alone decide.
    managed_by: str | None = None
    # Set by services only (status, signatures, dates of workflow steps): always read-only.
    workflow_fields: tuple[str, ...] = ()
    # Identity and parents (number, inspection …): set once, read-only on change.
    fixed_fields: tuple[str, ...] = ()
    record_fields: tuple[str, ...] = ()
    addable = True
    confidential = False

    def create(self, *, request, obj):
        """Add through a service and return the created object; None saves `obj` plainly."""
        return None

    # Reading

    def get_queryset(self, request):
        if self.visible_to is None or request.user.is_superuser:
            qs = super().get_queryset(request)
        else:
            qs = self.visible_to(request.user)
            ordering = self.get_ordering(request)
            if ordering:
                qs = qs.order_by(*ordering)
        # The changelist adds `list_select_related` only to a queryset without joins: join both.
        listed = self.list_select_related if isinstance(self.list_select_related, (list, tuple)) else ()
        related = [*self.label_related, *listed]
        return qs.select_related(*related) if related else qs

    def visible_object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def log_read(self, request, object_id: str | None = None, page: str = "") -> None:
        """A confidential model's list (no `object_id`) or record was read — its change page, or
        its history (`page`); subclasses add the read log (findings.readlog), this writes the
        application log."""
        if self.confidential:
            what = f"{object_id} {page}".strip() if object_id is not None else f"list {request.GET.urlencode()}"
            audit_log.info("%s read %s %s", request.user.get_username(), self.opts.label, what)

    def changelist_view(self, request, extra_context=None):
        self.log_read(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.log_read(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.visible_object_or_404(request, object_id)  # the stock view would show any id's history
        self.log_read(request, object_id, "history")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.visible_object_or_404(request, object_id)
        if request.method == "POST":
            raise PermissionDenied  # reverting would rewrite workflow state past the services
        self.log_read(request, object_id, f"version {version_id}")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    # Permissions

    def user_manages(self, user, obj) -> bool:
        if user.is_superuser or self.managed_by is None:
            return True
        organization = resolve(obj, self.managed_by)
        return organization is not None and manages(user, organization)

    def has_add_permission(self, request):
        return self.addable and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self.user_manages(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # DESIGN.md §5: withdrawn or deactivated, never deleted

    # Forms

    def get_readonly_fields(self, request, obj=None):
        fields = [*self.readonly_fields, *self.workflow_fields]
        if obj is not None:
            fields += [*self.fixed_fields, *self.record_fields]
        return list(dict.fromkeys(fields))

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return super().get_fieldsets(request, obj)
        fields = self.get_fields(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            fields = [f for f in fields if f != "expected_version"]
        workflow = [f for f in fields if f in self.workflow_fields]
        record = [f for f in fields if f in self.record_fields]
        main = [f for f in fields if f not in workflow and f not in record]
        fieldsets = [(None, {"fields": main})]
        if workflow:
            fieldsets.append((WORKFLOW_TITLE, {"fields": workflow}))
        if record:
            fieldsets.append((RECORD_TITLE, {"fields": record, "classes": ["collapse"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.admin_request = request
        return form

    # Writing

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as refusal:
            if request.method != "POST" or hasattr(request, "_admin_refusal"):
                raise
            # Refused while saving; the admin's transaction has rolled back. Show the same
            # form again with the user's input and the reason (RecordForm.clean).
            request._admin_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            created = self.create(request=request, obj=obj)
            if created is not None:
                for field in obj._meta.concrete_fields:
                    setattr(obj, field.attname, getattr(created, field.attname))
                obj._state.adding = False
                return
        if not request.user.is_superuser and self.managed_by is not None:
            organization = resolve(obj, self.managed_by)
            if organization is None:
                raise PermissionDenied("无法确定该记录所属的党组织。")
            require_manager(request.user, organization)
        record_save(obj, user=request.user, reason="管理后台修改" if change else "管理后台新增")


class DomainRecordAdmin(XunchaAdmin):
    """Admin of a `DomainRecord`: versioned edits, withdrawal instead of deletion."""

    form = VersionedRecordForm
    action_form = WithdrawActionForm
    actions = ["withdraw_selected"]
    record_fields = RECORD_FIELDS
    addable = False  # created through the app's services, which number and check them

    def withdraw(self, *, record, user, reason: str):
        """The app's withdraw service where one exists (subclasses), else the primitive."""
        return record_withdraw(record=record, user=user, reason=reason)

    def has_change_permission(self, request, obj=None):
        # A withdrawn record is evidence of what happened: it is kept as it was.
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_withdrawn)

    def get_list_display(self, request):
        return [*super().get_list_display(request), "withdrawn_flag"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), WithdrawnFilter]

    @admin.display(description="已撤销", boolean=True, ordering="withdrawn_at")
    def withdrawn_flag(self, obj):
        return obj.is_withdrawn

    def save_model(self, request, obj, form, change):
        if change:
            check_version(lock(obj), form.cleaned_data.get("expected_version"))
        super().save_model(request, obj, form, change)

    @admin.action(description="撤销所选记录", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if len(reason) < 2:
            self.message_user(request, "请在“撤销原因”中填写撤销原因（至少2个字）后再执行撤销。", messages.ERROR)
            return None
        if self.managed_by:
            queryset = queryset.select_related(self.managed_by)
        done = 0
        for record in queryset:
            try:
                if not self.user_manages(request.user, record):
                    organization = resolve(record, self.managed_by)
                    raise PermissionDenied(f"您不是{organization}的巡察办工作人员，无权撤销。")
                with transaction.atomic():
                    self.withdraw(record=record, user=request.user, reason=reason)
                done += 1
            except (ValidationError, PermissionDenied) as refusal:
                self.message_user(request, f"{record}：{'；'.join(refusal_messages(refusal))}", messages.ERROR)
        if done:
            self.message_user(request, f"已撤销{done}条记录，撤销原因已记入修改历史。", messages.SUCCESS)
        return None
