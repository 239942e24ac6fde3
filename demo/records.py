"""What the teams found and what came of it: petitions, problems, notices, clues, sanctions,
measures, handover items, rules, supervision and evaluations."""

import datetime as dt

from campaigns.models import InspectionMode, InspectionStatus, OrgLevel
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
    PetitionHandling,
    Problem,
    ProblemStatus,
    Sanction,
    SanctionKind,
    SanctionSource,
)
from rectification.models import (
    Evaluation,
    EvaluationGrade,
    HandoverItem,
    HandoverStatus,
    Measure,
    MeasureStatus,
    RuleEstablished,
    RuleKind,
    SupervisionAction,
    SupervisionKind,
)

from . import texts
from .base import add_months
from .names import HEAD_POSITION, POSITIONS

S, PS, MS = InspectionStatus, ProblemStatus, MeasureStatus
GRASS = (OrgLevel.VILLAGE, OrgLevel.STATION)
PROBLEMS_PER_LEVEL = {
    OrgLevel.MUNICIPAL_UNIT: (16, 26),
    OrgLevel.ENTERPRISE: (16, 24),
    OrgLevel.INSTITUTION: (14, 22),
    OrgLevel.DISTRICT: (20, 30),
    OrgLevel.DISTRICT_UNIT: (10, 16),
    OrgLevel.TOWNSHIP: (12, 18),
    OrgLevel.VILLAGE: (4, 8),
    OrgLevel.STATION: (3, 6),
}
BIG = (OrgLevel.MUNICIPAL_UNIT, OrgLevel.ENTERPRISE, OrgLevel.INSTITUTION, OrgLevel.DISTRICT)
METHODS = list(DiscoveryMethod.values)
METHOD_WEIGHTS = [5, 2, 5, 1.5, 2, 1.5, 0.6, 0.6, 0.8, 0.3]
DISPOSITIONS = {
    ClueDestination.DISCIPLINE: [
        Disposition.PRELIMINARY,
        Disposition.LETTER_INQUIRY,
        Disposition.CASE_OPENED,
        Disposition.CLOSED,
        Disposition.SHELVED,
    ],
    ClueDestination.ORG_DEPT: [Disposition.ORG_HANDLING, Disposition.CLOSED],
}
COMMON = {
    texts.WATER_TITLE: (
        "A04",
        "农村饮水安全保障不到位",
        "多个村（社区）存在供水管网老化、水质不达标问题，作为共性问题统筹整改。",
    ),
    texts.THREE_ASSETS_TITLE: ("C05", "村集体“三资”台账不健全", "村级集体资产资源底数不清问题在多个乡镇普遍存在。"),
    texts.MEETINGS_TITLE: (
        "B05",
        "“三会一课”制度落实不严格",
        "基层党组织组织生活不规范问题较为普遍，统筹开展专项整治。",
    ),
}


