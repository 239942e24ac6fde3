"""The province's people and plan: accounts, cadre pools, terms, rounds, teams, inspections."""

import datetime as dt

from django.contrib.auth.hashers import make_password

from accounts.models import Role, RoleAssignment, User
from campaigns.models import (
    CadreSource,
    ConflictDeclaration,
    Inspection,
    InspectionMode,
    InspectionStatus,
    OrgLevel,
    Person,
    Round,
    RoundStatus,
    Team,
    TeamMember,
    TeamRole,
    Term,
    new_public_token,
)

from .base import DAY, TZ, add_months
from .loader import Table
from .names import cn_number
from .province import CONFLICT_REASONS, DOMAIN, Committee, Org
from .texts import SPECIAL_THEMES

M, S = InspectionMode, InspectionStatus
# Slot modes after the first two rounds (which inspect fresh organizations only).
MODES = {
    "district": ([M.REGULAR, M.SPECIAL, M.LOOK_BACK, M.MOBILE], [55, 20, 15, 10]),
    "upper": ([M.REGULAR, M.SPECIAL, M.LOOK_BACK, M.MOBILE, M.ELEVATED], [50, 15, 10, 10, 15]),
}
IN_PROGRESS_STATES = ([S.FED_BACK] * 7) + ([S.LEFT] * 6) + ([S.ON_SITE] * 5) + ([S.PLANNED] * 2)
STATUS_ORDER = {S.FED_BACK: 0, S.CLOSED: 0, S.LEFT: 1, S.ON_SITE: 2, S.PLANNED: 3}


class Cadre:
    __slots__ = ("person", "user", "home", "leader_ok", "source")

    def __init__(self, person, user, home, leader_ok, source):
        self.person, self.user, self.home, self.leader_ok, self.source = person, user, home, leader_ok, source


class Insp:
    """What the records of one inspection need to know about it."""

    __slots__ = (
        "id",
        "org",
        "ctx",
        "round_id",
        "team",
        "number",
        "leader",
        "deputies",
        "members",
        "mode",
        "theme",
        "status",
        "start",
        "end",
        "feedback",
        "deadline",
        "earlier",
        "liaison",
    )

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


