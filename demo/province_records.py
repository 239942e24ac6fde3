"""The records under the province's inspections, a chunk of inspections at a time.

For each chunk every table's rows are generated first (petitions learn from the problems and
clues drawn from them how they were handled), then written parents first. The rules are those
of the city demo (`records.py`), in tuples instead of model instances.
"""

import datetime as dt
import hashlib
import time

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
    PetitionHandling,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Sanction,
    SanctionKind,
    SanctionSource,
)
from rectification.models import (
    Evaluation,
    Evidence,
    HandoverItem,
    Measure,
    MeasureStatus,
    RuleEstablished,
    SupervisionAction,
)

from . import texts
from .loader import Table
from .names import POSITIONS
from .records import COMMON, DISPOSITIONS, METHOD_WEIGHTS, METHODS, PROBLEMS_PER_LEVEL

S, PS, MS = InspectionStatus, ProblemStatus, MeasureStatus
DOMAIN = ("created_at", "updated_at", "version", "withdrawn_at", "withdrawn_by", "withdrawn_reason")
BIG = (OrgLevel.MUNICIPAL_UNIT, OrgLevel.ENTERPRISE, OrgLevel.INSTITUTION, OrgLevel.DISTRICT, OrgLevel.COMMITTEE)
GRASS = (OrgLevel.VILLAGE, OrgLevel.STATION)
PER_LEVEL = {**PROBLEMS_PER_LEVEL, OrgLevel.COMMITTEE: (20, 30), OrgLevel.VILLAGE: (6, 10)}
SIGNING = (PS.DRAFT, PS.HANDLER_SIGNED, PS.DEPUTY_SIGNED, PS.APPROVED)
WHERE = {OrgLevel.VILLAGE: ("grass", "any"), OrgLevel.TOWNSHIP: ("organ", "grass", "any")}

