"""Writes for organizations, plans, teams and the life of an inspection up to leaving the site.

Each service is one transaction, keyword-only, and refuses an illegal step with a Chinese
message: `ValidationError` for a wrong state or bad input, `PermissionDenied` for a user
acting outside their role or jurisdiction.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from xuncha.records import lock, not_in_future, record_save, record_withdraw, require_live

from .models import (
    CadreSource,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Organization,
    Person,
    Round,
    RoundStatus,
    Team,
    TeamMember,
    TeamRole,
    path_segment,
    path_segment_number,
)
from .recusal import recusal_conflicts
from .selectors import manages, team_role

NOT_YOURS = "您不是{org}的巡察办工作人员，无权进行此操作。"


def require_manager(user: User, organization: Organization) -> None:
    if not manages(user, organization):
        raise PermissionDenied(NOT_YOURS.format(org=organization.name))


def require_team_or_manager(user: User, inspection: Inspection, *team_roles: str) -> str | None:
    """Office staff over the organization, or a member of the team (in one of `team_roles`)."""
    if manages(user, inspection.organization):
        return None
    role = team_role(user, inspection.team)
    if role is None:
        raise PermissionDenied("您不是本巡察组成员，也不是该单位的巡察办工作人员，无权进行此操作。")
    if team_roles and role not in team_roles:
        wanted = "、".join(str(TeamRole(r).label) for r in team_roles)
        raise PermissionDenied(f"此操作须由{wanted}进行。")
    return role


# --- Organizations -----------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    user: User,
    parent: Organization | None,
    name: str,
    code: str,
    level: str,
    party_org_type: str,
    is_committee: bool = False,
) -> Organization:
    if parent is None:
        if not user.is_superuser:
            raise PermissionDenied("只有系统管理员可以创建顶层党组织。")
        siblings = Organization.objects.filter(parent__isnull=True)
        prefix, depth = "", 1
    else:
        require_manager(user, parent)
        parent = lock(parent)  # serialises the numbering of its children
        if not parent.is_active:
            raise ValidationError({"parent": f"上级组织{parent.name}已撤销，不能在其下新建组织。"})
        siblings = parent.children.all()
        prefix, depth = parent.path, parent.depth + 1
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    n = path_segment_number(last[-4:]) + 1 if last else 1
    org = Organization(
        parent=parent,
        name=name,
        code=code,
        level=level,
        party_org_type=party_org_type,
        is_committee=is_committee,
        path=prefix + path_segment(n),
        depth=depth,
    )
    record_save(org, user=user)
    return org


@transaction.atomic
def organization_dissolve(*, user: User, organization: Organization, dissolved_on: datetime.date) -> Organization:
    require_manager(user, organization)
    organization = lock(organization)
    if not organization.is_active:
        raise ValidationError(f"{organization.name}已于{organization.dissolved_on}撤销。")
    if organization.children.filter(is_active=True).exists():
        raise ValidationError(f"{organization.name}下仍有存续的组织，请先撤销或调整下级组织。")
    if organization.inspections.live().exclude(status=InspectionStatus.CLOSED).exists():
        raise ValidationError(f"{organization.name}仍有未结束的巡察，整改结束后才能撤销。")
    organization.is_active = False
    organization.dissolved_on = dissolved_on
    record_save(organization, user=user, reason="撤销党组织")
    return organization


# --- Teams --------------------------------------------------------------------------------


@transaction.atomic
def team_member_add(*, user: User, team: Team, person: Person, role: str, source: str = "") -> TeamMember:
    """Put a cadre on a team, refused on a recusal conflict with any of the team's inspections."""
    require_manager(user, team.round.term.committee)
    if team.round.status == RoundStatus.CLOSED:
        raise ValidationError("该轮巡察已结束，不能调整巡察组成员。")
    if not person.is_active:
        raise ValidationError({"person": f"{person.name}已不在巡察人才库中。"})
    if team.members.filter(person=person).exists():
        raise ValidationError({"person": f"{person.name}已是{team.name}成员。"})
    if role == TeamRole.LEADER and team.members.filter(role=TeamRole.LEADER).exists():
        raise ValidationError({"role": f"{team.name}已有组长，一个巡察组只能有一名组长。"})
    messages = []
    for inspection in team.inspections.live().select_related("organization"):
        messages += [
            c.message
            for c in recusal_conflicts(persons=[person], organization=inspection.organization, mode=inspection.mode)
        ]
    if messages:
        raise ValidationError(messages)
    member = TeamMember(team=team, person=person, role=role, source=source or person.source or CadreSource.SECONDED)
    record_save(member, user=user)
    return member


