from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.forms import OrganizationCodeField
from campaigns.models import Organization
from xuncha.forms import DateField, XForm

from .models import (
    ClueDestination,
    CommonProblem,
    DiscoveryMethod,
    Disposition,
    PetitionChannel,
    ProblemCategory,
    SanctionKind,
)
from .selectors import common_problems_visible_to


def category_choices():
    """Sub-categories grouped under the three major problems."""
    tops = ProblemCategory.objects.filter(parent__isnull=True, is_active=True).prefetch_related("children")
    return [(top.name, [(c.pk, c.name) for c in top.children.all() if c.is_active]) for top in tops]


class CategoryField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=ProblemCategory.objects.filter(is_active=True), label=_("问题类别"), **kwargs)

    def _set_choices(self):
        self.widget.choices = [("", "---------"), *category_choices()]


class ProblemForm(XForm):
    title = forms.CharField(label=_("问题概述"), max_length=300)
    description = forms.CharField(label=_("具体表现"), widget=forms.Textarea(attrs={"rows": 5}))
    category = CategoryField()
    method = forms.ChoiceField(label=_("发现方式"), choices=DiscoveryMethod.choices)
    involved_organization = OrganizationCodeField(
        label=_("涉及下属组织（组织代码，可不填）"), queryset=Organization.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"]._set_choices()


class EditProblemForm(ProblemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PetitionForm(XForm):
    channel = forms.ChoiceField(label=_("来源渠道"), choices=PetitionChannel.choices)
    received_on = DateField(label=_("受理日期"))
    is_anonymous = forms.BooleanField(label=_("匿名"), required=False)
    petitioner = forms.CharField(label=_("信访人"), max_length=100, required=False)
    subject = forms.CharField(label=_("反映对象/事项"), max_length=200)
    content = forms.CharField(label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 5}))


class ClueForm(XForm):
    subject_name = forms.CharField(label=_("反映对象"), max_length=100)
    subject_position = forms.CharField(label=_("职务"), max_length=200, required=False)
    summary = forms.CharField(label=_("主要问题"), widget=forms.Textarea(attrs={"rows": 5}))
    destination = forms.ChoiceField(label=_("移交去向"), choices=ClueDestination.choices)


class ReasonForm(XForm):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(XForm):
    step = forms.ChoiceField(
        label=_("签署环节"),
        choices=[("handler", _("承办人签字")), ("deputy", _("副组长审核")), ("leader", _("组长审定"))],
        initial="leader",
    )


class DateOnlyForm(XForm):
    on = DateField(label=_("日期"))


class NoticeForm(XForm):
    issued_on = DateField(label=_("下发日期"))
    deadline = DateField(label=_("整改时限"))
    requirement = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}))


class NoticeCompleteForm(XForm):
    completed_on = DateField(label=_("完成日期"))
    result = forms.CharField(label=_("整改结果"), widget=forms.Textarea(attrs={"rows": 3}))


class DisposeForm(XForm):
    disposition = forms.ChoiceField(label=_("处置方式"), choices=Disposition.choices)
    disposed_on = DateField(label=_("办结日期"))
    note = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SanctionForm(XForm):
    kind = forms.ChoiceField(label=_("处理类型"), choices=SanctionKind.choices)
    person_name = forms.CharField(label=_("被处理人"), max_length=100)
    person_position = forms.CharField(label=_("职务"), max_length=200, required=False)
    decided_on = DateField(label=_("决定日期"))
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BulkCategoryForm(XForm):
    category = CategoryField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"]._set_choices()


class CommonProblemForm(XForm):
    existing = forms.ModelChoiceField(
        label=_("归入已有共性问题"), queryset=CommonProblem.objects.none(), required=False
    )
    title = forms.CharField(label=_("或新建共性问题"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = common_problems_visible_to(user)

    def clean(self):
        data = super().clean()
        if not data.get("existing") and not (data.get("title") or "").strip():
            raise forms.ValidationError(_("请选择已有共性问题，或填写新共性问题的名称。"))
        return data


# --- Review notes (审核意见) ----------------------------------------------------------------
# The text fields are not required here: the service says what is missing, in one place.


class ReviewNoteForm(XForm):
    text = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewAnswerForm(XForm):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewClearForm(XForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
