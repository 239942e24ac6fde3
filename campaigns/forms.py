from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from xuncha.forms import XForm

from .models import CadreSource, Inspection, InspectionMode, Organization, Person, Round, Team, TeamRole
from .selectors import (
    inspections_visible_to,
    organizations_visible_to,
    persons_visible_to,
    rounds_visible_to,
    teams_visible_to,
)


class OrganizationCodeField(forms.ModelChoiceField):
    """An organization picked by its code: a select of 100,000 units would not load."""

    widget = forms.TextInput(attrs={"placeholder": "组织代码，如 QH-D01-T03"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        org = self.queryset.filter(code=str(value).strip()).first()
        if org is None:
            raise forms.ValidationError(
                _("找不到组织代码为“%(code)s”的党组织，或它不在您的管辖范围内。"), params={"code": value}
            )
        return org

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return value.code
        return value


class InspectionCreateForm(XForm):
    round = forms.ModelChoiceField(label=_("轮次"), queryset=Round.objects.none())
    team = forms.ModelChoiceField(label=_("巡察组"), queryset=Team.objects.none())
    organization = OrganizationCodeField(label=_("被巡察党组织"), queryset=Organization.objects.none())
    mode = forms.ChoiceField(label=_("巡察方式"), choices=InspectionMode.choices)
    theme = forms.CharField(label=_("专项主题"), required=False, max_length=200)
    earlier = forms.ModelChoiceField(
        label=_("原巡察（回头看）"), queryset=Inspection.objects.none(), required=False, widget=forms.NumberInput
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds_visible_to(user).exclude(status="closed").select_related("term")
        self.fields["team"].queryset = teams_visible_to(user).exclude(round__status="closed").select_related("round")
        self.fields["organization"].queryset = organizations_visible_to(user).filter(is_active=True)
        self.fields["earlier"].queryset = inspections_visible_to(user)
        self.fields["earlier"].help_text = _("填写原巡察的编号（巡察页面地址中的数字）")


class TeamMemberForm(XForm):
    person = forms.ModelChoiceField(label=_("干部"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("组内职务"), choices=TeamRole.choices)
    source = forms.ChoiceField(
        label=_("人员来源"), choices=[("", _("同人才库"))] + list(CadreSource.choices), required=False
    )

    def __init__(self, *args, team: Team, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            persons_visible_to(user).filter(is_active=True).exclude(memberships__team=team).select_related("employer")
        )
        self.fields["person"].widget.attrs.update(
            {
                "hx-get": f"/teams/{team.pk}/check/",
                "hx-trigger": "change",
                "hx-target": "#recusal-check",
                "hx-include": "closest form",
            }
        )