# --- Inspections ---------------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    user: User,
    round: Round,
    team: Team,
    organization: Organization,
    mode: str,
    theme: str = "",
    earlier: Inspection | None = None,
) -> Inspection:
    committee = round.term.committee
    require_manager(user, committee)
    if round.status == RoundStatus.CLOSED:
        raise ValidationError({"round": f"{round.name}已结束，不能再安排巡察。"})
    if not organization.path.startswith(committee.path) or organization.pk == committee.pk:
        raise ValidationError({"organization": f"{organization.name}不在{committee.name}的巡察范围内。"})
    if team.round_id != round.pk:
        raise ValidationError({"team": f"{team.name}不属于{round.name}。"})
    if not organization.is_active:
        raise ValidationError({"organization": f"{organization.name}已撤销，不能作为巡察对象。"})
    if mode == InspectionMode.SPECIAL and not theme.strip():
        raise ValidationError({"theme": "专项巡察须填写专项主题。"})
    if mode == InspectionMode.LOOK_BACK:
        if earlier is None:
            raise ValidationError({"earlier": "巡察“回头看”须选择原巡察。"})
        if earlier.organization_id != organization.pk:
            raise ValidationError({"earlier": "原巡察的被巡察单位与本次不一致。"})
        if earlier.status not in (InspectionStatus.FED_BACK, InspectionStatus.CLOSED) or earlier.is_withdrawn:
            raise ValidationError({"earlier": "原巡察尚未反馈，不能开展“回头看”。"})
    elif earlier is not None:
        raise ValidationError({"earlier": "只有巡察“回头看”才关联原巡察。"})
    if Inspection.objects.live().filter(round=round, organization=organization).exists():
        raise ValidationError({"organization": f"{organization.name}在{round.name}中已安排巡察。"})
    persons = [m.person for m in team.members.select_related("person")]
    if not persons:
        raise ValidationError({"team": f"{team.name}尚无成员，请先组建巡察组。"})
    conflicts = recusal_conflicts(persons=persons, organization=organization, mode=mode)
    if conflicts:
        raise ValidationError([f"回避冲突：{c.message}" for c in conflicts])
    inspection = Inspection(
        round=round, team=team, organization=organization, mode=mode, theme=theme.strip(), earlier=earlier
    )
    record_save(inspection, user=user)
    return inspection


def inspection_enter_check(*, user: User, inspection: Inspection) -> None:
    require_team_or_manager(user, inspection, TeamRole.LEADER)
    require_live(inspection)
    if inspection.status != InspectionStatus.PLANNED:
        raise ValidationError(f"当前状态为“{inspection.get_status_display()}”，不能再次进驻。")


@transaction.atomic
def inspection_enter(*, user: User, inspection: Inspection, on: datetime.date) -> Inspection:
    """进驻: the team arrives on site."""
    inspection = lock(inspection)
    inspection_enter_check(user=user, inspection=inspection)
    round = inspection.round
    if on < round.start_date:
        raise ValidationError({"onsite_start": f"进驻日期不能早于{round.name}开始日期{round.start_date}。"})
    not_in_future(on, "onsite_start", "进驻日期")
    inspection.onsite_start = on
    inspection.status = InspectionStatus.ON_SITE
    record_save(inspection, user=user, reason="进驻")
    if round.status == RoundStatus.PLANNED:
        round.status = RoundStatus.IN_PROGRESS
        record_save(round, user=user, reason="首个巡察组进驻")
    return inspection


def inspection_leave_check(*, user: User, inspection: Inspection) -> None:
    require_team_or_manager(user, inspection, TeamRole.LEADER)
    require_live(inspection)
    if inspection.status != InspectionStatus.ON_SITE:
        raise ValidationError(f"当前状态为“{inspection.get_status_display()}”，只有进驻中的巡察才能撤离。")


@transaction.atomic
def inspection_leave(*, user: User, inspection: Inspection, on: datetime.date) -> Inspection:
    """撤离: the team leaves the site; sign-off of working papers may go on."""
    inspection = lock(inspection)
    inspection_leave_check(user=user, inspection=inspection)
    if on < inspection.onsite_start:
        raise ValidationError({"onsite_end": f"撤离日期不能早于进驻日期{inspection.onsite_start}。"})
    not_in_future(on, "onsite_end", "撤离日期")
    inspection.onsite_end = on
    inspection.status = InspectionStatus.LEFT
    record_save(inspection, user=user, reason="撤离")
    return inspection


def inspection_withdraw_check(*, user: User, inspection: Inspection) -> None:
    require_manager(user, inspection.organization)
    require_live(inspection)
    live = [
        label
        for label, manager in (
            ("问题", inspection.problems),
            ("信访件", inspection.petitions),
            ("线索", inspection.clues),
            ("转交办事项", inspection.handover_items),
        )
        if manager.filter(withdrawn_at__isnull=True).exists()
    ]
    if live:
        raise ValidationError(f"该巡察下仍有未撤销的{'、'.join(live)}，请先逐条撤销。")


@transaction.atomic
def inspection_withdraw(*, user: User, inspection: Inspection, reason: str) -> Inspection:
    inspection_withdraw_check(user=user, inspection=inspection)
    return record_withdraw(record=inspection, user=user, reason=reason)


@transaction.atomic
def round_close(*, user: User, round: Round, on: datetime.date) -> Round:
    require_manager(user, round.term.committee)
    round = lock(round)
    if round.status == RoundStatus.CLOSED:
        raise ValidationError(f"{round.name}已结束。")
    pending = round.inspections.live().filter(status__in=[InspectionStatus.PLANNED, InspectionStatus.ON_SITE]).count()
    if pending:
        raise ValidationError(f"{round.name}尚有{pending}个巡察未撤离，不能结束本轮。")
    if on < round.start_date:
        raise ValidationError({"end_date": "结束日期不能早于开始日期。"})
    not_in_future(on, "end_date", "结束日期")
    round.status = RoundStatus.CLOSED
    round.end_date = on
    record_save(round, user=user, reason="本轮巡察结束")
    return round
