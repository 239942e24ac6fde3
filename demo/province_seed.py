"""Running the province seed: structure, records, checks, sequences, figures, statistics."""

import datetime as dt
import io
import time

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from accounts.models import Role, User
from campaigns.models import Inspection, InspectionStatus, OrgLevel

from .builder import PERMISSION_APPS, demo_pdf
from .loader import Loader
from .province import ProvinceShape, ProvinceTree
from .province_plan import ProvincePlan
from .province_records import TABLES, ProvinceRecords
from .province_rectification import ProvinceRectification

S = InspectionStatus


class ProvinceSeed(ProvinceTree, ProvincePlan, ProvinceRecords, ProvinceRectification):
    def __init__(self, *, seed: int, today: dt.date, shape: ProvinceShape, password: str):
        super().__init__(seed=seed, today=today, shape=shape, password=password, loader=Loader())
        self.phases: list[tuple[str, float]] = []

    def _phase(self, label: str, started: float) -> float:
        now = time.monotonic()
        self.phases.append((label, now - started))
        return now

    def run(self, *, rollup: bool = True) -> None:
        """Everything, inside the caller's transaction; LoadError (or a database error) on failure."""
        loader = self.loader
        t = time.monotonic()
        loader.foreign_keys_off()
        try:
            self.build_orgs()
            t = self._phase("党组织", t)
            self.build_people()
            self.build_plan()
            self.demo_accounts()
            self.write_people()
            loader.defer_indexes([Inspection] + [table.model for table in TABLES.values()])
            self.write_plan()
            t = self._phase("账号、人才库、届次、轮次、巡察组、巡察", t)
            self.pdf = demo_pdf()
            self.evidence_file = "evidence/demo-province.pdf"
            if not default_storage.exists(self.evidence_file):
                default_storage.save(self.evidence_file, ContentFile(self.pdf))
            self.build_records()
            t = self._phase("巡察记录（信访至评估）", t)
        finally:
            loader.foreign_keys_on()
        loader.restore_indexes()
        t = self._phase("重建索引", t)
        loader.verify_foreign_keys()
        t = self._phase("外键核验", t)
        loader.analyze()
        t = self._phase("ANALYZE", t)
        loader.reset_sequences()
        office = User.objects.get(username="office")
        office.user_permissions.set(Permission.objects.filter(content_type__app_label__in=PERMISSION_APPS))
        if rollup:
            # By command name: campaigns does not import reports.
            call_command("rebuild_rollups", verbosity=0, stdout=io.StringIO())
            loader.analyze(apps.get_model("reports", "InspectionRollup"))
            self._phase("统计汇总重建", t)

    def demo_accounts(self) -> None:
        """inspector/deputy lead a team of the province's round in progress; liaison is a unit it fed back."""
        province = self.committees[0]
        leader, deputy = self.demo_team
        self.rename(leader.user, "inspector")
        self.rename(deputy.user, "deputy")
        self.accounts.append(("inspector", Role.INSPECTOR.label, self._org_name(self.root), "省委巡察组组长"))
        self.accounts.append(("deputy", Role.INSPECTOR.label, self._org_name(self.root), "省委巡察组副组长"))
        fed_back = [i for i in self.inspections if i.ctx is province and i.status == S.FED_BACK]
        fed_back.sort(key=lambda i: i.org.level != OrgLevel.MUNICIPAL_UNIT)
        fed_back = fed_back or [i for i in self.inspections if i.status == S.FED_BACK]
        target = fed_back[0].org
        liaison = self.user("liaison", self.names.person(), demo=True)
        self.grant(liaison, Role.UNIT_LIAISON, target, "被巡察单位整改联络员")
        for insp in self.inspections:
            if insp.org is target:
                insp.liaison = liaison

    def counts(self) -> list[tuple[str, int]]:
        return sorted(self.loader.rows.items())

    def timings(self) -> list[tuple[str, int, str]]:
        return [(name, n, f"{self.loader.seconds[name]:.1f}") for name, n in sorted(self.loader.rows.items())]
