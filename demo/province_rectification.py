"""The rectification under the province's fed-back inspections: measures and their evidence,
handover items, rules established, supervision and evaluations (the rules of `records.py`)."""

import datetime as dt

from findings.models import SanctionKind, SanctionSource
from rectification.models import EvaluationGrade, HandoverStatus, MeasureStatus, RuleKind, SupervisionKind

from . import texts
from .base import add_months
from .province_records import BIG, DAYS, GRASS, P_RECTIFIED, P_STATUS, PS, S, domain

MS = MeasureStatus
MEASURE_COUNTS = [1] * 22 + [2] * 50 + [3] * 28
RULE_KINDS = [RuleKind.NEW] * 2 + [RuleKind.REVISED] * 3
SUPERVISION_KINDS = [SupervisionKind.NOTICE] * 3 + [SupervisionKind.REMINDER] * 3
SUPERVISION_KINDS += [SupervisionKind.WARNING, SupervisionKind.INTERVIEW, SupervisionKind.LOOK_BACK]
NOTES = {
    MS.ACCEPTED: texts.ACCEPTED_NOTES,
    MS.ONGOING: texts.ONGOING_NOTES,
    MS.SENT_BACK: texts.SENT_BACK_NOTES,
}


class ProvinceRectification:
    """Mixed into the province seed; `ProvinceRecords._chunk` calls these per inspection."""

    def _outcome(self, insp) -> str:
        rnd = self.rnd
        if insp.status == S.CLOSED:
            return PS.ONGOING if rnd.random() < 0.15 else PS.RECTIFIED
        elapsed = (self.today - insp.feedback).days
        # The longer since feedback, the more is rectified (a few problems drag on for years).
        bands = ((30, (95, 5, 0)), (90, (60, 35, 5)), (200, (25, 65, 10)), (500, (13, 75, 12)))
        weights = next((w for days, w in bands if elapsed < days), (6, 80, 14))
        return rnd.choices((PS.FED_BACK, PS.RECTIFIED, PS.ONGOING), weights)[0]

    def _measure_states(self, insp, outcome, count) -> list[str]:
        rnd = self.rnd
        if outcome == PS.RECTIFIED:
            return [MS.ACCEPTED] * count
        if outcome == PS.ONGOING:
            return [MS.ONGOING] + [self.pick((MS.ACCEPTED, MS.ONGOING)) for _ in range(count - 1)]
        weights = (70, 20, 3, 7) if (self.today - insp.feedback).days < 30 else (25, 25, 10, 40)
        states = rnd.choices((MS.PLANNED, MS.REPORTED, MS.SENT_BACK, MS.ACCEPTED), weights, k=count)
        if all(s == MS.ACCEPTED for s in states):
            states[-1] = self.pick((MS.PLANNED, MS.REPORTED, MS.SENT_BACK))
        return states

    def _measures(self, insp, st, out) -> None:
        if insp.status not in (S.FED_BACK, S.CLOSED):
            return
        org, fb, today, rand, pick = insp.org, insp.feedback, self.today, self.rand, self.pick
        office, liaison = insp.ctx.users["office"], insp.liaison
        report_from = fb + DAYS[5]
        created = self.fat(fb + DAYS[3])
        measures, evidence = out["measure"], out["evidence"]
        st["measures"] = overdue = []
        for problem in st["problems"]:
            outcome = self._outcome(insp)
            count = pick(MEASURE_COUNTS)
            if outcome == PS.ONGOING:
                count = max(count, 2)
            unit = problem[7] or org.id
            person = self.person()
            contents = texts.MEASURES[self.measure_texts[problem[5]]]
            params = self._params(org)
            done_days = []
            for number, state in enumerate(self._measure_states(insp, outcome, count), 1):
                if state == MS.ONGOING:
                    deadline = insp.deadline + DAYS[int(rand() * 181)]
                else:
                    deadline = fb + DAYS[20 + int(rand() * 39)]
                mid = self._next("measure")
                progress = pick(texts.PROGRESS_PLANNED)
                reported_at = reported_by = verified_at = verified_by = None
                note = ""
                if state != MS.PLANNED:
                    reported = self.fday(report_from, max(report_from, deadline + DAYS[15]))
                    reported_at, reported_by = self.fat(reported), liaison
                    progress = pick(texts.PROGRESS).format(**params)
                    if state != MS.REPORTED:
                        verified_at, verified_by = self.fat(self.fday(reported + DAYS[1], reported + DAYS[20])), office
                        if verified_at < reported_at:
                            verified_at = reported_at + dt.timedelta(hours=1)
                        note = pick(NOTES[state])
                        if state != MS.SENT_BACK:
                            done_days.append(verified_at.date())
                    evidence.append(
                        (
                            self._next("evidence"),
                            mid,
                            self.evidence_file,
                            f"{pick(texts.EVIDENCE_NAMES)}（措施{number}）.pdf",
                            "application/pdf",
                            self.pdf_size,
                            self.evidence_digest,
                            liaison,
                            reported_at,
                        )
                    )
                    if state != MS.ACCEPTED and state != MS.ONGOING and deadline < today:
                        overdue.append((mid, deadline))
                elif deadline < today:
                    overdue.append((mid, deadline))
                measures.append(
                    (
                        mid,
                        problem[0],
                        number,
                        pick(contents).format(**params),
                        unit,
                        person if number == 1 else self.person(),
                        deadline,
                        state,
                        progress,
                        reported_at,
                        reported_by,
                        verified_at,
                        verified_by,
                        note,
                        created,
                        verified_at or reported_at or created,
                        1,
                        None,
                        None,
                        "",
                    )
                )
            if len(done_days) == count:  # every measure accepted (or accepted as ongoing)
                problem[P_STATUS] = outcome
                problem[P_RECTIFIED] = max(done_days)
            if rand() < 0.03:
                kind = pick((SanctionKind.ORGANIZATIONAL, SanctionKind.PARTY_DISCIPLINE, SanctionKind.GOVERNMENT))
                on = self.fday(fb + DAYS[20], fb + DAYS[200])
                self._sanction(
                    out, insp, SanctionSource.RECTIFICATION, kind, person, self._position(org), on, problem=problem[0]
                )

    def _handovers(self, insp, st, out) -> None:
        if insp.status not in (S.FED_BACK, S.CLOSED):
            return
        rnd, org, fb = self.rnd, insp.org, insp.feedback
        lo, hi = (1, 3) if org.level in BIG else (0, 1) if org.level in GRASS else (0, 2)
        prefix = insp.ctx.org.short
        for number in range(1, self.ri(lo, hi) + 1):
            title, content, dept = self.pick(texts.HANDOVERS)
            params = self._params(org)
            handed = self.fday(fb, fb + dt.timedelta(days=10))
            deadline = handed + dt.timedelta(days=self.ri(30, 90))
            share = 0.9 if insp.status == S.CLOSED else 0.2 if (self.today - handed).days < 45 else 0.75
            closed = rnd.random() < share
            hid = self._next("handover")
            closed_on = self.fday(handed + dt.timedelta(days=10), deadline + dt.timedelta(days=30)) if closed else None
            out["handover"].append(
                (
                    hid,
                    insp.id,
                    number,
                    title.format(**params),
                    content.format(**params),
                    prefix + dept.lstrip("市"),
                    handed,
                    deadline,
                    HandoverStatus.CLOSED if closed else HandoverStatus.OPEN,
                    closed_on,
                    self.pick(texts.HANDOVER_RESULTS).format(**params) if closed else "",
                    *domain(self.fat(closed_on or handed)),
                )
            )
            if closed and rnd.random() < 0.3:
                kind = self.pick(SanctionKind.values)
                sid = self._sanction(
                    out, insp, SanctionSource.HANDOVER, kind, self.person(), self._position(org), closed_on
                )
                out["handover_sanction"].append((self._next("handover_sanction"), hid, sid))

    def _rules(self, insp, st, out) -> None:
        if insp.status not in (S.FED_BACK, S.CLOSED):
            return
        rnd, fb = self.rnd, insp.feedback
        done = [p[0] for p in st["problems"] if p[P_STATUS] in (PS.RECTIFIED, PS.ONGOING)]
        count = self.ri(1, 3) if done and insp.org.level not in GRASS else self.ri(0, 1)
        for title in rnd.sample(texts.RULES, count):
            adopted = self.fday(fb + dt.timedelta(days=7), fb + dt.timedelta(days=300))
            out["rule"].append(
                (
                    self._next("rule"),
                    insp.id,
                    self.pick(done) if done and rnd.random() < 0.7 else None,
                    title.format(org=insp.org.short),
                    self.pick(RULE_KINDS),
                    adopted,
                    *domain(self.fat(adopted)),
                )
            )

    def _supervision(self, insp, st, out) -> None:
        overdue = st.get("measures")
        if not overdue or insp.status == S.CLOSED:
            return
        org = insp.org
        head = self.person()
        first_due = min(d for _m, d in overdue)
        for _i in range(self.ri(1, 3)):
            kind = self.pick(SUPERVISION_KINDS)
            measure = self.pick(overdue)[0] if kind in ("notice", "reminder", "warning") else None
            acted = self.fday(first_due + dt.timedelta(days=1), first_due + dt.timedelta(days=90))
            target = f"{head}（{org.short}主要负责人）" if kind in ("warning", "interview") else ""
            content = texts.SUPERVISION[kind].format(org=org.short, n=len(overdue), n2=self.ri(5, 15))
            out["supervision"].append(
                (
                    self._next("supervision"),
                    insp.id,
                    measure,
                    kind,
                    acted,
                    insp.ctx.users["office"],
                    target,
                    content,
                    *domain(self.fat(acted)),
                )
            )

    def _evaluation(self, insp, st, out) -> None:
        if insp.status not in (S.FED_BACK, S.CLOSED):
            return
        rnd, deadline = self.rnd, insp.deadline
        if insp.status != S.CLOSED and (deadline >= self.today or rnd.random() < 0.5):
            return
        problems = st["problems"]
        done = sum(p[P_STATUS] in (PS.RECTIFIED, PS.ONGOING) for p in problems)
        score = max(0, min(100, round(45 + 50 * done / (len(problems) or 1) + self.ri(-15, 5))))
        grade = (
            EvaluationGrade.EXCELLENT
            if score >= 90
            else EvaluationGrade.GOOD
            if score >= 80
            else EvaluationGrade.FAIR
            if score >= 60
            else EvaluationGrade.POOR
        )
        on = self.fday(deadline, add_months(deadline, 2))
        out["evaluation"].append(
            (
                self._next("evaluation"),
                insp.id,
                score,
                grade,
                on,
                insp.ctx.users["office"],
                texts.EVALUATION_NOTES[grade],
                *domain(self.fat(on)),
            )
        )
