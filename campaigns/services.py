"""Writes for organizations, terms and rounds, the cadre pool, teams and the life of an inspection up to leaving the site.

Each service is one transaction, keyword-only, and refuses an illegal step with a Chinese
message: `ValidationError` for a wrong state or bad input, `PermissionDenied` for a user
acting outside their role or jurisdiction.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.jurisdiction import manages, require_manager
from accounts.models import User
from xuncha.records import check_version, lock, next_number, not_in_future, record_save, record_withdraw, require_live

from .models import (
    CadreSource,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Organization,
    OrgLevel,
    Person,
    Round,
    RoundStatus,
    Team,
    TeamMember,
    TeamRole,
    Term,
    path_segment,
    path_segment_number,
)
from .recusal import recusal_conflicts
from .selectors import team_role


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


# --- Terms and rounds ------------------------------------------------------------------------


def _required(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"请填写{label}。"})
    return value


@transaction.atomic
def term_create(
    *, user: User, committee: Organization, name: str, start_date: datetime.date, end_date: datetime.date
) -> Term:
    """A committee's term (届): everything under it is to be inspected once before it ends."""
    require_manager(user, committee)
    committee = lock(committee)  # serialises the committee's terms
    name = _required(name, "name", "届次名称")
    if not committee.is_committee:
        raise ValidationError({"committee": f"{committee.name}不是开展巡察的党委，不能设置届次。"})
    if not committee.is_active:
        raise ValidationError({"committee": f"{committee.name}已撤销，不能设置届次。"})
    if end_date <= start_date:
        raise ValidationError({"end_date": "结束日期须晚于开始日期。"})
    if committee.terms.filter(name=name).exists():
        raise ValidationError({"name": f"{committee.name}已有名为“{name}”的届次。"})
    # Two terms may meet on a day (the old one's last, the new one's first), never overlap more.
    clash = committee.terms.filter(start_date__lt=end_date, end_date__gt=start_date).first()
    if clash is not None:
        raise ValidationError(
            f"与{clash.name}（{clash.start_date}至{clash.end_date}）时间重叠，一个党委同一时间只有一届。"
        )
    term = Term(committee=committee, name=name, start_date=start_date, end_date=end_date)
    record_save(term, user=user)
    return term


@transaction.atomic
def round_create(*, user: User, term: Term, name: str, start_date: datetime.date, number: int | None = None) -> Round:
    """A round (轮) of the term, planned; the first team's arrival sets it in progress."""
    require_manager(user, term.committee)
    term = lock(term)  # serialises the numbering of its rounds
    name = _required(name, "name", "轮次名称")
    if not term.start_date <= start_date <= term.end_date:
        raise ValidationError({"start_date": f"开始日期须在{term.name}之内（{term.start_date}至{term.end_date}）。"})
    number = number or next_number(term.rounds.all())
    if number < 1:
        raise ValidationError({"number": "轮次须为正整数。"})
    if term.rounds.filter(number=number).exists():
        raise ValidationError({"number": f"{term.name}已有第{number}轮。"})
    round = Round(term=term, number=number, name=name, start_date=start_date)
    record_save(round, user=user)
    return round


# --- The cadre pool --------------------------------------------------------------------------

# `account` is the cadre's login (Person.user): `user` is, as everywhere, the acting user.
PERSON_FIELDS = ("name", "employer", "home_district", "position", "source", "phone", "account", "is_active")


def _person_fields(fields: dict, service: str) -> dict:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"{service}: unknown fields {sorted(unknown)}")
    return {("user" if k == "account" else k): v for k, v in fields.items()}


def _check_person(user: User, person: Person) -> None:
    require_manager(user, person.employer)
    person.name = _required(person.name, "name", "姓名")
    if person.source not in CadreSource.values:
        raise ValidationError({"source": "请选择干部来源。"})
    if person.home_district is not None and person.home_district.level != OrgLevel.DISTRICT:
        raise ValidationError({"home_district": f"{person.home_district.name}不是区县，请选择所在区县。"})
    if person.user_id and Person.objects.filter(user_id=person.user_id).exclude(pk=person.pk).exists():
        raise ValidationError({"user": f"账号{person.user}已关联另一名干部。"})


@transaction.atomic
def person_create(*, user: User, employer: Organization, name: str, source: str, **fields) -> Person:
    """A cadre into the pool (巡察人才库), employed inside the user's jurisdiction."""
    person = Person(employer=employer, name=name, source=source, **_person_fields(fields, "person_create"))
    _check_person(user, person)
    record_save(person, user=user)
    return person


@transaction.atomic
def person_update(*, user: User, person: Person, reason: str = "", **changes) -> Person:
    """Correct a cadre's record; a move to another employer needs both sides' office."""
    changes = _person_fields(changes, "person_update")
    require_manager(user, person.employer)
    person = lock(person)
    for name, value in changes.items():
        setattr(person, name, value)
    _check_person(user, person)
    record_save(person, user=user, reason=reason or "修改干部信息")
    return person


# --- Teams --------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, user: User, round: Round, name: str, number: int | None = None) -> Team:
    """A team (巡察组) of the round; members are added with `team_member_add`."""
    require_manager(user, round.term.committee)
    round = lock(round)  # serialises the numbering of its teams
    name = _required(name, "name", "巡察组名称")
    if round.status == RoundStatus.CLOSED:
        raise ValidationError({"round": f"{round.name}已结束，不能再组建巡察组。"})
    number = number or next_number(round.teams.all())
    if number < 1:
        raise ValidationError({"number": "组号须为正整数。"})
    if round.teams.filter(number=number).exists():
        raise ValidationError({"number": f"{round.name}已有第{number}组。"})
    team = Team(round=round, number=number, name=name)
    record_save(team, user=user)
    return team


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


def inspection_qr_check(*, user: User, inspection: Inspection) -> None:
    """Who is offered the public page's QR code on the inspection page: the office over the
    unit and every team member. (The image itself is public: it encodes only the page's URL.)"""
    require_team_or_manager(user, inspection)
    require_live(inspection)


def inspection_announcement_check(*, user: User, inspection: Inspection) -> None:
    """Who publishes the inspection's announcement (公告: phone, mailbox, the public page's QR
    code): the office over the unit and the team leader, as for entering and leaving."""
    require_team_or_manager(user, inspection, TeamRole.LEADER)
    require_live(inspection)


@transaction.atomic
def inspection_announcement_update(
    *, user: User, inspection: Inspection, public_phone: str, public_mailbox: str, expected_version: int | None = None
) -> Inspection:
    inspection = lock(inspection)
    inspection_announcement_check(user=user, inspection=inspection)
    check_version(inspection, expected_version)
    inspection.public_phone = public_phone.strip()
    inspection.public_mailbox = public_mailbox.strip()
    record_save(inspection, user=user, reason="修改公告联系方式")
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
