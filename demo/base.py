"""Small pieces the demo builder shares: dates, the random helpers and its in-memory plans."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from campaigns.models import Inspection, Organization, Person, Round, Team, Term

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.timedelta(days=1)
DEMO_USERNAMES = (
    "admin",
    "office",
    "leader",
    "inspector",
    "deputy",
    "liaison",
    "discipline",
    "orgdept",
    "district_office",
)


def add_months(d: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the end of a shorter month."""
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class Cadre:
    """A person of the cadre pool, with what recusal needs to know about them."""

    idx: int
    person: Person
    employer: Organization
    home_district: Organization | None
    committee: Organization  # whose pool they belong to
    leader_ok: bool
    conflict_paths: list[str] = field(default_factory=list)
    user: object = None


@dataclass
class TeamPlan:
    team: Team
    leader: Cadre
    deputies: list[Cadre]
    members: list[Cadre]
    cross: bool

    @property
    def cadres(self) -> list[Cadre]:
        return [self.leader, *self.deputies, *self.members]


@dataclass
class CommitteePlan:
    """One inspecting committee's term: its pool, what it has inspected, its office user."""

    committee: Organization
    term: Term
    pool: list[Cadre]
    is_city: bool
    cross_pool: list[Cadre] = field(default_factory=list)
    inspected: set[str] = field(default_factory=set)
    looked_back: set[str] = field(default_factory=set)
    done: list["InspectionPlan"] = field(default_factory=list)
    office_user: object = None


@dataclass
class InspectionPlan:
    insp: Inspection
    org: Organization
    team: TeamPlan
    ctx: CommitteePlan
    round: Round
    round_number: int
    forced_mix: bool = False
    problems: list = field(default_factory=list)
    petitions: list = field(default_factory=list)
    measures: list = field(default_factory=list)  # (problem, [measures])
    liaison: object = None


class RandomMixin:
    rnd: random.Random
    today: dt.date

    def _init_random(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self._seen: dict[str, set] = defaultdict(set)

    def r(self, lo: int, hi: int) -> int:
        return self.rnd.randint(lo, hi)

    def cover(self, key: str, values, weights=None):
        """Each value once first (so every choice appears), then at random with the weights."""
        seen = self._seen[key]
        for v in values:
            if v not in seen:
                seen.add(v)
                return v
        return self.rnd.choices(list(values), weights)[0] if weights else self.rnd.choice(list(values))

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        """A day in [lo, hi], never after today; lo when the range is empty."""
        hi = min(hi, self.today)
        if hi <= lo:
            return min(lo, self.today)
        return lo + dt.timedelta(days=self.rnd.randint(0, (hi - lo).days))

    def at(self, d: dt.date, lo_hour: int = 9, hi_hour: int = 17) -> dt.datetime:
        return dt.datetime(d.year, d.month, d.day, self.r(lo_hour, hi_hour), self.r(0, 59), tzinfo=TZ)

    def params(self, org_short: str, d: dt.date | None = None) -> dict:
        from .texts import TOPICS

        year = (d or self.today).year
        n = self.r(2, 9)
        return {
            "org": org_short,
            "y": self.rnd.choice((year - 1, year - 2, year - 1)),
            "n": n,
            "n2": self.r(1, n),
            "m": self.r(12, 60),
            "amt": round(self.rnd.uniform(2, 320), self.rnd.choice((1, 2))),
            "pct": self.r(35, 78),
            "topic": self.rnd.choice(TOPICS),
        }
