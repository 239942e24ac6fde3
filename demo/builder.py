"""The demo builder: plans everything in memory, then writes it in foreign-key order.

The plan's frame (role grants, terms, rounds, the cadre pool, teams and members) is written
through the services, as an office or a migration from another system would; the records
below it go through `bulk_create_with_history`, so every seeded record has its history row
(attributed to the `admin` account, reason “演示数据”).
"""

import datetime as dt
import hashlib

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from simple_history.utils import bulk_create_with_history

from accounts import services as services_accounts
from accounts.models import Role, RoleAssignment, User
from campaigns import services
from campaigns.models import (
    ConflictDeclaration,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Organization,
    OrgLevel,
    Round,
    RoundStatus,
    TeamRole,
)
from findings.models import (
    Clue,
    ClueDestination,
    ClueStatus,
    CommonProblem,
    DiscoveryMethod,
    Disposition,
    ImmediateNotice,
    Petition,
    PetitionChannel,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Sanction,
    SanctionKind,
    SanctionSource,
)
from rectification.models import (
    MEASURE_DONE,
    Evaluation,
    Evidence,
    HandoverItem,
    HandoverStatus,
    Measure,
    MeasureStatus,
    RuleEstablished,
    RuleKind,
    SupervisionAction,
    SupervisionKind,
)
from xuncha.records import record_save

from . import texts
from .base import RandomMixin, add_months
from .names import NameBook
from .records import RecordsMixin
from .structure import StructureMixin

BATCH = 2000
PERMISSION_APPS = ("accounts", "campaigns", "findings", "rectification")


class DemoError(Exception):
    """The demo could not be built as promised (message in Chinese, for CommandError)."""