class RecordsMixin:
    def _where(self, org) -> tuple[str, ...]:
        if org.level == OrgLevel.VILLAGE:
            return ("grass", "any")
        if org.level == OrgLevel.TOWNSHIP:
            return ("organ", "grass", "any")
        return ("organ", "any")

    def position(self, org, head: bool = False) -> str:
        """A post in the organization, worded for a 街道 or a 县 where it differs."""
        post = HEAD_POSITION[org.level] if head else self.rnd.choice(POSITIONS[org.level])
        short = self.short[org.code]
        if org.level == OrgLevel.DISTRICT:
            post = post.replace("区", short[-1])
            return short[:-1] + post if post.startswith(short[-1]) else short + post
        if short.endswith("街道"):
            post = (
                post.replace("党委", "党工委").replace("副镇长", "街道办事处副主任").replace("镇长", "街道办事处主任")
            )
        return post if head else short + post

    def _window(self, insp) -> tuple[dt.date, dt.date]:
        """The days the team worked the inspection: on site, then writing up."""
        end = insp.onsite_end or self.today
        return insp.onsite_start, min(end, self.today)

    def _common(self, title: str, office):
        if title not in COMMON:
            return None
        if title not in self.common_by_title:
            code, name, description = COMMON[title]
            cp = CommonProblem(title=name, category=self.categories[code], description=description, created_by=office)
            self.common_by_title[title] = cp
            self.common_problems.append(cp)
        return self.common_by_title[title]

    # --- petitions, problems, notices, clues --------------------------------------------------

    def build_findings(self) -> None:
        for plan in self.inspections:
            if plan.insp.status == S.PLANNED:
                continue
            self._petitions(plan)
            self._problems(plan)
            self._notice(plan)
            self._clues(plan)

    def _petitions(self, plan) -> None:
        insp, org = plan.insp, plan.org
        lo, hi = (6, 16) if org.level in BIG else (4, 10) if org.level not in GRASS else (1, 5)
        count = self.r(lo, hi) if insp.status != S.ON_SITE else self.r(lo // 2, hi // 2)
        start, end = self._window(insp)
        end = min(end, insp.onsite_end or self.today)
        where = self._where(org)
        choices = [p for p in texts.PETITIONS if p[2] in where]
        for number in range(1, count + 1):
            subject, content, _w = self.rnd.choice(choices)
            params = self.params(self.short[org.code], start)
            anonymous = self.rnd.random() < 0.45
            handling = self.cover(
                "handling_open" if insp.status == S.ON_SITE else "handling",
                [PetitionHandling.PENDING, PetitionHandling.REFERRED, PetitionHandling.FILED]
                if insp.status == S.ON_SITE
                else [PetitionHandling.REFERRED, PetitionHandling.FILED],
            )
            petition = Petition(
                inspection=insp,
                number=number,
                channel=self.cover("channel", PetitionChannel.values, [3, 2, 2, 2, 1]),
                received_on=self.day(start, end),
                petitioner="" if anonymous else self.names.person(unique=False),
                is_anonymous=anonymous,
                subject=subject.format(**params),
                content=content.format(**params),
                handling=handling,
            )
            plan.petitions.append(petition)
            self.petitions.append(petition)

    def _problem_text(self, plan, number):
        org, insp = plan.org, plan.insp
        where = self._where(org)
        if org.level == OrgLevel.VILLAGE and number == 1 and self.rnd.random() < 0.5:
            return "A04", texts.WATER_TITLE, texts.WATER_DESC
        if org.level in (OrgLevel.VILLAGE, OrgLevel.TOWNSHIP) and number == 2 and self.rnd.random() < 0.25:
            return "B05", texts.MEETINGS_TITLE, texts.MEETINGS_DESC
        if org.level == OrgLevel.VILLAGE and number == 3 and self.rnd.random() < 0.3:
            return "C05", texts.THREE_ASSETS_TITLE, texts.THREE_ASSETS_DESC
        allowed = [c for c, tpls in texts.PROBLEMS.items() if c in self.categories and any(t[2] in where for t in tpls)]
        code = None
        if insp.mode == InspectionMode.LOOK_BACK and self.rnd.random() < 0.5 and "A05" in allowed:
            code = "A05"
        elif insp.theme:
            themed = next((codes for name, codes in texts.SPECIAL_THEMES if name == insp.theme), ())
            themed = [c for c in themed if c in allowed]
            if themed and self.rnd.random() < 0.6:
                code = self.rnd.choice(themed)
        code = code or self.cover("category", allowed)
        title, desc, _w = self.rnd.choice([t for t in texts.PROBLEMS[code] if t[2] in where])
        return code, title, desc

    def _problems(self, plan) -> None:
        insp, org, team = plan.insp, plan.org, plan.team
        lo, hi = PROBLEMS_PER_LEVEL[org.level]
        count = self.r(lo, hi)
        if insp.mode in (InspectionMode.LOOK_BACK, InspectionMode.MOBILE):
            count = max(2, count * 6 // 10)
        if insp.status == S.ON_SITE:
            count = max(1, count // 2)
        start, end = self._window(insp)
        if insp.feedback_date:
            sign_end = insp.feedback_date - dt.timedelta(days=3)
        elif insp.onsite_end:
            sign_end = insp.onsite_end + dt.timedelta(days=12)
        else:
            sign_end = self.today
        sign_end = min(sign_end, self.today)
        drafters = team.deputies + team.members
        linkable = list(plan.petitions)
        children = [c for c in self.children.get(org.code, []) if c.is_active]
        fed_back = insp.status in (S.FED_BACK, S.CLOSED)
        for number in range(1, count + 1):
            code, title_tpl, desc_tpl = self._problem_text(plan, number)
            params = self.params(self.short[org.code], start)
            method = self.cover("method", METHODS, METHOD_WEIGHTS)
            petition = None
            if method == DiscoveryMethod.PETITION:
                if linkable:
                    petition = linkable.pop(self.rnd.randrange(len(linkable)))
                    petition.handling = PetitionHandling.TO_PROBLEM
                else:
                    method = DiscoveryMethod.DOCUMENTS
            if fed_back:
                status = PS.FED_BACK  # settled with the measures
            elif insp.status == S.ON_SITE:
                status = self.cover(
                    "ps_on_site", [PS.DRAFT, PS.HANDLER_SIGNED, PS.DEPUTY_SIGNED, PS.APPROVED], [3, 2, 2, 3]
                )
            else:
                status = self.cover(
                    "ps_left", [PS.DRAFT, PS.HANDLER_SIGNED, PS.DEPUTY_SIGNED, PS.APPROVED], [1, 1, 2, 8]
                )
            problem = Problem(
                inspection=insp,
                number=number,
                title=title_tpl.format(**params),
                description=desc_tpl.format(**params),
                category=self.categories[code],
                method=method,
                involved_organization=self.rnd.choice(children) if children and self.rnd.random() < 0.3 else None,
                source_petition=petition,
                common_problem=self._common(title_tpl, plan.ctx.office_user),
                status=status,
                drafted_by=self.rnd.choice(drafters).user,
            )
            d1 = self.day(start + dt.timedelta(days=2), sign_end)
            d2 = min(d1 + dt.timedelta(days=self.r(0, 3)), max(sign_end, d1))
            d3 = min(d2 + dt.timedelta(days=self.r(0, 4)), max(sign_end, d2))
            if status != PS.DRAFT:
                problem.handler_signed_at = self.at(d1, 9, 11)
            if status not in (PS.DRAFT, PS.HANDLER_SIGNED):
                problem.deputy_signed_by = self.rnd.choice(team.deputies).user
                problem.deputy_signed_at = self.at(d2, 13, 15)
            if status not in (PS.DRAFT, PS.HANDLER_SIGNED, PS.DEPUTY_SIGNED):
                problem.leader_signed_by = team.leader.user
                problem.leader_signed_at = self.at(d3, 16, 17)
            if fed_back:
                problem.fed_back_on = insp.feedback_date
            plan.problems.append(problem)
            self.problems.append(problem)

    def _notice(self, plan) -> None:
        signed = [p for p in plan.problems if p.status != PS.DRAFT]
        if not signed or self.rnd.random() >= 0.35:
            return
        problem = self.rnd.choice(signed)
        start, end = self._window(plan.insp)
        issued = self.day(start + dt.timedelta(days=3), end)
        deadline = issued + dt.timedelta(days=self.r(7, 30))
        done = self.rnd.random() < (0.85 if deadline < self.today else 0.4)
        self.notices.append(
            ImmediateNotice(
                problem=problem,
                number=1,
                issued_on=issued,
                deadline=deadline,
                requirement=self.rnd.choice(texts.NOTICE_REQUIREMENTS).format(n=self.r(3, 10)),
                issued_by=plan.team.leader.user,
                completed_on=self.day(issued + dt.timedelta(days=2), deadline + dt.timedelta(days=5)) if done else None,
                result=self.rnd.choice(texts.NOTICE_RESULTS) if done else "",
            )
        )

    def _clues(self, plan) -> None:
        insp, org = plan.insp, plan.org
        lo, hi = (1, 3) if org.level in BIG else (0, 1) if org.level in GRASS else (1, 3)
        linkable = [p for p in plan.petitions if p.handling != PetitionHandling.TO_PROBLEM]
        for number in range(1, self.r(lo, hi) + 1):
            dest = self.cover("destination", ClueDestination.values, [3, 1])
            name = self.names.person(unique=False)
            position = self.position(org)
            petition = None
            if linkable and self.rnd.random() < 0.3:
                petition = linkable.pop(self.rnd.randrange(len(linkable)))
                petition.handling = PetitionHandling.TO_CLUE
            clue = Clue(
                inspection=insp,
                number=number,
                subject_name=name,
                subject_position=position,
                summary=self.rnd.choice(texts.CLUES[dest]).format(name=name, amt=self.params("")["amt"]),
                source_petition=petition,
                destination=dest,
            )
            self.clues.append(clue)
            if insp.status == S.ON_SITE:
                continue
            if insp.status == S.LEFT:
                if self.cover("clue_left", [ClueStatus.DRAFT, ClueStatus.TRANSFERRED]) == ClueStatus.DRAFT:
                    continue
                on = self.day(insp.onsite_end + dt.timedelta(days=3), insp.onsite_end + dt.timedelta(days=25))
            else:
                fb = insp.feedback_date
                on = self.day(max(insp.onsite_end, fb - dt.timedelta(days=10)), fb + dt.timedelta(days=10))
            clue.status, clue.transferred_on, clue.transferred_by = ClueStatus.TRANSFERRED, on, plan.ctx.office_user
            settled_share = 0.9 if insp.status == S.CLOSED else 0.75 if (self.today - on).days > 90 else 0.3
            if insp.status == S.LEFT or self.rnd.random() >= settled_share:
                continue
            disposition = self.cover(f"disposition_{dest}", DISPOSITIONS[dest])
            clue.status = ClueStatus.DISPOSED
            clue.disposition = disposition
            clue.disposed_on = self.day(on + dt.timedelta(days=20), on + dt.timedelta(days=240))
            clue.disposition_note = texts.DISPOSITION_NOTES[disposition]
            clue.disposed_by = self.discipline_user if dest == ClueDestination.DISCIPLINE else self.orgdept_user
            kinds = []
            if disposition == Disposition.CASE_OPENED:
                extra = self.cover("case_extra", ["government", "judicial", "none", "government"])
                kinds = [SanctionKind.PARTY_DISCIPLINE] + ([extra] if extra != "none" else [])
            elif disposition in (Disposition.ORG_HANDLING, Disposition.LETTER_INQUIRY) and self.rnd.random() < 0.6:
                kinds = [SanctionKind.ORGANIZATIONAL]
            for kind in kinds:
                self._sanction(
                    plan, SanctionSource.CLUE, kind, name, clue.subject_position, clue.disposed_on, clue=clue
                )

    def _sanction(self, plan, source, kind, name, position, on, **links) -> Sanction:
        sanction = Sanction(
            inspection=plan.insp,
            source=source,
            kind=kind,
            person_name=name,
            person_position=position,
            decided_on=on,
            note=self.rnd.choice(texts.SANCTION_NOTES[kind]),
            **links,
        )
        self.sanctions.append(sanction)
        return sanction

    # --- rectification -----------------------------------------------------------------------

    def build_rectification(self) -> None:
        for plan in self.inspections:
            if plan.insp.status not in (S.FED_BACK, S.CLOSED):
                continue
            for k, problem in enumerate(plan.problems):
                self._measures(plan, problem, k)
            self._handovers(plan)
            self._rules(plan)
            self._supervision(plan)
            self._evaluation(plan)

    def _outcome(self, plan, k: int) -> str:
        if plan.insp.status == S.CLOSED:
            return PS.ONGOING if self.rnd.random() < 0.15 else PS.RECTIFIED
        if plan.forced_mix:
            return [PS.FED_BACK, PS.RECTIFIED, PS.ONGOING, PS.FED_BACK][k % 4]
        elapsed = (self.today - plan.insp.feedback_date).days
        # The longer since feedback, the more is rectified (a few problems drag on for years).
        bands = ((30, [95, 5, 0]), (90, [60, 35, 5]), (200, [25, 65, 10]), (500, [13, 75, 12]))
        weights = next((w for days, w in bands if elapsed < days), [6, 80, 14])
        return self.rnd.choices([PS.FED_BACK, PS.RECTIFIED, PS.ONGOING], weights)[0]

    def _measure_states(self, plan, outcome: str, count: int, k: int) -> list[str]:
        if outcome == PS.RECTIFIED:
            return [MS.ACCEPTED] * count
        if outcome == PS.ONGOING:
            return [MS.ONGOING] + [self.rnd.choice([MS.ACCEPTED, MS.ONGOING]) for _ in range(count - 1)]
        if plan.forced_mix:
            open_state = [MS.PLANNED, MS.REPORTED, MS.SENT_BACK][(k // 4) % 3]
            return [open_state] + [MS.ACCEPTED] * (count - 1)
        elapsed = (self.today - plan.insp.feedback_date).days
        weights = [70, 20, 3, 7] if elapsed < 30 else [25, 25, 10, 40]
        states = self.rnd.choices([MS.PLANNED, MS.REPORTED, MS.SENT_BACK, MS.ACCEPTED], weights, k=count)
        if all(s == MS.ACCEPTED for s in states):
            states[-1] = self.cover("open_measure", [MS.PLANNED, MS.REPORTED, MS.SENT_BACK])
        return states

    def _measures(self, plan, problem, k: int) -> None:
        insp, org = plan.insp, plan.org
        outcome = self._outcome(plan, k)
        count = self.rnd.choices([1, 2, 3], [20, 50, 30])[0]
        if plan.forced_mix or outcome == PS.ONGOING:
            count = max(count, 2)
        fb = insp.feedback_date
        unit = problem.involved_organization or org
        person = self.names.person(unique=False)
        top = problem.category.code[0] if problem.category.code[0] in texts.MEASURES else "A"
        verified_days, measures = [], []
        for number, state in enumerate(self._measure_states(plan, outcome, count, k), 1):
            if state == MS.ONGOING:
                deadline = insp.rectification_deadline + dt.timedelta(days=self.r(0, 180))
            else:
                deadline = fb + dt.timedelta(days=self.r(20, 58))
            params = self.params(self.short[org.code], fb)
            m = Measure(
                problem=problem,
                number=number,
                content=self.rnd.choice(texts.MEASURES[top]).format(**params),
                responsible_unit=unit,
                responsible_person=person if number == 1 else self.names.person(unique=False),
                deadline=deadline,
                status=state,
                progress=self.rnd.choice(texts.PROGRESS_PLANNED),
            )
            if state != MS.PLANNED:
                reported = self.day(
                    fb + dt.timedelta(days=5), max(fb + dt.timedelta(days=5), deadline + dt.timedelta(days=15))
                )
                m.reported_at, m.reported_by = self.at(reported), plan.liaison
                m.progress = self.rnd.choice(texts.PROGRESS).format(**params)
                if state != MS.REPORTED:
                    verified = self.day(reported + dt.timedelta(days=1), reported + dt.timedelta(days=20))
                    m.verified_at, m.verified_by = self.at(verified, 9, 17), plan.ctx.office_user
                    if m.verified_at < m.reported_at:
                        m.verified_at = m.reported_at + dt.timedelta(hours=1)
                    m.verification_note = self.rnd.choice(
                        {MS.ACCEPTED: texts.ACCEPTED_NOTES, MS.ONGOING: texts.ONGOING_NOTES}.get(
                            state, texts.SENT_BACK_NOTES
                        )
                    )
                    verified_days.append(m.verified_at.date())
            measures.append(m)
        self.measures.extend(measures)
        plan.measures.append((problem, measures))
        if all(m.status in (MS.ACCEPTED, MS.ONGOING) for m in measures):
            problem.status = PS.ONGOING if any(m.status == MS.ONGOING for m in measures) else PS.RECTIFIED
            problem.rectified_on = max(verified_days)
        else:
            problem.status = PS.FED_BACK
        if self.rnd.random() < 0.03 or (plan.forced_mix and k == 1):
            kind = self.cover(
                "sanction_rectification",
                [SanctionKind.ORGANIZATIONAL, SanctionKind.PARTY_DISCIPLINE, SanctionKind.GOVERNMENT],
            )
            position = self.position(unit)
            on = self.day(fb + dt.timedelta(days=20), fb + dt.timedelta(days=200))
            self._sanction(plan, SanctionSource.RECTIFICATION, kind, person, position, on, problem=problem)

    def _handovers(self, plan) -> None:
        insp, org = plan.insp, plan.org
        lo, hi = (1, 3) if org.level in BIG else (0, 1) if org.level in GRASS else (0, 2)
        prefix = "市" if plan.ctx.is_city else self.short[plan.ctx.committee.code]
        for number in range(1, self.r(lo, hi) + 1):
            title, content, dept = self.rnd.choice(texts.HANDOVERS)
            params = self.params(self.short[org.code], insp.feedback_date)
            handed = self.day(insp.feedback_date, insp.feedback_date + dt.timedelta(days=10))
            deadline = handed + dt.timedelta(days=self.r(30, 90))
            elapsed = (self.today - handed).days
            share = 0.9 if insp.status == S.CLOSED else 0.2 if elapsed < 45 else 0.75
            closed = self.rnd.random() < share
            item = HandoverItem(
                inspection=insp,
                number=number,
                title=title.format(**params),
                content=content.format(**params),
                department=prefix + dept,
                handed_over_on=handed,
                deadline=deadline,
                status=HandoverStatus.CLOSED if closed else HandoverStatus.OPEN,
            )
            if closed:
                item.closed_on = self.day(handed + dt.timedelta(days=10), deadline + dt.timedelta(days=30))
                item.result = self.rnd.choice(texts.HANDOVER_RESULTS).format(**params)
                if self.rnd.random() < 0.3:
                    kind = self.cover("sanction_handover", SanctionKind.values)
                    position = self.position(org)
                    sanction = self._sanction(
                        plan, SanctionSource.HANDOVER, kind, self.names.person(unique=False), position, item.closed_on
                    )
                    self.handover_sanctions.append((item, sanction))
            self.handovers.append(item)

    def _rules(self, plan) -> None:
        insp, org = plan.insp, plan.org
        done = [p for p in plan.problems if p.status in (PS.RECTIFIED, PS.ONGOING)]
        count = self.r(1, 3) if done and org.level not in GRASS else self.r(0, 1)
        # A rule of no problem's rectification is set up on a closed handover item, where there is
        # one (no draw from the random stream, so the rest of the demo stays as it was).
        closed = [h for h in self.handovers if h.inspection is insp and h.status == HandoverStatus.CLOSED]
        for title in self.rnd.sample(texts.RULES, count):
            problem = self.rnd.choice(done) if done and self.rnd.random() < 0.7 else None
            self.rules.append(
                RuleEstablished(
                    inspection=insp,
                    problem=problem,
                    handover_item=closed[len(self.rules) % len(closed)] if closed and problem is None else None,
                    title=title.format(org=self.short[org.code]),
                    kind=self.cover("rule_kind", RuleKind.values, [2, 3]),
                    adopted_on=self.day(
                        insp.feedback_date + dt.timedelta(days=7), insp.feedback_date + dt.timedelta(days=300)
                    ),
                )
            )

    def _supervision(self, plan) -> None:
        insp, org = plan.insp, plan.org
        overdue = [
            m
            for _p, ms in plan.measures
            for m in ms
            if m.status not in (MS.ACCEPTED, MS.ONGOING) and m.deadline < self.today
        ]
        if not overdue or insp.status == S.CLOSED:
            return
        head = self.names.person(unique=False)
        count = 5 if plan.forced_mix else self.r(1, 3)
        first_due = min(m.deadline for m in overdue)
        for _i in range(count):
            kind = self.cover("supervision", SupervisionKind.values, [3, 3, 1, 1, 1])
            measure = self.rnd.choice(overdue) if kind in ("notice", "reminder", "warning") else None
            self.supervision.append(
                SupervisionAction(
                    inspection=insp,
                    measure=measure,
                    kind=kind,
                    acted_on=self.day(first_due + dt.timedelta(days=1), first_due + dt.timedelta(days=90)),
                    acted_by=plan.ctx.office_user,
                    target_person=f"{head}（{self.position(org, head=True)}）"
                    if kind in ("warning", "interview")
                    else "",
                    content=texts.SUPERVISION[kind].format(org=self.short[org.code], n=len(overdue), n2=self.r(5, 15)),
                )
            )

    def _evaluation(self, plan) -> None:
        insp = plan.insp
        deadline = insp.rectification_deadline
        if insp.status != S.CLOSED and (deadline >= self.today or (self.rnd.random() < 0.5 and not plan.forced_mix)):
            return
        total = len(plan.problems) or 1
        done = sum(p.status in (PS.RECTIFIED, PS.ONGOING) for p in plan.problems)
        score = max(0, min(100, round(45 + 50 * done / total + self.r(-15, 5))))
        grade = (
            EvaluationGrade.EXCELLENT
            if score >= 90
            else EvaluationGrade.GOOD
            if score >= 80
            else EvaluationGrade.FAIR
            if score >= 60
            else EvaluationGrade.POOR
        )
        self.evaluations.append(
            Evaluation(
                inspection=insp,
                score=score,
                grade=grade,
                evaluated_on=self.day(deadline, add_months(deadline, 2)),
                evaluated_by=plan.ctx.office_user,
                note=texts.EVALUATION_NOTES[grade],
            )
        )
