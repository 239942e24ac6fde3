"""The navigation bar: each role sees the entries DESIGN.md §1 allows, nothing more."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

OFFICE, LEADER, INSPECTOR, UNIT = Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR, Role.UNIT_LIAISON
HANDLERS = (Role.DISCIPLINE_LIAISON, Role.ORGDEPT_LIAISON)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    group: str = ""


NAV: list[NavItem] = [
    NavItem(_("工作台"), "home", (OFFICE, LEADER, INSPECTOR, UNIT, *HANDLERS)),
    NavItem(_("统计看板"), "reports:dashboard", (OFFICE, LEADER)),
    NavItem(_("巡察"), "campaigns:inspection_list", (OFFICE, LEADER, INSPECTOR)),
    NavItem(_("问题"), "findings:problem_list", (OFFICE, LEADER, INSPECTOR)),
    NavItem(_("信访件"), "findings:petition_list", (OFFICE, LEADER, INSPECTOR)),
    NavItem(_("问题线索"), "findings:clue_list", (OFFICE, LEADER, INSPECTOR, *HANDLERS)),
    NavItem(_("整改措施"), "rectification:measure_list", (OFFICE, LEADER)),
    NavItem(_("本单位整改"), "rectification:unit_home", (UNIT,)),
    NavItem(_("转交办事项"), "rectification:handover_list", (OFFICE, LEADER, INSPECTOR), _("更多")),
    NavItem(_("督查督办"), "rectification:supervision_list", (OFFICE, LEADER), _("更多")),
    NavItem(_("共性问题"), "findings:common_list", (OFFICE, LEADER), _("更多")),
    NavItem(_("我提出的审核意见"), "findings:review_notes_mine", (OFFICE, INSPECTOR), _("更多")),
    NavItem(_("待我答复的审核意见"), "findings:review_notes_to_answer", (INSPECTOR,), _("更多")),
    NavItem(_("党组织"), "campaigns:organization_list", (OFFICE, LEADER), _("计划")),
    NavItem(_("届次"), "campaigns:term_list", (OFFICE, LEADER), _("计划")),
    NavItem(_("巡察轮次"), "campaigns:round_list", (OFFICE, LEADER), _("计划")),
    NavItem(_("巡察组"), "campaigns:team_list", (OFFICE, LEADER, INSPECTOR), _("计划")),
    NavItem(_("巡察人才库"), "campaigns:person_list", (OFFICE,), _("计划")),
    NavItem(_("审计日志"), "reports:audit", (OFFICE,), _("审计")),
    NavItem(_("信访件与线索查阅记录"), "reports:read_log", (OFFICE,), _("审计")),
]


def nav_for(user) -> list[dict]:
    """Top-level entries, then dropdown groups, for this user's roles."""
    if not user.is_authenticated:
        return []
    roles = {a.role for a in user.active_assignments()}
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in NAV:
        if not roles.intersection(item.roles):
            continue
        link = {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        if item.group:
            if item.group not in groups:
                groups[item.group] = {"label": item.group, "children": []}
                entries.append(groups[item.group])
            groups[item.group]["children"].append(link)
        else:
            entries.append(link)
    return entries


def navigation(request):
    """Context processor."""
    return {"nav": nav_for(request.user)}
