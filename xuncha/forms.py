"""Form helpers shared by every app: Bootstrap classes, and service refusals shown next to the
field they concern (or above the form) without losing what the user typed."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select | forms.SelectMultiple):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")
            if isinstance(w, forms.Textarea):
                w.attrs.setdefault("rows", 3)


class XForm(BootstrapMixin, forms.Form):
    pass


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's refusal on the form: per field where the service named one."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or "您无权进行此操作。")
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)
