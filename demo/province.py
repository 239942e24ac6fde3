"""The province-scale demo (`seed_demo --scale province`): DESIGN.md §4's scale model.

An invented 江川省: the provincial committee, its units and 14 cities; each city committee with
its units and about nine districts; each district committee with its units, about fourteen
townships and some forty-six villages or communities per township — about 100,000 organizations.
Every committee runs one term of nine rounds (seven closed, one in progress, one planned), about
150,000 inspections in all, and the records below them (1,000,000 problems, 2,000,000 measures).

Rows are plain tuples streamed into the tables by `loader.Loader` (COPY on PostgreSQL), parents
before children, ids assigned here. The organization tree (this module), the people and the plan
of inspections (`province_plan`) are held as small slotted objects (a few hundred thousand); the
records of the inspections are generated and written a chunk of inspections at a time
(`province_records`, `province_rectification`), so no more than a few tens of thousands of rows
are ever held. `province_seed` runs the whole.

No history rows are written (docs/decisions.md): the seed is not a change anyone made.
"""

import datetime as dt
from dataclasses import dataclass, field

from campaigns.models import (
    Organization,
    OrgLevel,
    PartyOrgType,
    path_segment,
)

from .base import TZ, RandomMixin, add_months
from .loader import Loader, Table
from .names import DISTRICT_UNITS, STATIONS, NameBook, cn_number

PROVINCE = "江川省"
CODE = "JC"
DOMAIN = ("created_at", "updated_at", "version", "withdrawn_at", "withdrawn_by", "withdrawn_reason")
CONFLICT_REASONS = [
    "配偶在该单位任职",
    "近亲属担任该单位领导职务",
    "曾在该单位工作，离开未满三年",
    "与该单位主要负责人有亲属关系",
]
UNIT_NAMES = (
    "纪委监委机关 发展和改革委员会 教育局 科学技术局 工业和信息化局 公安局 民政局 司法局 财政局 "
    "人力资源和社会保障局 自然资源厅 生态环境局 住房和城乡建设局 交通运输局 水利局 农业农村局 商务局 "
    "文化和旅游局 卫生健康委员会 退役军人事务局 应急管理局 审计局 国有资产监督管理委员会 市场监督管理局 "
    "广播电视局 体育局 统计局 医疗保障局 林业局 机关事务管理局 信访局 粮食和物资储备局 能源局 "
    "乡村振兴局 地方金融监督管理局 大数据管理局 人民防空办公室 供销合作社 总工会 团委 妇女联合会 "
    "科学技术协会 文学艺术界联合会 残疾人联合会 工商业联合会 社会科学院 党校 档案馆 党史研究室 "
    "机关工委 政法委员会 宣传部 统战部 编办 网信办 老干部局 住房公积金管理中心 城市管理局 "
    "行政审批局 投资促进局"
).split()
DISTRICT_UNIT_NAMES = list(dict.fromkeys([n for n, _k in DISTRICT_UNITS] + UNIT_NAMES[1:]))
COMPANIES = ("投资集团有限公司", "交通投资集团有限公司", "水务集团有限公司", "能源集团有限公司", "城建集团有限公司")
INSTITUTIONS = ("第一人民医院", "中医院", "职业技术学院", "疾病预防控制中心", "第二人民医院", "广播电视台")
LEVEL_FOR_UNIT = {
    "province": OrgLevel.MUNICIPAL_UNIT,
    "city": OrgLevel.MUNICIPAL_UNIT,
    "district": OrgLevel.DISTRICT_UNIT,
}


@dataclass(frozen=True)
class ProvinceShape:
    """How many of each; `scaled` shrinks every branching factor for tests and trial runs."""

    cities: int = 14
    districts_per_city: int = 9
    townships: int = 14
    villages: int = 46
    stations: int = 3
    provincial_units: int = 60
    provincial_companies: int = 10
    city_units: int = 55
    city_companies: int = 8
    district_units: int = 36
    rounds: int = 9
    # Planned inspections per organization in scope, over the term: with look-backs and the re-inspections
    # of a covered scope, about 1.5 per organization (150,000 / 100,000 in the model).
    inspections_per_org: float = 1.32
    district_teams: int = 6
    upper_teams: int = 4
    chunk: int = 4000  # inspections whose records are generated and written together

    def scaled(self, fraction: float) -> "ProvinceShape":
        if fraction >= 1:
            return self
        k = fraction**0.25  # four nested branching factors
        return ProvinceShape(
            cities=max(2, round(self.cities * k)),
            districts_per_city=max(2, round(self.districts_per_city * k)),
            townships=max(2, round(self.townships * k)),
            villages=max(4, round(self.villages * k)),
            stations=max(1, round(self.stations * k)),
            provincial_units=max(4, round(self.provincial_units * k)),
            provincial_companies=max(2, round(self.provincial_companies * k)),
            city_units=max(4, round(self.city_units * k)),
            city_companies=max(2, round(self.city_companies * k)),
            district_units=max(4, round(self.district_units * k)),
            district_teams=max(2, round(self.district_teams * k)),
            upper_teams=max(2, round(self.upper_teams * k)),
        )