def demo_pdf() -> bytes:
    """A one-page PDF standing in for every uploaded piece of evidence."""
    text = b"BT /F1 16 Tf 72 760 Td (Xuncha demo evidence) Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(text), text),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class DemoBuilder(RandomMixin, StructureMixin, RecordsMixin):
    def __init__(self, *, seed: int, today: dt.date, scale: int, password: str):
        self._init_random(seed)
        self.today, self.scale, self.password = today, scale, password
        self.names = NameBook(self.rnd)
        self.term_start = add_months(dt.date(today.year, today.month, 1), -54)
        self.categories = {
            c.code: c for c in ProblemCategory.objects.filter(parent__isnull=False, is_active=True).order_by("code")
        }
        self.orgs, self.by_code, self.short, self.district_of, self.children = [], {}, {}, {}, {}
        self.cadres, self.conflicts, self.terms, self.rounds, self.teams, self.team_members = [], [], [], [], [], []
        self.on_team, self.inspections, self.scope_orders = set(), [], {}
        self.liaison_plan = self.inspector_team = None
        self.users, self.role_assignments, self.accounts = [], [], []
        self.petitions, self.problems, self.notices, self.clues, self.sanctions = [], [], [], [], []
        self.common_problems, self.common_by_title = [], {}
        self.measures, self.evidence, self.handovers, self.handover_sanctions = [], [], [], []
        self.rules, self.supervision, self.evaluations = [], [], []

    # --- building ----------------------------------------------------------------------------

    def build(self) -> None:
        if not any(code in self.categories for code in texts.PROBLEMS):
            raise DemoError("问题类别表中没有可用的二级类别（A01…C06），请先执行 migrate。")
        self.build_orgs()
        self.build_people()
        grass = [o for d in self.districts for o in self.d_grass[d.code] if o.level == OrgLevel.VILLAGE]
        towns = [t for d in self.districts for t in self.d_towns[d.code]]
        self.elevated_order = grass + towns
        self.rnd.shuffle(self.elevated_order)
        self.build_plan()
        if self.liaison_plan is None:  # another seed may leave round 6 without a municipal unit
            fed_back = [p for p in self.inspections if p.ctx.is_city and p.insp.status == InspectionStatus.FED_BACK]
            fed_back.sort(key=lambda p: (p.org.level in (OrgLevel.VILLAGE, OrgLevel.STATION), p.round_number == 7))
            if not fed_back:
                raise DemoError("没有可供整改联络员演示的已反馈巡察。")
            self.liaison_plan = fed_back[0]
            self.liaison_plan.forced_mix = True
        self.build_users()
        self.build_findings()
        self.build_rectification()
        self.build_evidence()
        self.check()

    def build_users(self) -> None:
        demo_hash = make_password(self.password)  # hashed once: every demo account shares the password

        def add(username, full_name, demo=False, **flags) -> User:
            user = User(
                username=username,
                full_name=full_name,
                password=demo_hash if demo else make_password(None),
                **flags,
            )
            self.users.append(user)
            return user

        def grant(user, role, org, note="") -> None:
            self.role_assignments.append(RoleAssignment(user=user, role=role, organization=org))
            if user.password == demo_hash:
                self.accounts.append((user.username, Role(role).label, org.name, note))

        root, team = self.root, self.inspector_team
        self.admin = add("admin", "系统管理员", True, is_staff=True, is_superuser=True)
        grant(self.admin, Role.OFFICE_ADMIN, root, "超级用户（Django 管理后台）")
        office = add("office", self.names.person(), True, is_staff=True)
        grant(office, Role.OFFICE_ADMIN, root, "市委巡察办；可进管理后台（全部业务模型权限）")
        grant(add("leader", self.names.person(), True), Role.LEADER, root, "市委巡察工作领导小组成员")
        where = f"{team.team.round.term.name}{team.team.round.name}{team.team.name}"
        team.leader.user = add("inspector", team.leader.person.name, True)
        grant(team.leader.user, Role.INSPECTOR, root, f"{where}组长")
        deputy = team.deputies[0]
        deputy.user = add("deputy", deputy.person.name, True)
        grant(deputy.user, Role.INSPECTOR, root, f"{where}副组长")
        liaison = add("liaison", self.names.person(), True)
        grant(liaison, Role.UNIT_LIAISON, self.liaison_plan.org, "被巡察单位整改联络员")
        self.discipline_user = add("discipline", self.names.person(), True)
        grant(self.discipline_user, Role.DISCIPLINE_LIAISON, root, "市纪委监委承办人")
        self.orgdept_user = add("orgdept", self.names.person(), True)
        grant(self.orgdept_user, Role.ORGDEPT_LIAISON, root, "市委组织部承办人")
        district_office = add("district_office", self.names.person(), True)
        grant(district_office, Role.OFFICE_ADMIN, self.districts[0], "区委巡察办")
        self.office = office
        for ctx in self.committees:
            if ctx.is_city:
                ctx.office_user = office
            elif ctx.committee is self.districts[0]:
                ctx.office_user = district_office
            else:
                ctx.office_user = add(f"office-{ctx.committee.code.lower()}", self.names.person())
                grant(ctx.office_user, Role.OFFICE_ADMIN, ctx.committee)
        for cadre in self.cadres:
            if cadre.idx in self.on_team and cadre.user is None:
                cadre.user = add(f"cadre{cadre.idx + 1:04d}", cadre.person.name)
                grant(cadre.user, Role.INSPECTOR, cadre.committee)
            cadre.person.user = cadre.user
        liaisons = {self.liaison_plan.org.code: liaison}
        for plan in self.inspections:
            if plan.insp.status in (InspectionStatus.FED_BACK, InspectionStatus.CLOSED):
                code = plan.org.code
                if code not in liaisons:
                    liaisons[code] = add(f"liaison-{code.lower()}", self.names.person())
                    grant(liaisons[code], Role.UNIT_LIAISON, plan.org)
                plan.liaison = liaisons[code]

    def build_evidence(self) -> None:
        self.pdf = demo_pdf()
        digest = hashlib.sha256(self.pdf).hexdigest()
        self.evidence_file = f"evidence/demo-{digest[:32]}"
        for m in self.measures:
            if m.reported_at is None:
                continue
            label = self.rnd.choice(texts.EVIDENCE_NAMES)
            self.evidence.append(
                Evidence(
                    measure=m,
                    file=self.evidence_file,
                    original_name=f"{label}（措施{m.number}）.pdf",
                    content_type="application/pdf",
                    size=len(self.pdf),
                    sha256=digest,
                    uploaded_by=m.reported_by,
                )
            )

    def check(self) -> None:
        """Every choice the demo promises is present, and problem states match their measures."""
        missing = []

        def need(label, values, present) -> None:
            absent = [v for v in values if v not in set(present)]
            if absent:
                missing.append(f"{label}缺少{absent}")

        insps = [p.insp for p in self.inspections]
        disposed = [c for c in self.clues if c.status == ClueStatus.DISPOSED]
        need("巡察方式", InspectionMode.values, [i.mode for i in insps])
        need("巡察状态", InspectionStatus.values, [i.status for i in insps])
        need("轮次状态", RoundStatus.values, [r.status for r in self.rounds])
        need("组内职务", TeamRole.values, [m.role for m in self.team_members])
        need("问题状态", ProblemStatus.values, [p.status for p in self.problems])
        need("问题类别", [c for c in texts.PROBLEMS if c in self.categories], [p.category.code for p in self.problems])
        need("发现方式", DiscoveryMethod.values, [p.method for p in self.problems])
        need("信访渠道", PetitionChannel.values, [p.channel for p in self.petitions])
        need("线索去向", ClueDestination.values, [c.destination for c in self.clues])
        need("线索状态", ClueStatus.values, [c.status for c in self.clues])
        need("处置方式", Disposition.values, [c.disposition for c in disposed])
        need("处理类型", SanctionKind.values, [s.kind for s in self.sanctions])
        need("处理来源", SanctionSource.values, [s.source for s in self.sanctions])
        need("措施状态", MeasureStatus.values, [m.status for m in self.measures])
        need("转交办事项状态", HandoverStatus.values, [h.status for h in self.handovers])
        need("制度类型", RuleKind.values, [r.kind for r in self.rules])
        need("督办方式", SupervisionKind.values, [s.kind for s in self.supervision])
        liaison_states = {m.status for _p, ms in self.liaison_plan.measures for m in ms}
        need("联络员单位措施状态", MeasureStatus.values, liaison_states)
        if missing:
            raise DemoError("演示数据未覆盖全部情形（可换一个 --seed 或调大 --scale）：" + "；".join(missing))
        for plan in self.inspections:
            for problem, measures in plan.measures:
                done = bool(measures) and all(m.status in MEASURE_DONE for m in measures)
                if done != (problem.status in (ProblemStatus.RECTIFIED, ProblemStatus.ONGOING)):
                    raise DemoError(f"问题状态与整改措施不一致：{problem.title}")

    # --- writing -----------------------------------------------------------------------------

    def write_plans(self) -> None:
        """Role grants, terms, rounds, the cadre pool, teams and their members through the
        services an office uses (checks and history as for any record); only the rounds'
        past states are written as they stand, the way a migration loads history."""
        for planned in self.role_assignments:
            grant = services_accounts.role_grant(
                user=self.admin, grantee=planned.user, role=planned.role, organization=planned.organization
            )
            planned.pk = grant.pk
        self.admin.__dict__.pop("_assignments_cache", None)  # it holds its grants now
        for term in self.terms:
            created = services.term_create(
                user=self.admin,
                committee=term.committee,
                name=term.name,
                start_date=term.start_date,
                end_date=term.end_date,
            )
            term.pk = created.pk
        states = {}  # each round is planned first, its teams formed, then put in its past state
        for rnd in self.rounds:
            states[rnd.number, rnd.term.pk] = (rnd.status, rnd.end_date)
            rnd.status, rnd.end_date = RoundStatus.PLANNED, None
            created = services.round_create(
                user=self.admin, term=rnd.term, name=rnd.name, start_date=rnd.start_date, number=rnd.number
            )
            rnd.pk = created.pk
        for cadre in self.cadres:
            p = cadre.person
            created = services.person_create(
                user=self.admin,
                employer=p.employer,
                name=p.name,
                source=p.source,
                home_district=p.home_district,
                position=p.position,
                phone=p.phone,
                account=p.user,
            )
            p.pk = created.pk
        for team in self.teams:
            team.pk = services.team_create(user=self.admin, round=team.round, name=team.name, number=team.number).pk
        for member in self.team_members:
            created = services.team_member_add(
                user=self.admin, team=member.team, person=member.person, role=member.role, source=member.source
            )
            member.pk = created.pk
        for rnd in self.rounds:
            rnd.status, rnd.end_date = states[rnd.number, rnd.term.pk]
            if rnd.status != RoundStatus.PLANNED:
                saved = Round.objects.get(pk=rnd.pk)
                saved.status, saved.end_date = rnd.status, rnd.end_date
                record_save(saved, user=self.admin, reason="演示数据：本轮历史状态")

    def write(self) -> None:
        User.objects.bulk_create(self.users, batch_size=BATCH)

        def bulk(objs, model) -> None:
            if objs:
                bulk_create_with_history(
                    objs, model, batch_size=BATCH, default_user=self.admin, default_change_reason="演示数据"
                )

        for depth in sorted({o.depth for o in self.orgs}):
            bulk([o for o in self.orgs if o.depth == depth], Organization)
        self.write_plans()
        bulk(self.conflicts, ConflictDeclaration)
        insps = [p.insp for p in self.inspections]
        bulk([i for i in insps if i.earlier is None], Inspection)
        bulk([i for i in insps if i.earlier is not None], Inspection)  # look-backs point at saved ones
        bulk(self.petitions, Petition)
        bulk(self.common_problems, CommonProblem)
        bulk(self.problems, Problem)
        bulk(self.notices, ImmediateNotice)
        bulk(self.clues, Clue)
        bulk(self.measures, Measure)
        if not default_storage.exists(self.evidence_file):
            default_storage.save(self.evidence_file, ContentFile(self.pdf))
        Evidence.objects.bulk_create(self.evidence, batch_size=BATCH)
        bulk(self.handovers, HandoverItem)
        bulk(self.sanctions, Sanction)
        field = HandoverItem._meta.get_field("sanctions")
        through = field.remote_field.through
        through.objects.bulk_create(
            [
                through(**{f"{field.m2m_field_name()}_id": item.pk, f"{field.m2m_reverse_field_name()}_id": s.pk})
                for item, s in self.handover_sanctions
            ],
            batch_size=BATCH,
        )
        bulk(self.rules, RuleEstablished)
        bulk(self.supervision, SupervisionAction)
        bulk(self.evaluations, Evaluation)
        self.office.user_permissions.set(Permission.objects.filter(content_type__app_label__in=PERMISSION_APPS))

    def counts(self) -> list[tuple[str, int]]:
        return [
            ("党组织", len(self.orgs)),
            ("届次", len(self.terms)),
            ("巡察轮次", len(self.rounds)),
            ("巡察组", len(self.teams)),
            ("巡察干部", len(self.cadres)),
            ("巡察组成员", len(self.team_members)),
            ("回避申报", len(self.conflicts)),
            ("巡察", len(self.inspections)),
            ("信访件", len(self.petitions)),
            ("问题", len(self.problems)),
            ("共性问题", len(self.common_problems)),
            ("立行立改通知书", len(self.notices)),
            ("问题线索", len(self.clues)),
            ("处理处分", len(self.sanctions)),
            ("整改措施", len(self.measures)),
            ("佐证材料", len(self.evidence)),
            ("转交办事项", len(self.handovers)),
            ("建立健全规章制度", len(self.rules)),
            ("督查督办", len(self.supervision)),
            ("整改评估", len(self.evaluations)),
            ("用户", len(self.users)),
        ]
