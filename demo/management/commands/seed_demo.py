"""`manage.py seed_demo`: a fictional city's inspection work, with one demo account per role.

    python manage.py seed_demo                 # into an empty database
    python manage.py seed_demo --if-empty      # leave existing data alone (used by `make run`)
    python manage.py seed_demo --flush         # delete the domain data first, then seed
    python manage.py seed_demo --seed 7 --scale 10 --today 2026-11-25
    python manage.py seed_demo --scale province   # DESIGN.md §4's province, loaded with COPY
    python manage.py seed_demo --scale province --fraction 0.01   # the same shape, smaller

The data is deterministic for a given --seed, --scale and --today. Demo accounts share the
password in settings.DEMO_PASSWORD (environment variable DEMO_PASSWORD).
"""

import argparse
import datetime as dt
import time
import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, RoleAssignment, User
from campaigns.models import Organization
from demo.base import DEMO_USERNAMES
from demo.builder import DemoBuilder, DemoError
from demo.flush import flush_domain
from demo.loader import LoadError
from demo.province import ProvinceShape
from demo.province_seed import ProvinceSeed

DEFAULT_TODAY = dt.date(2026, 11, 25)
MAX_SCALE = 100
PROVINCE = "province"


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD，而不是 {value!r}") from None


def scale_value(value: str) -> int | str:
    if value == PROVINCE:
        return value
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--scale 须为整数或 {PROVINCE}，而不是 {value!r}") from None


def width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: list[str], rows: list[tuple]) -> str:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


class Command(BaseCommand):
    help = "生成演示数据：虚构的清河市委及其区县、一届任期的巡察工作，以及每种角色的演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机种子（默认 2026）；同一种子生成的数据完全相同。"
        )
        parser.add_argument(
            "--scale",
            type=scale_value,
            default=1,
            help="数据规模倍数（默认 1：约 800 个党组织、1500 个问题）；province 为全省规模"
            "（约 10 万个党组织、15 万次巡察、100 万个问题，PostgreSQL 上用 COPY 装载）。",
        )
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="仅用于 --scale province：按比例缩小全省规模（如 0.01），用于试运行和测试。",
        )
        parser.add_argument(
            "--today", type=iso_date, default=DEFAULT_TODAY, help="演示数据中的“今天”（默认 2026-11-25）。"
        )
        parser.add_argument("--if-empty", action="store_true", help="库中已有党组织时不做任何改动。")
        parser.add_argument(
            "--flush", action="store_true", help="先删除全部业务数据（保留问题类别）和非超级用户账号，再生成。"
        )

    def handle(self, *args, seed, scale, today, if_empty, flush, fraction, **options):
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError("未设置演示账号密码：请设置环境变量 DEMO_PASSWORD。")
        province = scale == PROVINCE
        if not province and not 1 <= scale <= MAX_SCALE:
            raise CommandError(f"--scale 须为 1 到 {MAX_SCALE} 之间的整数，或 {PROVINCE}。")
        if not 0 < fraction <= 1 or (fraction != 1 and not province):
            raise CommandError("--fraction 须在 0 到 1 之间，且只能与 --scale province 同用。")
        if if_empty and flush:
            raise CommandError("--if-empty 与 --flush 不能同时使用。")
        verbose = options.get("verbosity", 1) >= 1
        started = time.monotonic()
        with transaction.atomic():
            organizations = Organization.objects.count()
            if organizations and if_empty:
                self.stdout.write(f"演示数据已存在（党组织 {organizations} 个），未做任何改动。")
                if verbose:
                    self._print_existing_accounts(password)
                return
            taken = list(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
            if (organizations or taken) and not flush:
                what = f"党组织 {organizations} 个" if organizations else f"演示账号 {'、'.join(sorted(taken))}"
                raise CommandError(
                    f"数据库中已有数据（{what}），未生成演示数据。"
                    "如需清空后重建，请加 --flush（将删除全部业务数据和非超级用户账号）；如只想在空库中生成，请加 --if-empty。"
                )
            if flush:
                removed = flush_domain()
                if verbose:
                    self.stdout.write(f"已清空业务数据（删除 {removed} 行）。")
            if province:
                builder = ProvinceSeed(
                    seed=seed, today=today, shape=ProvinceShape().scaled(fraction), password=password
                )
                try:
                    builder.run()
                except LoadError as exc:
                    raise CommandError(str(exc)) from None
            else:
                builder = DemoBuilder(seed=seed, today=today, scale=scale, password=password)
                try:
                    builder.build()
                except DemoError as exc:
                    raise CommandError(str(exc)) from None
                builder.write()
                # Bulk inserts bypass the services, so the figures are computed once at the end
                # (by command name, as an operator would run it).
                call_command("rebuild_rollups", verbosity=0, stdout=self.stdout if verbose else None)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成：种子 {seed}，规模 {scale}，今天 {today.isoformat()}，用时 {elapsed:.1f} 秒。"
            )
        )
        if verbose and province:
            self.stdout.write("")
            self.stdout.write(table(["表", "行数", "用时（秒）"], builder.timings()))
            self.stdout.write("")
            self.stdout.write(table(["阶段", "用时（秒）"], [(k, f"{v:.1f}") for k, v in builder.phases]))
        if verbose:
            self.stdout.write("")
            if not province:
                self.stdout.write(table(["数据", "数量"], builder.counts()))
            self.stdout.write("")
            self.stdout.write(table(["用户名", "角色", "范围", "说明"], builder.accounts))
            self.stdout.write("")
            self.stdout.write(f"以上演示账号的密码均为：{password}")

    def _print_existing_accounts(self, password: str) -> None:
        assignments = (
            RoleAssignment.objects.filter(user__username__in=DEMO_USERNAMES, is_active=True)
            .select_related("user", "organization")
            .order_by("user__id", "id")
        )
        rows = [(a.user.username, Role(a.role).label, a.organization.name) for a in assignments]
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write(table(["用户名", "角色", "范围"], rows))
        self.stdout.write("")
        self.stdout.write(f"演示账号的密码为生成时的 DEMO_PASSWORD（当前设置：{password}）。")