TABLES = {
    "petition": Table(
        Petition,
        (
            "id",
            "inspection",
            "number",
            "channel",
            "received_on",
            "petitioner",
            "is_anonymous",
            "subject",
            "content",
            "handling",
            *DOMAIN,
            "contact",
            "query_code_hash",
        ),
    ),
    "problem": Table(
        Problem,
        (
            "id",
            "inspection",
            "number",
            "title",
            "description",
            "category",
            "method",
            "involved_organization",
            "source_petition",
            "common_problem",
            "status",
            "drafted_by",
            "handler_signed_at",
            "deputy_signed_by",
            "deputy_signed_at",
            "leader_signed_by",
            "leader_signed_at",
            "fed_back_on",
            "rectified_on",
            *DOMAIN,
        ),
    ),
    "notice": Table(
        ImmediateNotice,
        (
            "id",
            "problem",
            "number",
            "issued_on",
            "deadline",
            "requirement",
            "issued_by",
            "completed_on",
            "result",
            *DOMAIN,
        ),
    ),
    "clue": Table(
        Clue,
        (
            "id",
            "inspection",
            "number",
            "subject_name",
            "subject_position",
            "summary",
            "source_petition",
            "destination",
            "status",
            "transferred_on",
            "transferred_by",
            "disposition",
            "disposed_on",
            "disposition_note",
            "disposed_by",
            *DOMAIN,
        ),
    ),
    "measure": Table(
        Measure,
        (
            "id",
            "problem",
            "number",
            "content",
            "responsible_unit",
            "responsible_person",
            "deadline",
            "status",
            "progress",
            "reported_at",
            "reported_by",
            "verified_at",
            "verified_by",
            "verification_note",
            *DOMAIN,
        ),
    ),
    "evidence": Table(
        Evidence,
        ("id", "measure", "file", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"),
    ),
    "handover": Table(
        HandoverItem,
        (
            "id",
            "inspection",
            "number",
            "title",
            "content",
            "department",
            "handed_over_on",
            "deadline",
            "status",
            "closed_on",
            "result",
            *DOMAIN,
        ),
    ),
    "sanction": Table(
        Sanction,
        (
            "id",
            "inspection",
            "source",
            "clue",
            "problem",
            "kind",
            "person_name",
            "person_position",
            "decided_on",
            "note",
            *DOMAIN,
        ),
    ),
    "handover_sanction": Table(HandoverItem.sanctions.through, ("id", "handoveritem", "sanction")),
    "rule": Table(RuleEstablished, ("id", "inspection", "problem", "title", "kind", "adopted_on", *DOMAIN)),
    "supervision": Table(
        SupervisionAction,
        ("id", "inspection", "measure", "kind", "acted_on", "acted_by", "target_person", "content", *DOMAIN),
    ),
    "evaluation": Table(
        Evaluation, ("id", "inspection", "score", "grade", "evaluated_on", "evaluated_by", "note", *DOMAIN)
    ),
}
# Weighted draws as lists drawn from uniformly: one random() per draw, on millions of rows.
CHANNELS = ["letter"] * 3 + ["visit"] * 2 + ["phone"] * 2 + ["online"] * 2 + ["qr_code"]
SIGN_ON_SITE = [PS.DRAFT] * 3 + [PS.HANDLER_SIGNED] * 2 + [PS.DEPUTY_SIGNED] * 2 + [PS.APPROVED] * 3
SIGN_LEFT = [PS.DRAFT, PS.HANDLER_SIGNED] + [PS.DEPUTY_SIGNED] * 2 + [PS.APPROVED] * 8
GRASS_CLUES = [0, 0, 1, 1, 1, 1, 2, 2, 2, 3]
DESTINATIONS = [ClueDestination.DISCIPLINE] * 3 + [ClueDestination.ORG_DEPT]
THEME_CODES = dict(texts.SPECIAL_THEMES)
DAYS = [dt.timedelta(days=n) for n in range(400)]
UTC8 = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai, without a zone lookup per value
# Problem rows are lists: the measures settle their status and rectified_on afterwards.
P_STATUS, P_RECTIFIED = 10, 18
PET_HANDLING = 9


def domain(at: dt.datetime) -> tuple:
    return (at, at, 1, None, None, "")


class ProvinceRecords:
    """Mixed into the province seed, after the structure: uses its random helpers and plan."""

    def build_records(self) -> None:
        self.rand = self.rnd.random
        for key in TABLES:
            self.ids[key] = self.loader.next_id(TABLES[key].model)
        self.categories = {
            code: (pk, top)
            for code, pk, top in ProblemCategory.objects.filter(parent__isnull=False, is_active=True).values_list(
                "code", "pk", "parent__code"
            )
        }
        self.measure_texts = {
            pk: code[0] if code[0] in texts.MEASURES else "A" for code, (pk, _t) in self.categories.items()
        }
        self.texts_by_where = {}
        for where in (("grass", "any"), ("organ", "grass", "any"), ("organ", "any")):
            self.texts_by_where[where] = {
                code: [t for t in tpls if t[2] in where]
                for code, tpls in texts.PROBLEMS.items()
                if code in self.categories and any(t[2] in where for t in tpls)
            }
        self.petitions_by_where = {w: [p for p in texts.PETITIONS if p[2] in w] for w in self.texts_by_where}
        rnd = self.rnd
        self.param_pool = [
            {
                "y": self.today.year - self.pick((1, 2, 1)),
                "n": (n := self.ri(2, 9)),
                "n2": self.ri(1, n),
                "m": self.ri(12, 60),
                "amt": round(rnd.uniform(2, 320), self.pick((1, 2))),
                "pct": self.ri(35, 78),
                "topic": self.pick(texts.TOPICS),
            }
            for _i in range(512)
        ]
        self.methods = [m for m, w in zip(METHODS, METHOD_WEIGHTS, strict=True) for _i in range(round(w * 10))]
        self.codes_by_where = {w: list(codes) for w, codes in self.texts_by_where.items()}
        self.name_pool = [self.names.person(unique=False) for _i in range(4096)]
        self.time_pools = {
            (lo, hi): [dt.time(h, m, tzinfo=UTC8) for h in range(lo, hi + 1) for m in range(0, 60, 7)]
            for lo, hi in ((9, 17), (9, 11), (13, 15), (16, 17), (9, 9))
        }
        self._write_common_problems()
        self.evidence_digest = hashlib.sha256(self.pdf).hexdigest()
        self.pdf_size = len(self.pdf)
        insps = [i for i in self.inspections if i.status != S.PLANNED]
        for start in range(0, len(insps), self.shape.chunk):
            self._chunk(insps[start : start + self.shape.chunk])

    def _write_common_problems(self) -> None:
        """Three common problems (共性问题) per district, which its villages' problems join."""
        self.common = {}
        rows, next_id = [], self.loader.next_id(CommonProblem)
        for ctx in self.committees:
            if ctx.kind != "district":
                continue
            for title, (code, name, description) in COMMON.items():
                if code not in self.categories:
                    continue
                self.common[(ctx.org.id, title)] = next_id
                rows.append((next_id, name, self.categories[code][0], description, ctx.users["office"], self.noon))
                next_id += 1
        fields = ("id", "title", "category", "description", "created_by", "created_at")
        self.loader.write(Table(CommonProblem, fields), rows)

    # --- helpers (the mixin's, without the cost of randint on millions of rows) ---------------

    def ri(self, lo: int, hi: int) -> int:
        return lo + int(self.rand() * (hi - lo + 1))

    def pick(self, seq):
        return seq[int(self.rand() * len(seq))]

    def person(self) -> str:
        return self.name_pool[int(self.rand() * 4096)]

    def fday(self, lo: dt.date, hi: dt.date) -> dt.date:
        """A day in [lo, hi], never after today; lo (or today) when the range is empty."""
        hi = min(hi, self.today)
        if hi <= lo:
            return min(lo, self.today)
        n = int(self.rand() * ((hi - lo).days + 1))
        return lo + (DAYS[n] if n < 400 else dt.timedelta(days=n))

    def fat(self, d: dt.date, lo: int = 9, hi: int = 17) -> dt.datetime:
        pool = self.time_pools[(lo, hi)]
        return dt.datetime.combine(d, pool[int(self.rand() * len(pool))])

    def _next(self, key: str) -> int:
        value = self.ids[key]
        self.ids[key] = value + 1
        return value

    def _params(self, org) -> dict:
        return {**self.param_pool[int(self.rand() * 512)], "org": org.short}

    def _position(self, org) -> str:
        return org.short + self.pick(POSITIONS.get(org.level, POSITIONS["committee"]))

    def _window(self, insp) -> tuple[dt.date, dt.date]:
        return insp.start, min(insp.end or self.today, self.today)

    def _sanction(self, out, insp, source, kind, name, position, on, clue=None, problem=None) -> int:
        sid = self._next("sanction")
        note = self.pick(texts.SANCTION_NOTES[kind])
        out["sanction"].append(
            (sid, insp.id, source, clue, problem, kind, name, position, on, note, *domain(self.fat(on)))
        )
        return sid

    # --- one chunk ---------------------------------------------------------------------------

    def _chunk(self, insps) -> None:
        out = {key: [] for key in TABLES}
        state = {i.id: {"petitions": [], "problems": []} for i in insps}
        seconds = self.loader.seconds
        for key, step in (
            ("petition", self._petitions),
            ("problem", self._problems),
            ("notice", self._notice),
            ("clue", self._clues),
            ("measure", self._measures),
            ("handover", self._handovers),
            ("rule", self._rules),
            ("supervision", self._supervision),
            ("evaluation", self._evaluation),
        ):
            started = time.monotonic()
            for insp in insps:
                step(insp, state[insp.id], out)
            seconds[TABLES[key].name] += time.monotonic() - started
        for key, table in TABLES.items():
            if out[key]:
                self.loader.write(table, out[key])

    def _petitions(self, insp, st, out) -> None:
        rnd, org = self.rnd, insp.org
        lo, hi = (6, 16) if org.level in BIG else (1, 5) if org.level in GRASS else (4, 10)
        count = self.ri(lo, hi) if insp.status != S.ON_SITE else self.ri(lo // 2, hi // 2)
        start, end = self._window(insp)
        choices = self.petitions_by_where[WHERE.get(org.level, ("organ", "any"))]
        open_ = insp.status == S.ON_SITE
        for number in range(1, count + 1):
            subject, content, _w = self.pick(choices)
            params = self._params(org)
            anonymous = rnd.random() < 0.45
            if open_:
                handling = self.pick((PetitionHandling.PENDING, PetitionHandling.REFERRED, PetitionHandling.FILED))
            else:
                handling = self.pick((PetitionHandling.REFERRED, PetitionHandling.FILED))
            received = self.fday(start, end)
            row = [
                self._next("petition"),
                insp.id,
                number,
                self.pick(CHANNELS),
                received,
                "" if anonymous else self.person(),
                anonymous,
                subject.format(**params),
                content.format(**params),
                handling,
                *domain(self.fat(received)),
                "",
                "",
            ]
            st["petitions"].append(row)
            out["petition"].append(row)

    def _problem_text(self, insp, number, where):
        rnd, level = self.rnd, insp.org.level
        if level == OrgLevel.VILLAGE and number == 1 and rnd.random() < 0.5:
            return "A04", texts.WATER_TITLE, texts.WATER_DESC
        if level in (OrgLevel.VILLAGE, OrgLevel.TOWNSHIP) and number == 2 and rnd.random() < 0.25:
            return "B05", texts.MEETINGS_TITLE, texts.MEETINGS_DESC
        if level == OrgLevel.VILLAGE and number == 3 and rnd.random() < 0.3:
            return "C05", texts.THREE_ASSETS_TITLE, texts.THREE_ASSETS_DESC
        allowed = self.texts_by_where[where]
        code = None
        if insp.mode == InspectionMode.LOOK_BACK and "A05" in allowed and rnd.random() < 0.5:
            code = "A05"
        elif insp.theme and rnd.random() < 0.6:
            themed = [c for c in THEME_CODES[insp.theme] if c in allowed]
            code = self.pick(themed) if themed else None
        code = code or self.pick(self.codes_by_where[where])
        title, desc, _w = self.pick(allowed[code])
        return code, title, desc

    def _problems(self, insp, st, out) -> None:
        rnd, org = self.rnd, insp.org
        lo, hi = PER_LEVEL[org.level]
        count = self.ri(lo, hi)
        if insp.mode in (InspectionMode.LOOK_BACK, InspectionMode.MOBILE):
            count = max(2, count * 6 // 10)
        if insp.status == S.ON_SITE:
            count = max(1, count // 2)
        start, end = self._window(insp)
        if insp.feedback:
            sign_end = insp.feedback - dt.timedelta(days=3)
        elif insp.end:
            sign_end = insp.end + dt.timedelta(days=12)
        else:
            sign_end = self.today
        sign_end = min(sign_end, self.today)
        drafters = [c.user for c in insp.deputies + insp.members]
        linkable = list(st["petitions"])
        children = [c for c in org.children if c.active]
        fed_back = insp.status in (S.FED_BACK, S.CLOSED)
        where = WHERE.get(org.level, ("organ", "any"))
        for number in range(1, count + 1):
            code, title, desc = self._problem_text(insp, number, where)
            params = self._params(org)
            method = self.pick(self.methods)
            petition = None
            if method == DiscoveryMethod.PETITION:
                if linkable:
                    row = linkable.pop(int(self.rand() * len(linkable)))
                    row[PET_HANDLING], petition = PetitionHandling.TO_PROBLEM, row[0]
                else:
                    method = DiscoveryMethod.DOCUMENTS
            if fed_back:
                status = PS.FED_BACK  # settled with the measures
            elif insp.status == S.ON_SITE:
                status = self.pick(SIGN_ON_SITE)
            else:
                status = self.pick(SIGN_LEFT)
            d1 = self.fday(start + dt.timedelta(days=2), sign_end)
            d2 = min(d1 + dt.timedelta(days=self.ri(0, 3)), max(sign_end, d1))
            d3 = min(d2 + dt.timedelta(days=self.ri(0, 4)), max(sign_end, d2))
            handler_at = self.fat(d1, 9, 11) if status != PS.DRAFT else None
            deputy = deputy_at = leader = leader_at = None
            if status not in (PS.DRAFT, PS.HANDLER_SIGNED):
                deputy, deputy_at = self.pick(insp.deputies).user, self.fat(d2, 13, 15)
            if status not in SIGNING[:3]:
                leader, leader_at = insp.leader.user, self.fat(d3, 16, 17)
            created = self.fat(min(start + dt.timedelta(days=2), self.today), 9, 9)
            row = [
                self._next("problem"),
                insp.id,
                number,
                title.format(**params),
                desc.format(**params),
                self.categories[code][0],
                method,
                self.pick(children).id if children and rnd.random() < 0.3 else None,
                petition,
                self.common.get((insp.ctx.org.id, title)),
                status,
                self.pick(drafters),
                handler_at,
                deputy,
                deputy_at,
                leader,
                leader_at,
                insp.feedback if fed_back else None,
                None,
                created,
                leader_at or deputy_at or handler_at or created,
                1,
                None,
                None,
                "",
            ]
            st["problems"].append(row)
            out["problem"].append(row)

    def _notice(self, insp, st, out) -> None:
        rnd = self.rnd
        signed = [p for p in st["problems"] if p[P_STATUS] != PS.DRAFT]
        if not signed or rnd.random() >= 0.35:
            return
        start, end = self._window(insp)
        issued = self.fday(start + dt.timedelta(days=3), end)
        deadline = issued + dt.timedelta(days=self.ri(7, 30))
        done = rnd.random() < (0.85 if deadline < self.today else 0.4)
        completed = self.fday(issued + dt.timedelta(days=2), deadline + dt.timedelta(days=5)) if done else None
        out["notice"].append(
            (
                self._next("notice"),
                self.pick(signed)[0],
                1,
                issued,
                deadline,
                self.pick(texts.NOTICE_REQUIREMENTS).format(n=self.ri(3, 10)),
                insp.leader.user,
                completed,
                self.pick(texts.NOTICE_RESULTS) if done else "",
                *domain(self.fat(issued)),
            )
        )

    def _clues(self, insp, st, out) -> None:
        rnd, org, users = self.rnd, insp.org, insp.ctx.users
        if org.level in GRASS:
            count = self.pick(GRASS_CLUES)
        else:
            count = self.ri(1, 4)
        linkable = [p for p in st["petitions"] if p[PET_HANDLING] != PetitionHandling.TO_PROBLEM]
        for number in range(1, count + 1):
            dest = self.pick(DESTINATIONS)
            name = self.person()
            petition = None
            if linkable and rnd.random() < 0.3:
                row = linkable.pop(int(self.rand() * len(linkable)))
                row[PET_HANDLING], petition = PetitionHandling.TO_CLUE, row[0]
            summary = self.pick(texts.CLUES[dest]).format(name=name, amt=self._params(org)["amt"])
            status, on, by = ClueStatus.DRAFT, None, None
            disposition, disposed_on, note, disposed_by = "", None, "", None
            position = self._position(org)
            cid = self._next("clue")
            if insp.status == S.LEFT and rnd.random() < 0.5:
                on = self.fday(insp.end + dt.timedelta(days=3), insp.end + dt.timedelta(days=25))
            elif insp.status in (S.FED_BACK, S.CLOSED):
                fb = insp.feedback
                on = self.fday(max(insp.end, fb - dt.timedelta(days=10)), fb + dt.timedelta(days=10))
            if on is not None:
                status, by = ClueStatus.TRANSFERRED, users["office"]
                settled = 0.9 if insp.status == S.CLOSED else 0.75 if (self.today - on).days > 90 else 0.3
                if insp.status != S.LEFT and rnd.random() < settled:
                    status, disposition = ClueStatus.DISPOSED, self.pick(DISPOSITIONS[dest])
                    disposed_on = self.fday(on + dt.timedelta(days=20), on + dt.timedelta(days=240))
                    note = texts.DISPOSITION_NOTES[disposition]
                    disposed_by = users["discipline" if dest == ClueDestination.DISCIPLINE else "orgdept"]
            created = self.fat(self._window(insp)[1])
            out["clue"].append(
                (
                    cid,
                    insp.id,
                    number,
                    name,
                    position,
                    summary,
                    petition,
                    dest,
                    status,
                    on,
                    by,
                    disposition,
                    disposed_on,
                    note,
                    disposed_by,
                    *domain(created),
                )
            )
            kinds = []
            if disposition == Disposition.CASE_OPENED:
                extra = self.pick(("government", "judicial", "none", "government"))
                kinds = [SanctionKind.PARTY_DISCIPLINE] + ([extra] if extra != "none" else [])
            elif disposition in (Disposition.ORG_HANDLING, Disposition.LETTER_INQUIRY) and rnd.random() < 0.6:
                kinds = [SanctionKind.ORGANIZATIONAL]
            for kind in kinds:
                self._sanction(out, insp, SanctionSource.CLUE, kind, name, position, disposed_on, clue=cid)
