"""What every list's FilterSet shares: Bootstrap widgets, a fast <select>, date ranges and a
keyword box. The filters of the inspection a record hangs off are campaigns.filters'."""

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


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


def _grouped(choices) -> bool:
    """Whether a plain list of choices has option groups (FastSelect writes none); a model
    field's choices (a query) never do."""
    return isinstance(choices, list | tuple) and any(isinstance(label, list | tuple) for _, label in choices)


class DateInput(forms.DateInput):
    input_type = "date"


def date_range(field_name: str, label: str) -> django_filters.DateFromToRangeFilter:
    return django_filters.DateFromToRangeFilter(
        field_name=field_name, label=label, widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    )


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
            if type(field.widget) is forms.Select and not _grouped(field.widget.choices):
                field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
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