class ProvincePlan:
    """Mixed into the province seed after the tree: who inspects what, when, in which state."""

    # --- accounts and the cadre pools ---------------------------------------------------------

    def build_people(self) -> None:
        rnd = self.rnd
        self.ids.update(user=self.loader.next_id(User), person=self.loader.next_id(Person))
        self.ids.update(role=self.loader.next_id(RoleAssignment), conflict=self.loader.next_id(ConflictDeclaration))
        self.users, self.roles, self.persons, self.conflicts = [], [], [], []
        self.user_index, self.conflict_candidates = {}, []
        self.demo_hash = make_password(self.password)  # hashed once: the demo accounts share it
        self.unusable = make_password(None)
        admin = self.user("admin", "系统管理员", demo=True, staff=True, superuser=True)
        self.grant(admin, Role.OFFICE_ADMIN, self.root, "超级用户（Django 管理后台）")
        self.admin = admin
        province = self.committees[0]
        province.users = {
            "office": self.user("office", self.names.person(), demo=True, staff=True),
            "discipline": self.user("discipline", self.names.person(), demo=True),
            "orgdept": self.user("orgdept", self.names.person(), demo=True),
        }
        self.grant(province.users["office"], Role.OFFICE_ADMIN, self.root, "省委巡察办；可进管理后台")
        self.grant(
            self.user("leader", self.names.person(), demo=True), Role.LEADER, self.root, "省委巡察工作领导小组成员"
        )
        self.grant(province.users["discipline"], Role.DISCIPLINE_LIAISON, self.root, "省纪委监委承办人")
        self.grant(province.users["orgdept"], Role.ORGDEPT_LIAISON, self.root, "省委组织部承办人")
        first_district = next(c for c in self.committees if c.kind == "district")
        first_district.users["office"] = self.user("district_office", self.names.person(), demo=True)
        self.grant(first_district.users["office"], Role.OFFICE_ADMIN, first_district.org, "区委巡察办")
        by_city = {}
        for ctx in self.committees:
            code = ctx.org.code.lower()
            for key, role in (
                ("office", Role.OFFICE_ADMIN),
                ("liaison", Role.UNIT_LIAISON),
                ("discipline", Role.DISCIPLINE_LIAISON),
                ("orgdept", Role.ORGDEPT_LIAISON),
            ):
                if key not in ctx.users:
                    ctx.users[key] = self.user(f"{key}-{code}", self.names.person())
                    self.grant(ctx.users[key], role, ctx.org)
            size = 5 * self.shape.district_teams if ctx.kind == "district" else 6 + 6 * self.shape.upper_teams
            home = ctx.org.id if ctx.kind == "district" else None
            for i in range(size):
                source, employer = (
                    (CadreSource.DISCIPLINE_GROUP, ctx.units[0])
                    if i % 5 == 4
                    else (
                        CadreSource.INSPECTION_OFFICE if ctx.kind != "district" else CadreSource.DISTRICT_OFFICE,
                        ctx.org,
                    )
                )
                ctx.pool.append(self.cadre(ctx, source, employer, home, leader_ok=i % 5 < 2))
            if ctx.kind == "district":
                by_city.setdefault(ctx.org.path[:8], []).append(ctx)
        for group in by_city.values():
            for ctx in group:
                ctx.cross_pool = [c for other in group if other is not ctx for c in other.pool] or ctx.pool
        # Declared conflicts (回避申报) with organizations of another city, about one cadre in ten.
        cities = [c.org for c in self.committees if c.kind == "city"]
        for person_id, ctx_path in self.conflict_candidates:
            if rnd.random() >= 0.1:
                continue
            city = rnd.choice([c for c in cities if not ctx_path.startswith(c.path)] or cities)
            org = rnd.choice(city.children)
            self.conflicts.append(
                (
                    self.ids["conflict"],
                    person_id,
                    org.id,
                    rnd.choice(CONFLICT_REASONS),
                    self.term_start + dt.timedelta(days=rnd.randint(10, 400)),
                )
            )
            self.ids["conflict"] += 1

    def user(self, username, full_name, demo=False, staff=False, superuser=False) -> int:
        uid = self.ids["user"]
        self.ids["user"] += 1
        self.user_index[uid] = len(self.users)
        password = self.demo_hash if demo else self.unusable
        self.users.append((uid, password, None, superuser, username, "", "", "", staff, True, self.noon, full_name, ""))
        return uid

    def grant(self, user, role, org, note="") -> None:
        self.roles.append((self.ids["role"], user, role, org.id, True, self.noon))
        self.ids["role"] += 1
        if note:
            self.accounts.append((self._username(user), Role(role).label, self._org_name(org), note))

    def _username(self, uid):
        return self.users[self.user_index[uid]][4]

    def rename(self, uid, username) -> None:
        """Turn a generated account into a demo account (shared demo password)."""
        row = list(self.users[self.user_index[uid]])
        row[1], row[4] = self.demo_hash, username
        self.users[self.user_index[uid]] = tuple(row)

    def _org_name(self, org):
        return org.short if org.level != OrgLevel.COMMITTEE else org.short + "委"

    def cadre(self, ctx, source, employer, home, leader_ok) -> Cadre:
        pid = self.ids["person"]
        self.ids["person"] += 1
        name = self.names.person()
        uid = self.user(f"cadre{pid:05d}", name)
        self.grant(uid, Role.INSPECTOR, ctx.org)
        position = ctx.org.short + ("巡察办干部" if source != CadreSource.DISCIPLINE_GROUP else "派驻纪检监察组干部")
        self.persons.append([pid, name, uid, employer.id, home, position, source, "", True])
        self.conflict_candidates.append((pid, ctx.org.path))
        return Cadre(pid, uid, home, leader_ok, source)

    def write_people(self) -> None:
        w = self.loader.write
        w(
            Table(
                User,
                (
                    "id",
                    "password",
                    "last_login",
                    "is_superuser",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "is_staff",
                    "is_active",
                    "date_joined",
                    "full_name",
                    "phone",
                ),
            ),
            self.users,
        )
        w(Table(RoleAssignment, ("id", "user", "role", "organization", "is_active", "granted_at")), self.roles)
        w(
            Table(
                Person, ("id", "name", "user", "employer", "home_district", "position", "source", "phone", "is_active")
            ),
            self.persons,
        )
        w(Table(ConflictDeclaration, ("id", "person", "organization", "reason", "declared_on")), self.conflicts)
        del self.roles, self.persons, self.conflicts

    # --- terms, rounds, teams, inspections ----------------------------------------------------

    def build_plan(self) -> None:
        for key, model in (
            ("term", Term),
            ("round", Round),
            ("team", Team),
            ("member", TeamMember),
            ("insp", Inspection),
        ):
            self.ids[key] = self.loader.next_id(model)
        self.terms, self.rounds, self.teams, self.members = [], [], [], []
        self.demo_team = None
        names = {"province": "十二届省委", "city": "十一届市委", "district": "十四届区委"}
        for ctx in self.committees:
            start = add_months(self.term_start, -self.rnd.randint(0, 2)) if ctx.kind != "province" else self.term_start
            name = names[ctx.kind]
            if ctx.kind == "district" and ctx.org.short.endswith("县"):
                name = "十四届县委"
            ctx.term, ctx.term_start = self.ids["term"], start
            self.terms.append((ctx.term, ctx.org.id, name, start, add_months(start, 60) - DAY))
            self.ids["term"] += 1
            self._plan_committee(ctx)

    def _plan_committee(self, ctx: Committee) -> None:
        sh, rnd, today = self.shape, self.rnd, self.today
        n = sh.rounds
        first = ctx.term_start + dt.timedelta(days=75)
        current = today - dt.timedelta(days=88 + rnd.randint(0, 8))
        step = (current - first).days // max(1, n - 2)
        per_round = sh.inspections_per_org * len(ctx.targets) / (n - 1.5)
        fresh = iter(ctx.targets)
        inspected: list[Org] = []
        elevated = iter(ctx.elevated)
        teams = sh.district_teams if ctx.kind == "district" else sh.upper_teams
        modes, weights = MODES["district" if ctx.kind == "district" else "upper"]
        for k in range(1, n + 1):
            if k < n - 1:
                status, start = RoundStatus.CLOSED, first + dt.timedelta(days=step * (k - 1))
            elif k == n - 1:
                status, start = RoundStatus.IN_PROGRESS, current
            else:
                status = RoundStatus.PLANNED
                start = min(today + dt.timedelta(days=rnd.randint(40, 70)), add_months(ctx.term_start, 60) - 20 * DAY)
            round_id = self.ids["round"]
            self.ids["round"] += 1
            quota = max(teams, round(per_round / (2 if status == RoundStatus.PLANNED else 1)))
            taken, feedbacks = set(), []
            for t in range(1, teams + 1):
                cross = ctx.kind == "district" and status == RoundStatus.IN_PROGRESS and t % 2 == 0
                team_id, leader, deputies, members = self._team(ctx, round_id, t, cross)
                if ctx.kind == "province" and status == RoundStatus.IN_PROGRESS and t == 1:
                    self.demo_team = (leader, deputies[0])
                slots = quota // teams + (t <= quota % teams)
                if status == RoundStatus.PLANNED:
                    states = [S.PLANNED] * slots
                elif status == RoundStatus.IN_PROGRESS:
                    states = sorted((rnd.choice(IN_PROGRESS_STATES) for _ in range(slots)), key=STATUS_ORDER.get)
                else:
                    states = [S.CLOSED] * slots
                theme = rnd.choice(SPECIAL_THEMES)[0]
                for state in states:
                    mode = M.CROSS if cross else M.REGULAR if k <= 2 else rnd.choices(modes, weights)[0]
                    org, mode, earlier = self._target(ctx, mode, k, fresh, inspected, elevated, taken)
                    if org is None:
                        continue
                    taken.add(org.id)
                    insp = self._inspection(
                        ctx,
                        round_id,
                        team_id,
                        k,
                        status,
                        start,
                        org,
                        mode,
                        state,
                        earlier,
                        theme if mode == M.SPECIAL else "",
                        leader,
                        deputies,
                        members,
                    )
                    if insp.feedback:
                        feedbacks.append(insp.feedback)
            end = (
                (max(feedbacks) if feedbacks else start + dt.timedelta(days=90))
                if status == RoundStatus.CLOSED
                else None
            )
            self.rounds.append((round_id, ctx.term, k, f"第{cn_number(k)}轮巡察", start, end, status))

    def _target(self, ctx, mode, k, fresh, inspected, elevated, taken):
        rnd = self.rnd
        if mode == M.LOOK_BACK:
            for _attempt in range(6):
                if not ctx.done:
                    break
                earlier = ctx.done[rnd.randrange(len(ctx.done))]
                if earlier.number <= k - 2 and earlier.status in (S.FED_BACK, S.CLOSED) and earlier.org.id not in taken:
                    return earlier.org, mode, earlier
            mode = M.REGULAR
        if mode == M.ELEVATED:
            org = next(elevated, None)
            if org is not None and org.active:
                return org, mode, None
            mode = M.REGULAR
        if mode in (M.SPECIAL, M.MOBILE) and inspected and rnd.random() < 0.6:
            for _attempt in range(4):
                org = inspected[rnd.randrange(len(inspected))]
                if org.id not in taken:
                    return org, mode, None
        org = next(fresh, None)
        if org is None:  # the scope is covered: inspect again
            for _attempt in range(4):
                org = inspected[rnd.randrange(len(inspected))] if inspected else None
                if org is not None and org.id not in taken:
                    return org, (M.MOBILE if mode in (M.REGULAR, M.CROSS) else mode), None
            return None, mode, None
        inspected.append(org)
        return org, mode, None

    def _team(self, ctx, round_id, number, cross):
        rnd = self.rnd
        team_id = self.ids["team"]
        self.ids["team"] += 1
        self.teams.append((team_id, round_id, number, f"第{cn_number(number)}巡察组"))
        source = ctx.cross_pool if cross else ctx.pool
        size = 5 if ctx.kind == "district" else 6
        per_team = max(
            size, len(source) // max(1, self.shape.district_teams if ctx.kind == "district" else self.shape.upper_teams)
        )
        block = source[((number - 1) * per_team) % len(source) :][:per_team] or source[:per_team]
        leaders = [c for c in block if c.leader_ok] or block
        leader = rnd.choice(leaders)
        rest = rnd.sample([c for c in block if c is not leader], min(len(block) - 1, size - 1))
        n_deputies = 1 if ctx.kind == "district" else 1 + (rnd.random() < 0.4)
        deputies, members = rest[:n_deputies], rest[n_deputies:]
        for cadre, role in (
            [(leader, TeamRole.LEADER)]
            + [(c, TeamRole.DEPUTY) for c in deputies]
            + [(c, TeamRole.MEMBER) for c in members]
        ):
            self.members.append((self.ids["member"], team_id, cadre.person, role, cadre.source))
            self.ids["member"] += 1
        return team_id, leader, deputies, members

    def _dates(self, start, status, mode, in_progress):
        """Visit, feedback and deadline dates consistent with the status (and the DB checks)."""
        r = self.rnd.randint
        if status == S.PLANNED:
            return None, None, None, None
        short = mode == M.MOBILE
        if in_progress:
            offset = {S.FED_BACK: r(2, 6), S.LEFT: r(30, 36), S.ON_SITE: r(64, 72)}[status]
            span, gap = (r(8, 12) if short else r(18, 26)), r(20, 30)
        else:
            offset = r(0, 6)
            span = r(10, 15) if short else r(20, 30) if mode == M.LOOK_BACK else r(25, 40)
            gap = r(30, 60)
        onsite_start = start + dt.timedelta(days=offset)
        if status == S.ON_SITE:
            return onsite_start, None, None, None
        onsite_end = onsite_start + dt.timedelta(days=span)
        if status == S.LEFT:
            return onsite_start, onsite_end, None, None
        feedback = onsite_end + dt.timedelta(days=gap)
        return onsite_start, onsite_end, feedback, add_months(feedback, 2)

    def _inspection(
        self,
        ctx,
        round_id,
        team_id,
        k,
        round_status,
        start,
        org,
        mode,
        state,
        earlier,
        theme,
        leader,
        deputies,
        members,
    ) -> Insp:
        s, e, fb, dl = self._dates(start, state, mode, round_status == RoundStatus.IN_PROGRESS)
        if state == S.CLOSED:
            age = (self.today - dl).days  # long past the deadline, most inspections have been closed
            share = 0.92 if age > 500 else 0.8 if age > 150 else 0.0
            state = S.CLOSED if self.rnd.random() < share else S.FED_BACK
        insp = Insp(
            id=self.ids["insp"],
            org=org,
            ctx=ctx,
            round_id=round_id,
            team=team_id,
            number=k,
            leader=leader,
            deputies=deputies,
            members=members,
            mode=mode,
            theme=theme,
            status=state,
            start=s,
            end=e,
            feedback=fb,
            deadline=dl,
            earlier=earlier.id if earlier else None,
            liaison=ctx.users["liaison"],
        )
        self.ids["insp"] += 1
        self.inspections.append(insp)
        if state != S.PLANNED:
            ctx.done.append(insp)
        return insp

    def write_plan(self) -> None:
        w = self.loader.write
        w(Table(Term, ("id", "committee", "name", "start_date", "end_date")), self.terms)
        w(Table(Round, ("id", "term", "number", "name", "start_date", "end_date", "status")), sorted(self.rounds))
        w(Table(Team, ("id", "round", "number", "name")), self.teams)
        w(Table(TeamMember, ("id", "team", "person", "role", "source")), self.members)
        fields = (
            "id",
            "round",
            "team",
            "organization",
            "mode",
            "theme",
            "earlier",
            "status",
            "onsite_start",
            "onsite_end",
            "feedback_date",
            "rectification_deadline",
            *DOMAIN,
            "public_token",
            "public_phone",
            "public_mailbox",
        )
        w(Table(Inspection, fields), (self._inspection_row(i) for i in self.inspections))
        del self.terms, self.rounds, self.members

    def _inspection_row(self, i: Insp) -> tuple:
        created = dt.datetime.combine(i.start or self.today, dt.time(9), tzinfo=TZ)
        return (
            i.id,
            i.round_id,
            i.team,
            i.org.id,
            i.mode,
            i.theme,
            i.earlier,
            i.status,
            i.start,
            i.end,
            i.feedback,
            i.deadline,
            created,
            created,
            1,
            None,
            None,
            "",
            new_public_token(),
            "",
            "",
        )
