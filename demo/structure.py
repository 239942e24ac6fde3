"""The jurisdiction tree, the cadre pools, and the plan of terms, rounds, teams and inspections."""

import datetime as dt

from campaigns.models import (
    CadreSource,
    ConflictDeclaration,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Organization,
    OrgLevel,
    PartyOrgType,
    Person,
    Round,
    RoundStatus,
    Team,
    TeamMember,
    TeamRole,
    Term,
    path_segment,
)

from .base import DAY, Cadre, CommitteePlan, InspectionPlan, TeamPlan, add_months
from .names import (
    CADRE_POSITIONS,
    CITY_CODE,
    CITY_NAME,
    DISTRICT_UNITS,
    DISTRICTS,
    ENTERPRISES,
    INSTITUTIONS,
    MUNICIPAL_UNITS,
    STATIONS,
    cn_number,
)
from .texts import SPECIAL_THEMES

M = InspectionMode
S = InspectionStatus
SUFFIX = {"leading_group": "党组", "committee": "党委", "working_committee": "", "branch": "党支部"}
VILLAGE_SUFFIX = {"branch": "党支部", "general_branch": "党总支", "committee": "党委"}
CONFLICT_REASONS = [
    "配偶在该单位任职",
    "近亲属担任该单位领导职务",
    "曾在该单位工作，离开未满三年",
    "与该单位主要负责人有亲属关系",
]

# City rounds: per team, the modes of its inspections. Rounds 1–6 are closed, 7 in progress, 8 planned.
CITY_PLAN = {
    1: [["regular", "regular"], ["regular", "regular"], ["regular", "regular"]],
    2: [["regular", "regular"], ["regular", "mobile"], ["regular"]],
    3: [["special", "special"], ["special", "special"]],
    4: [["regular", "regular"], ["regular", "elevated"], ["mobile"]],
    5: [["regular", "look_back"], ["elevated", "regular"]],
    6: [["regular", "special"], ["look_back", "regular"], ["mobile"]],
    7: [["regular", "look_back", "elevated"], ["regular", "regular"], ["regular", "elevated"]],
    8: [["regular"], ["regular"], ["elevated"]],
}
CITY_THEMES = {3: SPECIAL_THEMES[0], 6: SPECIAL_THEMES[1]}
THEME_UNITS = {
    SPECIAL_THEMES[0][0]: ("市农业农村局", "市水利局", "市民政局"),
    SPECIAL_THEMES[1][0]: ("市卫生健康委员会", "市医疗保障局", "清河市第一人民医院"),
}
# In the round in progress the inspector's team has one inspection fed back, one left, one on site.
CITY_IN_PROGRESS = {1: [S.FED_BACK, S.LEFT, S.ON_SITE], 2: [S.FED_BACK, S.LEFT], 3: [S.LEFT, S.ON_SITE]}
DISTRICT_PATTERNS = [
    (S.FED_BACK, S.LEFT),
    (S.LEFT, S.ON_SITE),
    (S.FED_BACK, S.ON_SITE),
    (S.ON_SITE, S.ON_SITE),
    (S.LEFT, S.PLANNED),
    (S.FED_BACK, S.FED_BACK),
    (S.LEFT, S.LEFT),
]
STATUS_ORDER = {S.FED_BACK: 0, S.CLOSED: 0, S.LEFT: 1, S.ON_SITE: 2, S.PLANNED: 3}


