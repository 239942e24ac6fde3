from django import forms
from django.utils.translation import gettext_lazy as _

from findings.models import ProblemCategory
from findings.services import PUBLIC_CONTENT_MAX


class PublicPetitionForm(forms.Form):
    """The public form. Lengths and "named or anonymous" are the service's to refuse (with what
    was typed kept), so the fields here accept anything and only carry it."""

    category = forms.ModelChoiceField(
        label=_("问题类别"),
        queryset=ProblemCategory.objects.none(),
        required=False,
        empty_label=_("不确定"),
    )
    subject = forms.CharField(label=_("反映对象（单位或个人）"), required=False, strip=False)
    content = forms.CharField(
        label=_("反映的问题"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写明时间、地点、人物和事情经过，不超过%(max)s字。") % {"max": PUBLIC_CONTENT_MAX},
    )
    is_anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    name = forms.CharField(label=_("姓名"), required=False, help_text=_("匿名反映可不填"))
    contact = forms.CharField(label=_("联系方式（选填）"), required=False, help_text=_("电话或地址，便于巡察组核实"))
    # Written by hand in the template, never refilled: a new question each time, an empty trap.
    captcha_answer = forms.CharField(required=False)
    captcha_token = forms.CharField(required=False)
    via = forms.CharField(required=False)
    website = forms.CharField(required=False)  # the honeypot (abuse.HONEYPOT_FIELD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProblemCategory.objects.filter(parent__isnull=True, is_active=True).order_by(
            "sort_order", "code"
        )
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["class"] = "form-control"


class PetitionQueryForm(forms.Form):
    receipt_number = forms.CharField(label=_("回执号"), required=False)
    query_code = forms.CharField(label=_("查询码"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control", "autocomplete": "off"})
