from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.forms import OrganizationCodeField
from campaigns.models import Organization
from findings.models import Problem
from findings.selectors import UNIT_VISIBLE_PROBLEM_STATUSES
from xuncha.forms import DateField, XForm

from .models import EvaluationGrade, HandoverItem, RuleKind, SupervisionKind
from .services import Verdict


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class AnnouncementForm(XForm):
    public_phone = forms.CharField(label=_("受理电话"), max_length=50, required=False)
    public_mailbox = forms.CharField(
        label=_("邮政信箱"), max_length=200, required=False, help_text=_("如：清河市邮政100号信箱")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FeedbackForm(XForm):
    feedback_date = DateField(label=_("反馈日期"))
    deadline = DateField(label=_("整改期限（不填则为反馈后两个月）"), required=False)


class MeasureForm(XForm):
    content = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = OrganizationCodeField(label=_("责任单位（组织代码）"), queryset=Organization.objects.all())
    responsible_person = forms.CharField(label=_("责任人"), max_length=100)
    deadline = DateField(label=_("完成时限"))


class ReportForm(XForm):
    progress = forms.CharField(label=_("整改进展"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("佐证材料（PDF、图片、Word、Excel、OFD，可多选）"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class VerifyForm(XForm):
    verdict = forms.ChoiceField(
        label=_("验收结论"),
        choices=[(Verdict.ACCEPT, _("通过验收")), (Verdict.ONGOING, _("长期坚持")), (Verdict.SEND_BACK, _("退回"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("验收意见（退回时必填）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].widget.attrs["class"] = "form-check-input"


class HandoverForm(XForm):
    title = forms.CharField(label=_("事项"), max_length=300)
    content = forms.CharField(label=_("具体内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    department = forms.CharField(label=_("承办部门"), max_length=200)
    handed_over_on = DateField(label=_("转交日期"))
    deadline = DateField(label=_("办理时限"), required=False)


class HandoverCloseForm(XForm):
    closed_on = DateField(label=_("办结日期"))
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))


class SupervisionForm(XForm):
    kind = forms.ChoiceField(label=_("督办方式"), choices=SupervisionKind.choices)
    acted_on = DateField(label=_("日期"))
    target_person = forms.CharField(label=_("对象"), max_length=100, required=False)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class EvaluationForm(XForm):
    score = forms.IntegerField(label=_("得分（0–100）"), min_value=0, max_value=100)
    grade = forms.ChoiceField(label=_("等次"), choices=EvaluationGrade.choices)
    evaluated_on = DateField(label=_("评估日期"))
    note = forms.CharField(label=_("评估意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RuleForm(XForm):
    title = forms.CharField(label=_("制度名称"), max_length=300)
    kind = forms.ChoiceField(label=_("类型"), choices=RuleKind.choices)
    adopted_on = DateField(label=_("印发日期"))
    problem = forms.ModelChoiceField(label=_("针对问题"), queryset=Problem.objects.none(), required=False)
    handover_item = forms.ModelChoiceField(
        label=_("根据转交办事项"), queryset=HandoverItem.objects.none(), required=False
    )

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        # Where the rule came from, among this inspection's own records (the figures count
        # rules by it: "根据转交办事项……建立健全规章制度").
        self.fields["problem"].queryset = (
            Problem.objects.live()
            .filter(inspection=inspection, status__in=UNIT_VISIBLE_PROBLEM_STATUSES)
            .order_by("number")
        )
        self.fields["handover_item"].queryset = (
            HandoverItem.objects.live().filter(inspection=inspection).order_by("number")
        )


class BulkUnitForm(XForm):
    unit = OrganizationCodeField(label=_("责任单位（组织代码）"), queryset=Organization.objects.all())