class StructureMixin:
    # --- organizations -----------------------------------------------------------------------

    def _org(self, parent, name, code, level, org_type, is_committee=False, short=None) -> Organization:
        siblings = self.children.setdefault(parent.code if parent else "", [])
        path = (parent.path if parent else "") + path_segment(len(siblings) + 1)
        org = Organization(
            name=name,
            code=code,
            parent=parent,
            path=path,
            depth=len(path) // 4,
            level=level,
            party_org_type=org_type,
            is_committee=is_committee,
        )
        siblings.append(org)
        self.orgs.append(org)
        self.by_code[code] = org
        self.short[code] = short or name
        self.district_of[code] = (
            org if level == OrgLevel.DISTRICT else (self.district_of.get(parent.code) if parent else None)
        )
        return org

    def build_orgs(self) -> None:
        root = self.root = self._org(
            None, f"{CITY_NAME}委", CITY_CODE, OrgLevel.COMMITTEE, PartyOrgType.COMMITTEE, True, CITY_NAME
        )
        self.municipal = []
        for i, (short, kind) in enumerate(MUNICIPAL_UNITS, 1):
            unit = self._org(root, short + SUFFIX[kind], f"QH-M{i:02d}", OrgLevel.MUNICIPAL_UNIT, kind, short=short)
            self.municipal.append(unit)
        companies = []
        for i, name in enumerate(ENTERPRISES, 1):
            short = name.replace("有限公司", "")
            companies.append(
                self._org(root, name + "党委", f"QH-E{i:02d}", OrgLevel.ENTERPRISE, "committee", short=short)
            )
        for i, name in enumerate(INSTITUTIONS, 1):
            companies.append(
                self._org(root, name + "党委", f"QH-I{i:02d}", OrgLevel.INSTITUTION, "committee", short=name)
            )
        self.districts, self.d_units, self.d_towns, self.d_grass, self.town_grass = [], {}, {}, {}, {}
        for i, (dname, dkind) in enumerate(DISTRICTS, 1):
            d = self._org(root, f"{dname}委", f"QH-D{i:02d}", OrgLevel.DISTRICT, "committee", True, dname)
            self.districts.append(d)
            units = []
            for j, (uname, kind) in enumerate(DISTRICT_UNITS, 1):
                short = dname + uname
                units.append(
                    self._org(d, short + SUFFIX[kind], f"{d.code}-U{j:02d}", OrgLevel.DISTRICT_UNIT, kind, short=short)
                )
            self.d_units[d.code] = units
            kinds = ["街道"] * 4 + ["镇"] * 4 if dkind == "区" else ["镇"] * 6 + ["乡"] * 2
            towns, avoid = [], set()
            for k, tkind in enumerate(kinds, 1):
                tshort = self.names.place(avoid) + tkind
                street = tkind == "街道"
                t = self._org(
                    d,
                    tshort + ("党工委" if street else "党委"),
                    f"{d.code}-T{k:02d}",
                    OrgLevel.TOWNSHIP,
                    "working_committee" if street else "committee",
                    short=tshort,
                )
                towns.append(t)
                grass, vavoid = [], {tshort[:2]}
                for v in range(1, 12 * self.scale + 1):
                    vkind = "社区" if street or self.rnd.random() < 0.12 else "村"
                    vshort = self.names.place(vavoid) + vkind
                    vtype = self.rnd.choices(list(VILLAGE_SUFFIX), (65, 25, 10))[0]
                    grass.append(
                        self._org(
                            t,
                            vshort + VILLAGE_SUFFIX[vtype],
                            f"{t.code}-V{v:02d}",
                            OrgLevel.VILLAGE,
                            vtype,
                            short=vshort,
                        )
                    )
                for s, station in enumerate(self.rnd.sample(STATIONS, 2), 1):
                    sshort = tshort + station
                    grass.append(
                        self._org(t, sshort + "党支部", f"{t.code}-S{s:02d}", OrgLevel.STATION, "branch", short=sshort)
                    )
                self.town_grass[t.code] = grass
            self.d_towns[d.code] = towns
        # Counties merged a few villages (撤并村): dissolved, out of every scope.
        for d in self.districts[3:]:
            village = [g for g in self.town_grass[self.d_towns[d.code][1].code] if g.level == OrgLevel.VILLAGE][-1]
            village.is_active = False
            village.dissolved_on = self.term_start + dt.timedelta(days=self.r(200, 500))
        for d in self.districts:
            self.d_grass[d.code] = [g for t in self.d_towns[d.code] for g in self.town_grass[t.code] if g.is_active]
        self.city_targets = self.municipal[1:] + companies + self.districts

    # --- the cadre pools ---------------------------------------------------------------------

    def _cadre(self, committee, source, employer, home, leader_ok, county=False) -> Cadre:
        position = self.rnd.choice(CADRE_POSITIONS[source])
        if county:
            position = position.replace("区委", "县委")
        person = Person(
            name=self.names.person(), employer=employer, home_district=home, position=position, source=source
        )
        cadre = Cadre(len(self.cadres), person, employer, home, committee, leader_ok)
        self.cadres.append(cadre)
        return cadre

    def build_people(self) -> None:
        root, sc = self.root, self.scale
        pool = [self._cadre(root, CadreSource.INSPECTION_OFFICE, root, None, True) for _ in range(10)]
        for i in range(8):
            pool.append(self._cadre(root, CadreSource.DISCIPLINE_GROUP, self.municipal[0], None, i < 3))
        for _ in range(12):
            employer = self.rnd.choice(self.municipal[1:] + self.city_targets[15:18])
            pool.append(self._cadre(root, CadreSource.SECONDED, employer, None, False))
        for _ in range(4):
            employer = self.by_code[self.rnd.choice(["QH-M04", "QH-M14"])]
            pool.append(self._cadre(root, CadreSource.EXPERT, employer, None, False))
        for d in self.districts:  # district inspection offices lend staff to the city's teams
            pool.append(self._cadre(root, CadreSource.DISTRICT_OFFICE, d, d, False, d.name.endswith("县委")))
        self.pools = {root.code: pool}
        for d in self.districts:
            county, units = d.name.endswith("县委"), self.d_units[d.code]
            dpool = [self._cadre(d, CadreSource.DISTRICT_OFFICE, d, d, True, county) for _ in range(max(4, 2 * sc))]
            dpool += [self._cadre(d, CadreSource.DISCIPLINE_GROUP, units[0], d, False, county) for _ in range(2 * sc)]
            dpool += [
                self._cadre(d, CadreSource.SECONDED, self.rnd.choice(units[1:]), d, False, county)
                for _ in range(7 * sc)
            ]
            dpool.append(self._cadre(d, CadreSource.EXPERT, units[3], d, False, county))
            self.pools[d.code] = dpool
        # Declared conflicts (回避申报): about one cadre in eight.
        for cadre in self.cadres:
            if self.rnd.random() >= 0.12:
                continue
            if cadre.committee is root:
                org = self.rnd.choice(self.city_targets)
            else:
                org = self.rnd.choice(self.d_towns[cadre.committee.code] + self.d_grass[cadre.committee.code][:20])
            cadre.conflict_paths.append(org.path)
            self.conflicts.append(
                ConflictDeclaration(
                    person=cadre.person,
                    organization=org,
                    reason=self.rnd.choice(CONFLICT_REASONS),
                    declared_on=self.term_start + dt.timedelta(days=self.r(10, 400)),
                )
            )

    def conflicted(self, cadre: Cadre, org: Organization, mode: str, committee: Organization) -> bool:
        """Recusal, a little stricter than the rule: also nobody inspects inside their own unit."""
        p, e = org.path, cadre.employer.path
        if e.startswith(p) or (cadre.employer is not committee and p.startswith(e)):
            return True
        if any(p.startswith(c) or c.startswith(p) for c in cadre.conflict_paths):
            return True
        district = self.district_of[org.code]
        return mode == M.CROSS and cadre.home_district is not None and cadre.home_district is district

    # --- terms, rounds, teams, inspections ----------------------------------------------------

    def build_plan(self) -> None:
        T, root = self.today, self.root
        city = CommitteePlan(root, self._term(root, "十一届市委", self.term_start), self.pools[root.code], True)
        self.committees = [city]
        r7 = T - dt.timedelta(days=92)
        r1 = self.term_start + dt.timedelta(days=75)
        step = (r7 - r1).days // 6
        for k in range(1, 9):
            if k <= 7:
                start, status = (
                    r1 + dt.timedelta(days=step * (k - 1)),
                    RoundStatus.CLOSED if k < 7 else RoundStatus.IN_PROGRESS,
                )
            else:
                start, status = (
                    min(T + dt.timedelta(days=70), city.term.end_date - dt.timedelta(days=30)),
                    RoundStatus.PLANNED,
                )
            self._plan_round(city, k, start, status, CITY_PLAN[k], CITY_THEMES.get(k))
        for i, d in enumerate(self.districts):
            kind = "县委" if d.name.endswith("县委") else "区委"
            start = add_months(self.term_start, -self.r(0, 2))
            ctx = CommitteePlan(d, self._term(d, f"十四届{kind}", start), self.pools[d.code], False)
            ctx.cross_pool = [
                c
                for c in self.cadres
                if c.committee in self.districts and c.committee is not d and c.person.source != CadreSource.EXPERT
            ]
            self.committees.append(ctx)
            closed = 2 if i < 2 else 1
            current = T - dt.timedelta(days=88 + self.r(0, 8))
            starts = [
                current - dt.timedelta(days=sum(self.r(230, 270) for _ in range(closed - j))) for j in range(closed)
            ]
            teams, more = 2 * self.scale, (self.scale - 1) // 3  # at larger scales a team takes more villages
            for j, start in enumerate(starts, 1):
                if j == 1:
                    slots = [["regular"] * (2 + more) for _ in range(teams)]
                else:
                    slots = [
                        ["special"] * (2 + more) if t % 2 else ["regular", "mobile"] + ["regular"] * more
                        for t in range(1, teams + 1)
                    ]
                self._plan_round(ctx, j, start, RoundStatus.CLOSED, slots, SPECIAL_THEMES[2] if j > 1 else None)
            slots = [
                ["regular", "look_back"] + ["regular"] * more if t % 2 else ["cross"] * (2 + more)
                for t in range(1, teams + 1)
            ]
            self._plan_round(ctx, closed + 1, current, RoundStatus.IN_PROGRESS, slots)
            planned = min(T + dt.timedelta(days=self.r(40, 70)), ctx.term.end_date - dt.timedelta(days=20))
            self._plan_round(ctx, closed + 2, planned, RoundStatus.PLANNED, [["regular"] for _ in range(teams)])

    def _term(self, committee, name, start) -> Term:
        term = Term(committee=committee, name=name, start_date=start, end_date=add_months(start, 60) - DAY)
        self.terms.append(term)
        return term

    def _form_team(self, ctx: CommitteePlan, rnd_obj: Round, number: int, used: set, cross: bool) -> TeamPlan:
        source = ctx.cross_pool if cross else ctx.pool
        avail = [c for c in source if c.idx not in used] or list(source)
        leaders = [c for c in avail if c.leader_ok] or avail
        leader = self.rnd.choice(leaders)
        rest = [c for c in avail if c is not leader]
        n_deputies = 1 + (ctx.is_city and self.rnd.random() < 0.4)
        n_members = self.r(3, 4) if ctx.is_city else 3
        if len(rest) < n_deputies + n_members:  # pool exhausted this round: someone serves twice
            rest += [c for c in source if c.idx in used and c is not leader]
        picked = self.rnd.sample(rest, min(len(rest), n_deputies + n_members))
        team = Team(round=rnd_obj, number=number, name=f"第{cn_number(number)}巡察组")
        plan = TeamPlan(team, leader, picked[:n_deputies], picked[n_deputies:], cross)
        self.teams.append(team)
        for cadre, role in (
            [(leader, TeamRole.LEADER)]
            + [(c, TeamRole.DEPUTY) for c in plan.deputies]
            + [(c, TeamRole.MEMBER) for c in plan.members]
        ):
            used.add(cadre.idx)
            self.on_team.add(cadre.idx)
            self.team_members.append(TeamMember(team=team, person=cadre.person, role=role, source=cadre.person.source))
        return plan

    def _plan_round(self, ctx, number, start, status, slots_per_team, theme=None) -> None:
        rnd_obj = Round(
            term=ctx.term, number=number, name=f"第{cn_number(number)}轮巡察", start_date=start, status=status
        )
        self.rounds.append(rnd_obj)
        used, taken, feedbacks = set(), set(), []
        for t, slots in enumerate(slots_per_team, 1):
            team = self._form_team(ctx, rnd_obj, t, used, cross=all(m == "cross" for m in slots))
            if status == RoundStatus.PLANNED:
                statuses = [S.PLANNED] * len(slots)
            elif status == RoundStatus.IN_PROGRESS:
                if ctx.is_city:
                    statuses = CITY_IN_PROGRESS[t]
                else:
                    pattern = self.cover("district_pattern", DISTRICT_PATTERNS)
                    statuses = list(pattern) + [pattern[-1]] * (len(slots) - len(pattern))
                statuses = sorted(statuses, key=STATUS_ORDER.get)
            else:
                statuses = [S.CLOSED] * len(slots)
            if ctx.is_city and status == RoundStatus.IN_PROGRESS and t == 1:
                self.inspector_team = team
            prev = None
            for mode, st in zip(slots, statuses, strict=True):
                org, mode, earlier = self._target(ctx, team, mode, taken, prev, number, theme)
                if org is None:
                    continue
                prev = org
                taken.add(org.code)
                plan = self._inspection(ctx, rnd_obj, number, team, org, mode, st, earlier, theme)
                if plan.insp.feedback_date:
                    feedbacks.append(plan.insp.feedback_date)
        if status == RoundStatus.CLOSED:
            rnd_obj.end_date = max(feedbacks) if feedbacks else start + dt.timedelta(days=90)

    def _first_free(self, candidates, ctx, team, mode, taken):
        for org in candidates:
            if org.code in taken or not org.is_active:
                continue
            if any(self.conflicted(c, org, mode, ctx.committee) for c in team.cadres):
                continue
            return org
        return None

    def _target(self, ctx, team, mode, taken, prev, number, theme):
        """The organization a team inspects in a slot (and the mode, which may fall back)."""
        if mode == M.LOOK_BACK:
            lag = 2 if ctx.is_city else 1
            for earlier in ctx.done:
                org = earlier.org
                if earlier.round_number > number - lag or org.code in ctx.looked_back:
                    continue
                if earlier.insp.status not in (S.FED_BACK, S.CLOSED):
                    continue
                if self._first_free([org], ctx, team, mode, taken):
                    ctx.looked_back.add(org.code)
                    return org, mode, earlier
            mode = M.REGULAR
        fresh = [o for o in self._scope_order(ctx) if o.code not in ctx.inspected]
        if ctx.is_city:
            if mode == M.ELEVATED:
                candidates = [o for o in self.elevated_order if o.code not in ctx.inspected]
            else:
                candidates = fresh
                if mode == M.SPECIAL and theme:
                    preferred = THEME_UNITS.get(theme[0], ())
                    candidates = sorted(fresh, key=lambda o: self.short[o.code] not in preferred)
        else:
            dcode = ctx.committee.code
            if mode == M.SPECIAL:
                kinds = [o for o in fresh if o.level == OrgLevel.VILLAGE]
            elif prev is not None and prev.level == OrgLevel.TOWNSHIP:
                kinds = [o for o in self.town_grass[prev.code] if o.code not in ctx.inspected]
            elif team.team.number % 2 or mode == M.CROSS:
                kinds = [o for o in self.d_towns[dcode] if o.code not in ctx.inspected]
            else:
                kinds = [o for o in self.d_units[dcode][1:] if o.code not in ctx.inspected]
            candidates = kinds + fresh
        org = self._first_free(candidates, ctx, team, mode, taken)
        if org is None and ctx.is_city and mode != M.ELEVATED:
            mode = M.ELEVATED
            org = self._first_free(
                [o for o in self.elevated_order if o.code not in ctx.inspected], ctx, team, mode, taken
            )
        if org is not None:
            ctx.inspected.add(org.code)
        return org, mode, None

    def _scope_order(self, ctx):
        if ctx.committee.code not in self.scope_orders:
            if ctx.is_city:
                order = list(self.city_targets)
            else:
                dcode = ctx.committee.code
                order = self.d_towns[dcode] + self.d_units[dcode][1:] + self.d_grass[dcode]
            self.rnd.shuffle(order)
            self.scope_orders[ctx.committee.code] = order
        return self.scope_orders[ctx.committee.code]

    def _dates(self, start, status, mode, in_progress):
        """Visit, feedback and deadline dates consistent with the status (and the DB checks)."""
        if status == S.PLANNED:
            return None, None, None, None
        short = mode == M.MOBILE
        if in_progress:
            offset = {S.FED_BACK: self.r(2, 6), S.LEFT: self.r(30, 36), S.ON_SITE: self.r(64, 72)}[status]
            span = self.r(8, 12) if short else self.r(18, 26)
            gap = self.r(20, 30)
        else:
            offset = self.r(0, 6)
            span = self.r(10, 15) if short else self.r(20, 30) if mode == M.LOOK_BACK else self.r(25, 40)
            gap = self.r(30, 60)
        onsite_start = start + dt.timedelta(days=offset)
        if status == S.ON_SITE:
            return onsite_start, None, None, None
        onsite_end = onsite_start + dt.timedelta(days=span)
        if status == S.LEFT:
            return onsite_start, onsite_end, None, None
        feedback = onsite_end + dt.timedelta(days=gap)
        return onsite_start, onsite_end, feedback, add_months(feedback, 2)

    def _inspection(self, ctx, rnd_obj, number, team, org, mode, status, earlier, theme) -> InspectionPlan:
        in_progress = rnd_obj.status == RoundStatus.IN_PROGRESS
        s, e, fb, dl = self._dates(rnd_obj.start_date, status, mode, in_progress)
        forced = False
        if status == S.CLOSED:
            forced = ctx.is_city and number == 6 and self.liaison_plan is None and org.level == OrgLevel.MUNICIPAL_UNIT
            age = (self.today - dl).days  # long past the deadline, most inspections have been closed
            share = 0.92 if age > 500 else 0.8 if age > 150 else 0.0
            status = S.CLOSED if not forced and self.rnd.random() < share else S.FED_BACK
        insp = Inspection(
            round=rnd_obj,
            team=team.team,
            organization=org,
            mode=mode,
            theme=theme[0] if theme and mode == M.SPECIAL else "",
            earlier=earlier.insp if earlier else None,
            status=status,
            onsite_start=s,
            onsite_end=e,
            feedback_date=fb,
            rectification_deadline=dl,
        )
        plan = InspectionPlan(insp, org, team, ctx, rnd_obj, number, forced_mix=forced)
        if forced:
            self.liaison_plan = plan
        self.inspections.append(plan)
        if status != S.PLANNED:
            ctx.done.append(plan)
        return plan
