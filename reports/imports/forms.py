from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.selectors import inspections_visible_to
from findings.services import WORKING, problem_draft_check
from xuncha.forms import XForm
from xuncha.records import allowed


class UploadForm(XForm):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        help_text=_("请使用下载的模板填写；上传后先预览，确认后才保存。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class InspectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.round.name}·{obj.team.name}·{obj.organization.name}（{obj.get_status_display()}）"


def draftable_inspections(user):
    """Inspections the user may write working papers in: visible, being worked, and passing
    the service's own check (office staff over the unit, or a member of the team)."""
    candidates = (
        inspections_visible_to(user)
        .live()
        .filter(status__in=WORKING)
        .select_related("organization", "round", "team")
        .order_by("-round__start_date", "team__number", "pk")
    )
    ids = [i.pk for i in candidates if allowed(problem_draft_check, user=user, inspection=i)]
    return candidates.filter(pk__in=ids)


class ProblemUploadForm(UploadForm):
    inspection = InspectionChoiceField(
        label=_("导入到巡察"), queryset=None, help_text=_("只列出您可以新增问题底稿的巡察（进驻中或已撤离）。")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["inspection"].queryset = draftable_inspections(user)
        self.order_fields(["inspection", "file"])