class Org:
    __slots__ = ("id", "path", "level", "short", "code", "children", "active", "district", "committee")

    def __init__(self, id, path, level, short, code, district):
        self.id, self.path, self.level, self.short, self.code = id, path, level, short, code
        self.children, self.active, self.district, self.committee = [], True, district, None


@dataclass
class Committee:
    org: Org
    kind: str  # province, city, district
    targets: list  # the scope, inspected fresh in this order
    elevated: list = field(default_factory=list)
    pool: list = field(default_factory=list)
    cross_pool: list = field(default_factory=list)
    term: int = 0
    term_start: dt.date | None = None
    users: dict = field(default_factory=dict)  # office, liaison, discipline, orgdept → user id
    units: list = field(default_factory=list)
    done: list = field(default_factory=list)  # inspections that went on site, oldest first


class ProvinceTree(RandomMixin):
    """The organization tree; the people and the plan follow (`province_plan`)."""

    def __init__(self, *, seed: int, today: dt.date, shape: ProvinceShape, password: str, loader: Loader):
        self._init_random(seed)
        self.today, self.shape, self.password, self.loader = today, shape, password, loader
        self.names = NameBook(self.rnd)
        self.term_start = add_months(dt.date(today.year, today.month, 1), -54)
        self.orgs: list[Org] = []
        self.committees: list[Committee] = []
        self.inspections: list = []  # province_plan.Insp
        self.accounts: list[tuple] = []
        self.noon = dt.datetime.combine(today, dt.time(12), tzinfo=TZ)

    # --- organizations -----------------------------------------------------------------------

    def _org(self, parent, name, level, org_type, code, short, committee=False, district=None):
        siblings = parent.children if parent else self.orgs
        path = (parent.path if parent else "") + path_segment(len(siblings) + 1 if parent else 1)
        org = Org(self.ids["org"], path, level, short, code, district)
        self.ids["org"] += 1
        if parent:
            parent.children.append(org)
        self.orgs.append(org)
        self.org_rows.append(
            [org.id, name, code, parent.id if parent else None, path, len(path) // 4, level, org_type, committee]
        )
        return org

    def _units(self, parent, prefix, count, kind):
        """Units under a committee; the first is the discipline commission's organs (never inspected)."""
        level = LEVEL_FOR_UNIT[kind]
        names = DISTRICT_UNIT_NAMES if kind == "district" else UNIT_NAMES
        units = []
        for i in range(count):
            base = names[i % len(names)]
            if i >= len(names):
                base = f"{base}{cn_number(i // len(names) + 1)}分局"
            org_type = PartyOrgType.COMMITTEE if i == 0 else PartyOrgType.LEADING_GROUP
            short = prefix + base
            units.append(
                self._org(
                    parent,
                    short + ("党委" if i == 0 else "党组"),
                    level,
                    org_type,
                    f"{parent.code}-U{i + 1:02d}",
                    short,
                    district=parent.district,
                )
            )
        return units

    def _companies(self, parent, prefix, count):
        out = []
        for i in range(count):
            enterprise = i % 2 == 0
            base = (COMPANIES if enterprise else INSTITUTIONS)[(i // 2) % 5]
            short = prefix + (base if i < 10 else f"{base}{i // 10 + 1}")
            level = OrgLevel.ENTERPRISE if enterprise else OrgLevel.INSTITUTION
            out.append(
                self._org(
                    parent,
                    short + "党委",
                    level,
                    PartyOrgType.COMMITTEE,
                    f"{parent.code}-E{i + 1:02d}",
                    short,
                    district=parent.district,
                )
            )
        return out

    def build_orgs(self) -> None:
        sh, rnd = self.shape, self.rnd
        self.ids = {"org": self.loader.next_id(Organization)}
        self.org_rows = []
        root = self.root = self._org(
            None, f"{PROVINCE}委", OrgLevel.COMMITTEE, PartyOrgType.COMMITTEE, CODE, PROVINCE, committee=True
        )
        units = self._units(root, "省", sh.provincial_units, "province")
        companies = self._companies(root, PROVINCE, sh.provincial_companies)
        province = Committee(root, "province", [])
        self.committees.append(province)
        cities, avoid = [], set()
        for c in range(1, sh.cities + 1):
            cname = self.names.place(avoid) + "市"
            city = self._org(
                root,
                f"{cname}委",
                OrgLevel.COMMITTEE,
                PartyOrgType.COMMITTEE,
                f"{CODE}-C{c:02d}",
                cname,
                committee=True,
            )
            cities.append(city)
            cunits = self._units(city, cname, sh.city_units, "city")
            ccompanies = self._companies(city, cname, sh.city_companies)
            city_ctx = Committee(city, "city", [])
            self.committees.append(city_ctx)
            districts, davoid = [], set()
            n_districts = max(2, sh.districts_per_city + rnd.randint(-2, 2) * (sh.districts_per_city > 4))
            for d in range(1, n_districts + 1):
                county = d > n_districts // 3
                dshort = self.names.place(davoid) + ("县" if county else "区")
                district = self._org(
                    city,
                    f"{dshort}委",
                    OrgLevel.DISTRICT,
                    PartyOrgType.COMMITTEE,
                    f"{city.code}-D{d:02d}",
                    dshort,
                    committee=True,
                )
                district.district = district.id
                districts.append(district)
                dunits = self._units(district, dshort, sh.district_units, "district")
                grass, towns, tavoid = [], [], set()
                n_towns = max(2, sh.townships + rnd.randint(-2, 2) * (sh.townships > 4))
                for t in range(1, n_towns + 1):
                    kind = ("镇" if t % 4 else "乡") if county else ("街道" if t % 2 else "镇")
                    tshort = self.names.place(tavoid) + kind
                    street = kind == "街道"
                    town = self._org(
                        district,
                        tshort + ("党工委" if street else "党委"),
                        OrgLevel.TOWNSHIP,
                        PartyOrgType.WORKING_COMMITTEE if street else PartyOrgType.COMMITTEE,
                        f"{district.code}-T{t:02d}",
                        dshort + tshort,
                        district=district.id,
                    )
                    towns.append(town)
                    vavoid = {tshort[:2]}
                    n_villages = rnd.randint(sh.villages * 6 // 10, sh.villages * 14 // 10)
                    for v in range(1, n_villages + 1):
                        vkind = "社区" if street or rnd.random() < 0.12 else "村"
                        vshort = self.names.place(vavoid) + vkind
                        vtype = rnd.choices(("branch", "general_branch", "committee"), (65, 25, 10))[0]
                        suffix = {"branch": "党支部", "general_branch": "党总支", "committee": "党委"}[vtype]
                        village = self._org(
                            town,
                            vshort + suffix,
                            OrgLevel.VILLAGE,
                            vtype,
                            f"{town.code}-V{v:03d}",
                            tshort + vshort,
                            district=district.id,
                        )
                        if rnd.random() < 0.003:  # merged villages (撤并村): dissolved, out of every scope
                            village.active = False
                            self.org_rows[-1].append(self.term_start + dt.timedelta(days=rnd.randint(200, 500)))
                        grass.append(village)
                    for s, station in enumerate(rnd.sample(STATIONS, min(sh.stations, len(STATIONS))), 1):
                        grass.append(
                            self._org(
                                town,
                                tshort + station + "党支部",
                                OrgLevel.STATION,
                                "branch",
                                f"{town.code}-S{s:02d}",
                                tshort + station,
                                district=district.id,
                            )
                        )
                targets = dunits[1:] + towns + [g for g in grass if g.active]
                rnd.shuffle(targets)
                self.committees.append(Committee(district, "district", targets, units=dunits))
            city_ctx.targets = cunits[1:] + ccompanies + districts
            rnd.shuffle(city_ctx.targets)
            city_ctx.elevated = [g for d in districts for g in d.children if g.level == OrgLevel.TOWNSHIP]
            city_ctx.elevated += [v for t in city_ctx.elevated for v in t.children if v.level == OrgLevel.VILLAGE]
            rnd.shuffle(city_ctx.elevated)
            city_ctx.units = cunits
        province.targets = units[1:] + companies + cities
        rnd.shuffle(province.targets)
        province.elevated = [o for c in cities for o in c.children if o.level != OrgLevel.MUNICIPAL_UNIT]
        rnd.shuffle(province.elevated)
        province.units = units
        table = Table(
            Organization,
            (
                "id",
                "name",
                "code",
                "parent",
                "path",
                "depth",
                "level",
                "party_org_type",
                "is_committee",
                "is_active",
                "dissolved_on",
            ),
        )
        self.loader.write(table, (r + [True, None] if len(r) == 9 else r[:9] + [False, r[9]] for r in self.org_rows))
        del self.org_rows
